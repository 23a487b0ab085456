import Logging
import NIOCore

/// The last handler of every remoting pipeline (server and client): routes decoded frames.
///
/// * Requests go to the dispatcher's processor with a ``RemotingRequestContext``; processors answer whenever they
///   like, so responses leave out of order.
/// * Responses complete the connection's pending request with the same opaque.
/// * Malformed frames with a salvaged opaque are answered with `SYSTEM_ERROR` and the connection stays open; without
///   an opaque nobody can be answered, so the connection closes.
/// * Codec boundary errors, I/O errors and idle timeouts close the connection.
final class RemotingChannelHandler: ChannelInboundHandler {
    typealias InboundIn = RemotingFrame
    typealias OutboundOut = RemotingCommand

    private let connection: RemotingConnection
    private let dispatcher: RemotingDispatcher

    init(connection: RemotingConnection, dispatcher: RemotingDispatcher) {
        self.connection = connection
        self.dispatcher = dispatcher
    }

    private var logger: Logger { connection.logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.beginReadBatch()
        switch unwrapInboundIn(data) {
        case let .command(command):
            if command.isResponse {
                connection.responseReceived(command)
            } else {
                dispatch(command)
            }
        case let .malformed(frame):
            malformedFrame(frame, context: context)
        }
    }

    private func dispatch(_ request: RemotingCommand) {
        logger.debug("request", metadata: [
            "request.opaque": "\(request.opaque)", "request.code": "\(request.code)",
            "request.oneway": "\(request.isOneway)",
        ])
        if !request.isOneway { connection.requestReceived() }
        let requestContext = RemotingRequestContext(connection: connection, request: request)
        dispatcher.processor(for: request.code).process(request, context: requestContext)
    }

    private func malformedFrame(_ frame: MalformedRemotingFrame, context: ChannelHandlerContext) {
        if frame.isResponse {
            connection.malformedResponseReceived(frame)
        } else if let response = frame.errorResponse() {
            logger.debug("malformed request answered", metadata: [
                "request.opaque": "\(response.opaque)", "remoting.error": "\(frame.error)",
            ])
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        } else if frame.opaque == nil {
            logger.warning("closing: malformed request without a readable opaque", metadata: ["remoting.error": "\(frame.error)"])
            context.close(promise: nil)
        } else {
            logger.debug("malformed oneway request dropped", metadata: ["remoting.error": "\(frame.error)"])
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.endReadBatch()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all {
            logger.debug("closing idle connection")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is RemotingCodecError || error is ByteToMessageDecoderError {
            logger.warning("closing: undecodable frame", metadata: ["remoting.error": "\(error)"])
        } else {
            logger.debug("closing after error", metadata: ["remoting.error": "\(error)"])
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.channelClosed()
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension RemotingChannelHandler: Sendable {}

/// Installs the remoting handlers on a channel; shared by server and client.
enum RemotingPipeline {
    /// Must run on the channel's event loop (channel initializers do).
    /// - Parameters:
    ///   - inboundBudget: the process-wide budget for partially received frames; nil for none (clients).
    ///   - maximumPendingWriteBytes: stop reading while the channel is not writable, and close the connection
    ///     when its outbound buffer would exceed this (servers); nil for neither (clients).
    static func configure(channel: any Channel, connection: RemotingConnection, dispatcher: RemotingDispatcher,
                          maximumFrameLength: Int, idleTimeout: TimeAmount?,
                          serializeType: RemotingSerializeType, inboundBudget: RemotingInboundBudget? = nil,
                          maximumPendingWriteBytes: Int? = nil) throws {
        let operations = channel.pipeline.syncOperations
        if let idleTimeout {
            try operations.addHandler(RemotingIdleHandler(timeout: idleTimeout))
        }
        try operations.addHandler(RemotingFrameReader(
            decoder: RemotingFrameDecoder(maximumFrameLength: maximumFrameLength), budget: inboundBudget,
            readsFollowWritability: maximumPendingWriteBytes != nil, maximumPendingWriteBytes: maximumPendingWriteBytes,
            logger: connection.logger))
        try operations.addHandler(RemotingFrameEncoder(serializeType: serializeType))
        try operations.addHandler(RemotingChannelHandler(connection: connection, dispatcher: dispatcher))
    }

    /// `ip:port` of an address, or its description when it has no IP.
    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if let ip = address.ipAddress, let port = address.port { return "\(ip):\(port)" }
        return "\(address)"
    }
}
