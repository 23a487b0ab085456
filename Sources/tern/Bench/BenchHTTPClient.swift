import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 keep-alive client for `tern bench pop`: one request at a time per connection, responses
/// framed by Content-Length (what the gateway sends). Not a general client.
final class BenchHTTPConnection: Sendable {
    struct Response: Sendable {
        var status: Int
        var body: ByteBuffer
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let channel: any Channel
    private let host: String

    private init(channel: any Channel, host: String) {
        self.channel = channel
        self.host = host
    }

    static func connect(host: String, port: Int, group: any EventLoopGroup) async throws -> BenchHTTPConnection {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ResponseDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ResponseHandler())
                }
            }
            .connect(host: host, port: port).get()
        return BenchHTTPConnection(channel: channel, host: "\(host):\(port)")
    }

    /// Sends one request; the connection must have no other request outstanding.
    func request(_ method: String, _ path: String, json body: ByteBuffer? = nil) -> EventLoopFuture<Response> {
        let promise = channel.eventLoop.makePromise(of: Response.self)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        if let body {
            head += "Content-Type: application/json\r\nContent-Length: \(body.readableBytes)\r\n\r\n"
        } else {
            head += "Content-Length: 0\r\n\r\n"
        }
        var bytes = channel.allocator.buffer(capacity: head.utf8.count + (body?.readableBytes ?? 0))
        bytes.writeString(head)
        if let body { bytes.writeImmutableBuffer(body) }
        channel.writeAndFlush(OutboundRequest(bytes: bytes, promise: promise), promise: nil)
        return promise.futureResult
    }

    func close() async { try? await channel.close() }

    struct OutboundRequest {
        var bytes: ByteBuffer
        var promise: EventLoopPromise<Response>
    }

    /// Holds the outstanding request's promise and completes it with the decoded response.
    private final class ResponseHandler: ChannelDuplexHandler {
        typealias InboundIn = Response
        typealias OutboundIn = OutboundRequest
        typealias OutboundOut = ByteBuffer
        private var pending: [EventLoopPromise<Response>] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let request = unwrapOutboundIn(data)
            pending.append(request.promise)
            context.write(wrapOutboundOut(request.bytes), promise: promise)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let response = unwrapInboundIn(data)
            guard !pending.isEmpty else { return }
            pending.removeFirst().succeed(response)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            fail(Failure(description: "\(error)"))
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            fail(Failure(description: "connection closed"))
            context.fireChannelInactive()
        }

        private func fail(_ error: any Error) {
            let waiting = pending
            pending = []
            for promise in waiting { promise.fail(error) }
        }
    }

    /// Status line, headers up to the blank line, then Content-Length bytes of body.
    private struct ResponseDecoder: ByteToMessageDecoder {
        typealias InboundOut = Response

        mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
            let view = buffer.readableBytesView
            guard let end = Self.headerEnd(view) else { return .needMoreData }
            let headerLength = end - view.startIndex
            guard let head = buffer.getString(at: buffer.readerIndex, length: headerLength) else {
                return .needMoreData
            }
            let lines = head.split(separator: "\r\n")
            guard let statusLine = lines.first, statusLine.count >= 12,
                  let status = Int(statusLine.dropFirst(9).prefix(3)) else {
                throw Failure(description: "bad status line")
            }
            var contentLength = 0
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                if line[..<colon].lowercased() == "content-length" {
                    contentLength = Int(line[line.index(after: colon)...].trimmingPrefixSpaces) ?? 0
                }
            }
            guard buffer.readableBytes >= headerLength + 4 + contentLength else { return .needMoreData }
            buffer.moveReaderIndex(forwardBy: headerLength + 4)
            let body = buffer.readSlice(length: contentLength) ?? ByteBuffer()
            context.fireChannelRead(wrapInboundOut(Response(status: status, body: body)))
            return .continue
        }

        static func headerEnd(_ view: ByteBufferView) -> Int? {
            var index = view.startIndex
            while index + 3 < view.endIndex {
                if view[index] == 13 && view[index + 1] == 10 && view[index + 2] == 13 && view[index + 3] == 10 {
                    return index
                }
                index += 1
            }
            return nil
        }
    }
}

extension Substring {
    fileprivate var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
