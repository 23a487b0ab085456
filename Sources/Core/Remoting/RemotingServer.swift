public import Logging
public import NIOCore
import NIOPosix
import NIOConcurrencyHelpers

/// Settings of one ``RemotingServer`` (one listening port).
///
/// | key | type | default | meaning |
/// |---|---|---|---|
/// | `host` | String | `0.0.0.0` | address to bind |
/// | `port` | Int | 10911 | port to bind; 0 picks a free one (read it from ``RemotingServer/port``) |
/// | `maximumFrameLength` | Int, bytes | 16,777,212 | largest accepted `frameLength` field; larger closes |
/// | `idleTimeout` | TimeAmount | 120 s | close a connection with no read and no write for this long; nil never |
/// | `backlog` | Int32 | 1024 | listen backlog |
/// | `shutdownGracePeriod` | TimeAmount | 10 s | how long shutdown waits for in-flight responses |
/// | `writeBufferLowWaterMark` | Int, bytes | 1 MiB | a connection that stopped reading resumes below this |
/// | `writeBufferHighWaterMark` | Int, bytes | 4 MiB | stop reading from a connection with more unsent responses |
/// | `maximumPendingWriteBytes` | Int, bytes | 64 MiB | close a connection whose unsent responses would exceed this |
///
/// The budget for partially received frames is shared by every server of the process, so it is passed to the
/// server's initializer (``RemotingInboundBudget``), not set here.
///
/// The broker listens on 10911 and on the VIP port 10909 (which refuses pulls): run two servers, each with its own
/// dispatcher, sharing processors and the event loop group.
public struct RemotingServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var maximumFrameLength: Int
    public var idleTimeout: TimeAmount?
    public var backlog: Int32
    public var shutdownGracePeriod: TimeAmount
    public var writeBufferLowWaterMark: Int
    public var writeBufferHighWaterMark: Int
    public var maximumPendingWriteBytes: Int

    public init(host: String = "0.0.0.0", port: Int = 10911,
                maximumFrameLength: Int = RemotingFrameDecoder.defaultMaximumFrameLength,
                idleTimeout: TimeAmount? = .seconds(120), backlog: Int32 = 1024,
                shutdownGracePeriod: TimeAmount = .seconds(10),
                writeBufferLowWaterMark: Int = 1024 * 1024, writeBufferHighWaterMark: Int = 4 * 1024 * 1024,
                maximumPendingWriteBytes: Int = 64 * 1024 * 1024) {
        self.host = host
        self.port = port
        self.maximumFrameLength = maximumFrameLength
        self.idleTimeout = idleTimeout
        self.backlog = backlog
        self.shutdownGracePeriod = shutdownGracePeriod
        self.writeBufferLowWaterMark = writeBufferLowWaterMark
        self.writeBufferHighWaterMark = writeBufferHighWaterMark
        self.maximumPendingWriteBytes = maximumPendingWriteBytes
    }
}

/// A RocketMQ remoting server on one port: accepts connections, decodes frames, dispatches requests to processors
/// by code (unknown codes get `REQUEST_CODE_NOT_SUPPORTED`), writes their responses in whatever order they come.
///
/// Lifecycle: `init`, then ``start()``, then ``shutdown()`` (stop accepting, let in-flight requests answer for up to
/// the grace period, close). Threading: all methods are callable from any thread; the event loop group belongs to
/// the caller, who shuts it down after the server.
public final class RemotingServer: Sendable {
    /// Called once per connection, on its event loop, after the connection is set up.
    public typealias ConnectionOpened = @Sendable (RemotingConnection) -> Void
    /// Called once per connection with its ``RemotingConnection/connectionID`` after it closed.
    public typealias ConnectionClosed = @Sendable (String) -> Void

    public let configuration: RemotingServerConfiguration
    private let group: any EventLoopGroup
    private let dispatcher: RemotingDispatcher
    private let logger: Logger
    private let onConnectionOpened: ConnectionOpened?
    private let onConnectionClosed: ConnectionClosed?
    /// Bytes all connections may hold in partially received frames; shared with the process's other servers.
    public let inboundBudget: RemotingInboundBudget
    // Guards the listening channel and the live connections; never held across a call out. A pthread lock rather
    // than Synchronization.Mutex, whose futex calls ThreadSanitizer cannot see (false race reports).
    private let state = NIOLockedValueBox(ServerState())

    private struct ServerState {
        var listener: (any Channel)?
        var connections: [String: RemotingConnection] = [:]
        var shuttingDown = false
    }

    /// - Parameters:
    ///   - configuration: bind address and limits.
    ///   - group: event loops for the listener and connections (a `MultiThreadedEventLoopGroup`).
    ///   - dispatcher: processors by request code, plus the fallback for unknown codes.
    ///   - logger: parent logger (label `broker.remoting`); each connection gets a child with its metadata.
    ///   - onConnectionOpened: lifecycle callback, e.g. to log or count connections.
    ///   - onConnectionClosed: lifecycle callback, e.g. for the consumer manager to drop the channel.
    ///   - inboundBudget: the budget for partially received frames, shared by every server of the process; nil
    ///     gives this server one of its own with the default capacity.
    public init(configuration: RemotingServerConfiguration, group: any EventLoopGroup, dispatcher: RemotingDispatcher,
                logger: Logger, onConnectionOpened: ConnectionOpened? = nil,
                onConnectionClosed: ConnectionClosed? = nil, inboundBudget: RemotingInboundBudget? = nil) {
        precondition(0 < configuration.writeBufferLowWaterMark
                     && configuration.writeBufferLowWaterMark <= configuration.writeBufferHighWaterMark
                     && configuration.writeBufferHighWaterMark < configuration.maximumPendingWriteBytes,
                     "write buffer bounds must satisfy 0 < low <= high < maximumPendingWriteBytes")
        self.inboundBudget = inboundBudget ?? RemotingInboundBudget()
        self.configuration = configuration
        self.group = group
        self.dispatcher = dispatcher
        self.logger = logger
        self.onConnectionOpened = onConnectionOpened
        self.onConnectionClosed = onConnectionClosed
    }

    /// Convenience: processors by code, with ``UnsupportedRequestProcessor`` for the rest.
    public convenience init(configuration: RemotingServerConfiguration, group: any EventLoopGroup,
                            processors: [Int32: any RequestProcessor], logger: Logger,
                            onConnectionClosed: ConnectionClosed? = nil) {
        self.init(configuration: configuration, group: group, dispatcher: RemotingDispatcher(processors: processors),
                  logger: logger, onConnectionClosed: onConnectionClosed)
    }

    /// The bound address once started.
    public var localAddress: SocketAddress? { state.withLockedValue { $0.listener?.localAddress } }

    /// The bound port once started (useful with port 0).
    public var port: Int? { localAddress?.port }

    /// The live connections, a snapshot.
    public var connections: [RemotingConnection] { state.withLockedValue { Array($0.connections.values) } }

    /// Binds and starts accepting.
    /// - Throws: the bind error (address in use, permission).
    public func start() async throws {
        try await bind().get()
    }

    /// Future-returning form of ``start()``: binds and starts accepting; completes once listening.
    public func bind() -> EventLoopFuture<Void> {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(
                low: configuration.writeBufferLowWaterMark, high: configuration.writeBufferHighWaterMark))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try self.initializeConnection(channel) }
            }
        return bootstrap.bind(host: configuration.host, port: configuration.port).map { listener in
            self.state.withLockedValue { $0.listener = listener }
            self.logger.info("remoting server listening", metadata: [
                "remoting.address": "\(RemotingPipeline.describe(listener.localAddress))",
            ])
        }
    }

    private func initializeConnection(_ channel: any Channel) throws {
        let connection = RemotingConnection(channel: channel,
                                            remoteAddress: RemotingPipeline.describe(channel.remoteAddress),
                                            logger: logger)
        try RemotingPipeline.configure(channel: channel, connection: connection, dispatcher: dispatcher,
                                       maximumFrameLength: configuration.maximumFrameLength,
                                       idleTimeout: configuration.idleTimeout, serializeType: .json,
                                       inboundBudget: inboundBudget,
                                       maximumPendingWriteBytes: configuration.maximumPendingWriteBytes)
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.connections[connection.connectionID] = connection
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        connection.logger.debug("connection opened")
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLockedValue { $0.connections.removeValue(forKey: connection.connectionID) }
            connection.logger.debug("connection closed")
            self.onConnectionClosed?(connection.connectionID)
        }
        onConnectionOpened?(connection)
    }

    /// Stops accepting, lets in-flight requests answer for up to `configuration.shutdownGracePeriod`, then closes
    /// every connection. Completes when all are closed.
    public func shutdown() async {
        // shutdownGracefully never fails; `try?` only satisfies `get()`.
        _ = try? await shutdownGracefully().get()
    }

    /// Future-returning form of ``shutdown()``; never fails.
    public func shutdownGracefully() -> EventLoopFuture<Void> {
        let (listener, connections) = state.withLockedValue { state in
            state.shuttingDown = true
            return (state.listener, Array(state.connections.values))
        }
        let loop = group.any()
        let listenerClosed: EventLoopFuture<Void>
        if let listener {
            listenerClosed = listener.close().flatMapErrorWithEventLoop { _, loop in loop.makeSucceededVoidFuture() }
        } else {
            listenerClosed = loop.makeSucceededVoidFuture()
        }
        let deadline = NIODeadline.now() + configuration.shutdownGracePeriod
        for connection in connections { connection.drain(deadline: deadline) }
        let closed = connections.map { $0.closeFuture }
        return listenerClosed.flatMap { EventLoopFuture.andAllComplete(closed, on: loop) }.map {
            self.logger.info("remoting server stopped")
        }
    }
}
