#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings of the embedded HTTP gateway.
///
/// Keys (type, unit, default):
/// - `host` (String, default `127.0.0.1`), `port` (Int, default 8080; 0 picks a free port).
/// - `threadPoolSize` (Int, libmicrohttpd epoll threads, default twice the online cores, 2 to 64; see
///   `defaultThreadPoolSize`).
/// - `maxConnections` (Int, default 1024): connections beyond it get 503 `too_many_connections`.
/// - `connectionIdleTimeoutSeconds` (Int, seconds, default 60): idle keep-alive connections are closed after it.
/// - `headersTimeout` (Duration, default 10 s): a connection that has not sent a complete request head this long
///   after opening (or after its previous request) is closed; near `maxConnections`, connections idle over 1 s are
///   closed first (`HTTPConnectionReaper`).
/// - `maxBodyBytes` (Int, bytes, default 4 MiB + 64 KiB): larger bodies get 413 `body_too_large`.
/// - `maxBatchSize` (Int, messages, default 256): larger batches get 413 `batch_too_large`.
/// - `maxWait` (Duration, default 30 s): longer long-poll waits get 400 `wait_too_long`.
/// - `upstreamGrace` (Duration, default 10 s): a processor that has not answered `maxWait + upstreamGrace` after
///   the request gets 504 `upstream_timeout`.
/// - `shutdownGracePeriod` (Duration, default 5 s): how long `stop()` waits for in-flight requests.
/// - `brokerName` (String, default `broker-a`): reported in send results and used to pick queues from routes.
/// - `producerGroup` (String, default `TERN_HTTP_PRODUCER`): producer group of messages sent over HTTP.
/// - `defaultConsumerGroup` (String, default `TERN_HTTP_CONSUMER`): group of pulls that name none.
public struct GatewayConfiguration: Sendable {
    /// Twice the online cores, 2 to 64 (the range `httpThreads` accepts). A libmicrohttpd thread that the scheduler
    /// preempts after waking a client stalls every connection it serves; with more threads than cores another one
    /// picks up the ready connections. On the 2-core bench machine 4 threads served 1 KiB sends at 52-64k req/s
    /// against 55k with 2 (bench/RESULTS.md, session 3).
    public static let defaultThreadPoolSize = min(64, max(2, 2 * sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    public var host: String
    public var port: Int
    public var threadPoolSize: Int
    public var maxConnections: Int
    public var connectionIdleTimeoutSeconds: Int
    public var headersTimeout: Duration = .seconds(10)
    public var maxBodyBytes: Int
    public var maxBatchSize: Int
    public var maxWait: Duration
    public var upstreamGrace: Duration
    public var shutdownGracePeriod: Duration
    public var brokerName: String
    public var producerGroup: String
    public var defaultConsumerGroup: String

    public init(host: String = "127.0.0.1", port: Int = 8080,
                threadPoolSize: Int = GatewayConfiguration.defaultThreadPoolSize, maxConnections: Int = 1024,
                connectionIdleTimeoutSeconds: Int = 60, maxBodyBytes: Int = 4 * 1024 * 1024 + 64 * 1024,
                maxBatchSize: Int = 256, maxWait: Duration = .seconds(30), upstreamGrace: Duration = .seconds(10),
                shutdownGracePeriod: Duration = .seconds(5), brokerName: String = "broker-a",
                producerGroup: String = "TERN_HTTP_PRODUCER", defaultConsumerGroup: String = "TERN_HTTP_CONSUMER") {
        self.host = host
        self.port = port
        self.threadPoolSize = threadPoolSize
        self.maxConnections = maxConnections
        self.connectionIdleTimeoutSeconds = connectionIdleTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.maxBatchSize = maxBatchSize
        self.maxWait = maxWait
        self.upstreamGrace = upstreamGrace
        self.shutdownGracePeriod = shutdownGracePeriod
        self.brokerName = brokerName
        self.producerGroup = producerGroup
        self.defaultConsumerGroup = defaultConsumerGroup
    }
}
