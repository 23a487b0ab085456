public import NIOCore

/// Writes outbound ``RemotingCommand``s as frames.
///
/// Header and length prefix go into one small buffer; a large body is written as its own buffer after it, so pull
/// and query responses are not copied.
public final class RemotingFrameEncoder: ChannelOutboundHandler {
    public typealias OutboundIn = RemotingCommand
    public typealias OutboundOut = ByteBuffer

    /// Bodies smaller than this are copied behind the header: one write beats two for small frames.
    private static let copyBodyThreshold = 4096

    public let serializeType: RemotingSerializeType
    /// One yajl generator for every JSON header this channel writes.
    private let headerWriter = JSONWriter()

    /// - Parameter serializeType: the header format to write; servers answer in JSON (spec 1.6).
    public init(serializeType: RemotingSerializeType = .json) {
        self.serializeType = serializeType
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var command = unwrapOutboundIn(data)
        let body = command.body
        let splitBody = (body?.readableBytes ?? 0) >= Self.copyBodyThreshold
        // Sized for header plus copied body, so a 1 KiB send is not regrown while it is written.
        var buffer = context.channel.allocator.buffer(capacity: 512 + (splitBody ? 0 : body?.readableBytes ?? 0))
        do {
            if splitBody {
                // Encode the header with the body's length, then send the body buffer untouched.
                command.body = nil
                try command.encode(into: &buffer, serializeType: serializeType, headerWriter: headerWriter)
                let bodyLength = body?.readableBytes ?? 0
                if let frameLength = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) {
                    buffer.setInteger(frameLength + UInt32(bodyLength), at: buffer.readerIndex)
                }
            } else {
                try command.encode(into: &buffer, serializeType: serializeType, headerWriter: headerWriter)
            }
        } catch {
            promise?.fail(error)
            return
        }
        if splitBody, let body {
            context.write(wrapOutboundOut(buffer), promise: nil)
            context.write(wrapOutboundOut(body), promise: promise)
        } else {
            context.write(wrapOutboundOut(buffer), promise: promise)
        }
    }
}

@available(*, unavailable)
extension RemotingFrameEncoder: Sendable {}
