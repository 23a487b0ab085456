public import Logging
public import NIOCore
import Synchronization

/// The embedded name server: owns the route registry, the KV store, the request processor and the periodic scan
/// that expires silent brokers. Binding the port is the remoting server's job: hand it `processorTable` (and
/// `defaultProcessor` for codes outside the table), and call `connectionClosed(connectionID:)` when a connection
/// closes.
///
/// Lifecycle: `init` → `start(scanningOn:)` (loads the KV file, blocking) → serve → `shutdown()` (stops the scan,
/// waits for pending KV writes). Thread-safe.
public final class NameServer: Sendable {
    public let configuration: NamesrvConfiguration
    public let routeInfoManager: RouteInfoManager
    public let kvConfigManager: KVConfigManager
    public let processor: NamesrvProcessor
    private let logger: Logger
    private let scanTask = Mutex<RepeatedTask?>(nil)

    /// - Parameters:
    ///   - configuration: name-server settings.
    ///   - logger: the name server's logger (label `broker.namesrv`).
    ///   - clock: measures broker liveness; tests pass a manual clock.
    public init<C: Clock>(configuration: NamesrvConfiguration, logger: Logger, clock: C)
    where C.Duration == Duration {
        self.configuration = configuration
        self.logger = logger
        routeInfoManager = RouteInfoManager(configuration: configuration, clock: clock, logger: logger)
        kvConfigManager = KVConfigManager(path: configuration.kvConfigPath, logger: logger)
        processor = NamesrvProcessor(
            routeInfoManager: routeInfoManager, kvConfigManager: kvConfigManager,
            configuration: configuration, logger: logger)
    }

    /// A name server measuring liveness with `ContinuousClock`.
    public convenience init(configuration: NamesrvConfiguration, logger: Logger) {
        self.init(configuration: configuration, logger: logger, clock: ContinuousClock())
    }

    /// Request code → processor, for every name-server code.
    public var processorTable: [Int32: any RequestProcessor] {
        var table: [Int32: any RequestProcessor] = [:]
        for code in NamesrvProcessor.handledCodes { table[code.rawValue] = processor }
        return table
    }

    /// The processor for codes outside `processorTable`: it answers REQUEST_CODE_NOT_SUPPORTED with Java's remark.
    public var defaultProcessor: any RequestProcessor { processor }

    /// Loads the KV config file and starts scanning for expired brokers every `configuration.scanInterval` (first
    /// scan after one interval) on `eventLoop`. Blocking (file read); call once, before serving.
    /// - Throws: when the KV config file exists but cannot be read or parsed.
    public func start(scanningOn eventLoop: any EventLoop) throws {
        try kvConfigManager.load()
        let interval = TimeAmount(configuration.scanInterval)
        let manager = routeInfoManager
        let task = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            manager.scanNotActiveBrokers()
        }
        let previous = scanTask.withLock { current in
            defer { current = task }
            return current
        }
        precondition(previous == nil, "NameServer.start called twice")
        logger.info("name server started", metadata: ["namesrv.port": "\(configuration.listenPort)"])
    }

    /// Stops the scan and waits for pending KV writes. Blocking; idempotent.
    public func shutdown() {
        let task = scanTask.withLock { current in
            defer { current = nil }
            return current
        }
        task?.cancel()
        kvConfigManager.flush()
        if task != nil { logger.info("name server stopped") }
    }

    /// Unregisters the brokers that registered over a connection that has closed.
    public func connectionClosed(connectionID: String) {
        routeInfoManager.connectionClosed(connectionID: connectionID)
    }
}
