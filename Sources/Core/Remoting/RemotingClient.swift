public import Logging
public import NIOCore
import NIOPosix

/// Settings of a ``RemotingClient`` connection.
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `connectTimeout` | TimeAmount | 3 s | TCP connect timeout (RocketMQ's client default) |
/// | `idleTimeout` | TimeAmount? | 120 s | close when no read and no write for this long; nil never |
/// | `maximumFrameLength` | Int, bytes | 16,777,212 | largest accepted `frameLength`; larger closes |
/// | `serializeType` | RemotingSerializeType | `.json` | header format of frames this client writes |
public struct RemotingClientConfiguration: Sendable {
    public var connectTimeout: TimeAmount
    public var idleTimeout: TimeAmount?
    public var maximumFrameLength: Int
    public var serializeType: RemotingSerializeType

    public init(connectTimeout: TimeAmount = .seconds(3), idleTimeout: TimeAmount? = .seconds(120),
                maximumFrameLength: Int = RemotingFrameDecoder.defaultMaximumFrameLength,
                serializeType: RemotingSerializeType = .json) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maximumFrameLength = maximumFrameLength
        self.serializeType = serializeType
    }
}

/// One connection to a RocketMQ remoting server (name server or broker): two-way requests matched by opaque, any
/// number in flight, oneway requests, and server-initiated requests handled by a dispatcher.
///
/// Threading: every method is callable from any thread. The pending-request table lives on the connection's event
/// loop, so sending takes no lock (one hop when called off the loop). No reconnect: when ``closeFuture`` completes,
/// connect again.
public final class RemotingClient: Sendable {
    /// The underlying connection (also usable as a ``ClientChannel``).
    public let connection: RemotingConnection

    private init(connection: RemotingConnection) {
        self.connection = connection
    }

    /// Connects to `host:port`.
    /// - Parameters:
    ///   - dispatcher: handles requests the server sends (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE, …);
    ///     by default every code is answered `REQUEST_CODE_NOT_SUPPORTED`.
    ///   - logger: parent logger; the connection logs with `connection.id` and `peer` metadata.
    /// - Throws: the connect error or timeout.
    public static func connect(host: String, port: Int, group: any EventLoopGroup,
                               configuration: RemotingClientConfiguration = RemotingClientConfiguration(),
                               dispatcher: RemotingDispatcher = RemotingDispatcher(),
                               logger: Logger) async throws -> RemotingClient {
        try await connectFuture(host: host, port: port, group: group, configuration: configuration,
                                dispatcher: dispatcher, logger: logger).get()
    }

    /// Future-returning form of ``connect(host:port:group:configuration:dispatcher:logger:)``.
    public static func connectFuture(host: String, port: Int, group: any EventLoopGroup,
                                     configuration: RemotingClientConfiguration = RemotingClientConfiguration(),
                                     dispatcher: RemotingDispatcher = RemotingDispatcher(),
                                     logger: Logger) -> EventLoopFuture<RemotingClient> {
        let address = "\(host):\(port)"
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = RemotingConnection(channel: channel, remoteAddress: address, logger: logger)
                    try RemotingPipeline.configure(channel: channel, connection: connection, dispatcher: dispatcher,
                                                   maximumFrameLength: configuration.maximumFrameLength,
                                                   idleTimeout: configuration.idleTimeout,
                                                   serializeType: configuration.serializeType)
                    try channel.pipeline.syncOperations.addHandler(ConnectionHolder(connection))
                }
            }
        return bootstrap.connect(host: host, port: port).flatMapThrowing { channel in
            let holder = try channel.pipeline.syncOperations.handler(type: ConnectionHolder.self)
            return RemotingClient(connection: holder.connection)
        }
    }

    /// Sends a two-way request (fresh opaque) and completes with the response.
    /// Fails with ``RemotingError`` `.timeout` or `.connectionClosed`.
    public func send(_ request: RemotingCommand, timeout: TimeAmount) -> EventLoopFuture<RemotingCommand> {
        connection.send(request, timeout: timeout)
    }

    /// Async form of ``send(_:timeout:)``.
    public func request(_ request: RemotingCommand, timeout: TimeAmount) async throws -> RemotingCommand {
        try await connection.send(request, timeout: timeout).get()
    }

    /// Sends a oneway request (flag bit 1 set); completes when written.
    @discardableResult
    public func sendOneway(_ request: RemotingCommand) -> EventLoopFuture<Void> {
        let promise = connection.eventLoop.makePromise(of: Void.self)
        connection.writeOneway(request, promise: promise)
        return promise.futureResult
    }

    /// Whether the connection is open.
    public var isActive: Bool { connection.isActive }

    /// Completes when the connection has closed.
    public var closeFuture: EventLoopFuture<Void> { connection.closeFuture }

    /// Closes the connection; pending requests fail with `.connectionClosed`.
    @discardableResult
    public func close() -> EventLoopFuture<Void> { connection.close() }
}

/// Carries the connection from the channel initializer to `connect`'s caller.
private final class ConnectionHolder: ChannelInboundHandler {
    typealias InboundIn = RemotingFrame
    let connection: RemotingConnection
    init(_ connection: RemotingConnection) { self.connection = connection }
}

@available(*, unavailable)
extension ConnectionHolder: Sendable {}
