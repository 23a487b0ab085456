public import Core
public import Logging
import Synchronization

/// A figure the composition root exports on `/metrics` next to the gateway's own counters (store and broker
/// gauges such as commit-log max offset or dispatch lag).
public struct GatewayGauge: Sendable {
    /// Prometheus metric name (`tern_store_commitlog_max_offset`).
    public var name: String
    public var help: String
    public var value: Double
    public var labels: [(String, String)]

    public init(name: String, help: String, value: Double, labels: [(String, String)] = []) {
        self.name = name
        self.help = help
        self.value = value
        self.labels = labels
    }
}

/// Why the gateway could not start (address invalid or in use).
public struct GatewayStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The embedded HTTP/REST gateway: maps each REST call onto a `RemotingCommand` and runs it through the same
/// `RequestProcessor`s the native protocol uses, with a `RequestContext` whose `respond` resumes the suspended HTTP
/// connection. No thread waits for a pending request (long polls included).
///
/// The composition root creates it with the broker's and the name server's processor tables, calls `start()`
/// once and `stop()` once on shutdown. Thread-safe.
public final class Gateway: Sendable {
    private let server: HTTPServer

    /// Requests received and not yet answered (tests wait on it instead of sleeping).
    var inFlightRequests: Int { server.inFlightRequests }
    private let router: GatewayRouter
    private let configuration: GatewayConfiguration

    /// - Parameters:
    ///   - configuration: listen address, limits and names (see `GatewayConfiguration`).
    ///   - brokerProcessors: the broker's processors by request code (send, pull, offsets, admin, pop...).
    ///   - nameServerProcessors: the name server's processors by request code (routes, cluster info).
    ///   - isReady: whether the store has recovered; until then `/healthz` and `/v1` answer 503 `not_ready`.
    ///   - gauges: extra figures for `/metrics`, read on every scrape (must be cheap and thread-safe).
    ///   - logger: the gateway's logger (label `broker.gateway`).
    public init(configuration: GatewayConfiguration, brokerProcessors: [Int32: any RequestProcessor],
                nameServerProcessors: [Int32: any RequestProcessor],
                isReady: @escaping @Sendable () -> Bool = { true },
                gauges: @escaping @Sendable () -> [GatewayGauge] = { [] }, logger: Logger) {
        self.configuration = configuration
        let backend = GatewayBackend(configuration: configuration, brokerProcessors: brokerProcessors,
                                     nameServerProcessors: nameServerProcessors, isReady: isReady, gauges: gauges,
                                     metrics: GatewayMetrics(), logger: logger)
        router = GatewayRouter(backend: backend)
        server = HTTPServer(
            configuration: HTTPServer.Configuration(
                host: configuration.host, port: configuration.port, threadPoolSize: configuration.threadPoolSize,
                maxConnections: configuration.maxConnections,
                connectionIdleTimeoutSeconds: configuration.connectionIdleTimeoutSeconds,
                maxBodyBytes: configuration.maxBodyBytes,
                requestTimeout: configuration.maxWait + configuration.upstreamGrace,
                headersTimeout: configuration.headersTimeout),
            handler: router, logger: logger)
        backend.metrics.serverReadings = { [weak server] in
            guard let server else { return GatewayMetrics.ServerReadings() }
            return GatewayMetrics.ServerReadings(
                openConnections: server.openConnections.load(ordering: .relaxed),
                inFlightRequests: server.inFlightRequests, retainedRequests: server.retainedRequests,
                reapedConnections: server.reapedConnections)
        }
    }

    /// Binds the listen address and starts serving.
    /// - Returns: the bound port (the chosen one when configured with port 0).
    /// - Throws: `GatewayStartError` when the address is invalid or cannot be bound.
    @discardableResult
    public func start() throws(GatewayStartError) -> Int {
        do {
            let port = try server.start()
            router.backend.logger.info("gateway listening", metadata: [
                "gateway.host": "\(configuration.host)", "gateway.port": "\(port)",
            ])
            return port
        } catch {
            throw GatewayStartError(message: error.message)
        }
    }

    /// The bound port while running.
    public var port: Int? { server.boundPort }

    /// Stops accepting connections, waits up to `configuration.shutdownGracePeriod` for in-flight requests,
    /// answers the rest with 503 `shutting_down`, and stops. Idempotent.
    public func stop() async {
        await server.stop(gracePeriod: configuration.shutdownGracePeriod)
    }
}
