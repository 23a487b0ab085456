public import Logging
public import Store
import Synchronization

/// The native remoting broker: owns the managers, the long-polling service and the processor table over one
/// `MessageStore`, and runs their periodic work.
///
/// The composition root builds it, hands `processors` to the remoting server, calls `connectionClosed` when a
/// connection ends, sends `registerBrokerRequest()` to every name server every `registerNameServerPeriod` and from
/// the topics-changed handler, and calls `shutdown()` on SIGTERM before closing the store.
///
/// ```swift
/// let broker = Broker(configuration: config, store: store, logger: Logger(label: "broker.core"))
/// broker.setTopicsChangedHandler { registerWithNameServers(broker.registerBrokerRequest()) }
/// broker.start()
/// let server = RemotingServer(processors: broker.processors, ...)
/// ```
///
/// Threading: every member is safe from any thread. `start()`/`shutdown()` load and write config files (blocking).
public final class Broker: Sendable {
    public let configuration: BrokerConfiguration
    public let store: any MessageStore
    public let topics: TopicConfigManager
    public let subscriptionGroups: SubscriptionGroupManager
    public let offsets: ConsumerOffsetManager
    public let consumers: ConsumerManager
    public let producers: ProducerManager
    public let locks: RebalanceLockManager
    public let holdService: PullRequestHoldService
    /// RocketMQ 5 POP consumption (POP_MESSAGE, ACK, BATCH_ACK, CHANGE_INVISIBLE_TIME), shared with the gateway.
    public let pop: PopService
    /// Half messages and END_TRANSACTION decisions.
    public let transactions: TransactionalMessageService
    /// Check-backs of undecided half messages, run every `transactionCheckInterval` by the periodic task.
    public let transactionCheck: TransactionalMessageCheckService
    /// Delay-level delivery from SCHEDULE_TOPIC_XXXX (retries use it too).
    public let schedule: ScheduleMessageService
    /// RocketMQ 5 timer-message delivery from rmq_sys_wheel_timer.
    public let timer: TimerMessageService
    /// Request code → processor, for the remoting server.
    public let processors: [Int32: any RequestProcessor]

    private let periodicTask = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger

    /// - Parameters:
    ///   - holdExecutor: runs woken long-poll pulls; nil uses a global dispatch queue (tests pass an inline one).
    ///   - timerScheduler: runs delay-level and timer-wheel jobs; nil uses a serial dispatch queue per service.
    public init(
        configuration: BrokerConfiguration, store: any MessageStore, logger: Logger,
        holdExecutor: (@Sendable (@escaping @Sendable () -> Void) -> Void)? = nil,
        timerScheduler: (any TimerScheduler)? = nil
    ) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        topics = TopicConfigManager(configuration: configuration, logger: logger)
        subscriptionGroups = SubscriptionGroupManager(
            configDirectory: configuration.configDirectory,
            autoCreateSubscriptionGroup: configuration.autoCreateSubscriptionGroup, clock: configuration.clock,
            logger: logger)
        offsets = ConsumerOffsetManager(configDirectory: configuration.configDirectory, logger: logger)
        consumers = ConsumerManager(channelExpiredTimeout: configuration.channelExpiredTimeout, logger: logger)
        producers = ProducerManager(channelExpiredTimeout: configuration.channelExpiredTimeout)
        locks = RebalanceLockManager(lockMaxLiveTime: configuration.rebalanceLockMaxLiveTime)
        holdService = PullRequestHoldService(store: store, clock: configuration.clock, executor: holdExecutor)
        pop = PopService(
            store: store, configDirectory: configuration.configDirectory, topics: topics, groups: subscriptionGroups,
            consumerOffsets: offsets, configuration: PopConfiguration(broker: configuration), logger: logger)
        transactions = TransactionalMessageService(store: store, configuration: configuration, logger: logger)
        transactionCheck = TransactionalMessageCheckService(
            transactions: transactions, producers: producers, configuration: configuration, logger: logger)
        schedule = ScheduleMessageService(
            store: store, levels: configuration.delayLevels, configDirectory: configuration.configDirectory,
            clock: configuration.clock, scheduler: timerScheduler ?? DispatchTimerScheduler(label: "broker.schedule"),
            logger: logger)
        timer = TimerMessageService(
            store: store, configDirectory: configuration.configDirectory, clock: configuration.clock,
            scheduler: timerScheduler ?? DispatchTimerScheduler(label: "broker.timer"),
            checkpointWriter: timerScheduler == nil ? DispatchTimerScheduler(label: "broker.timer.checkpoint") : nil,
            logger: logger)
        processors = BrokerProcessors.make(
            configuration: configuration, store: store, topics: topics, subscriptionGroups: subscriptionGroups,
            offsets: offsets, consumers: consumers, producers: producers, locks: locks, holdService: holdService,
            transactions: transactions, logger: logger
        ).merging(pop.processors) { _, popProcessor in popProcessor }
        let holdService = holdService
        store.addArrivalListener { arrival in holdService.notifyMessageArriving(arrival) }
    }

    /// Sets the callback run whenever a topic is created or changed; it should send `registerBrokerRequest()` to the
    /// name servers soon (must not block: it may run on an event loop).
    public func setTopicsChangedHandler(_ handler: @escaping @Sendable () -> Void) {
        topics.setTopicsChangedHandler(handler)
    }

    /// Loads topics.json (rebuilding it from the stored consume queues when it is unusable), subscriptionGroup.json
    /// and consumerOffset.json, writes them back (so system topics are on disk), and starts the periodic task: held-pull checks every second, changed configs every second, consumer
    /// offsets every `flushConsumerOffsetInterval`, expired channels every 10 s. Blocking.
    public func start() {
        if !topics.load() { topics.restore(fromStoredQueues: store.storedQueueCounts()) }
        subscriptionGroups.load()
        offsets.load()
        persistAll(force: true)
        pop.start()
        schedule.start()
        if configuration.timerWheelEnable { timer.start() }
        let task = Task.detached(priority: .utility) { [weak self] in
            var tick: Int64 = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard let self, !Task.isCancelled else { return }
                tick += 1
                self.runPeriodicWork(tick: tick)
            }
        }
        periodicTask.withLock { $0 = task }
        logger.info(
            "broker started",
            metadata: [
                "broker.name": "\(configuration.brokerName)",
                "broker.address": "\(configuration.brokerAddress)",
            ])
    }

    /// Stops the periodic task, answers every held pull, and writes all config files. Blocking.
    public func shutdown() {
        periodicTask.withLock { task in
            task?.cancel()
            task = nil
        }
        holdService.wakeAll()
        pop.shutdown()
        schedule.shutdown()
        timer.shutdown()
        persistAll(force: true)
        logger.info("broker shut down", metadata: ["broker.name": "\(configuration.brokerName)"])
    }

    /// Forgets a closed connection: its consumers (notifying the rest of their groups) and producers.
    public func connectionClosed(_ connectionID: String) {
        let groups = subscriptionGroups
        consumers.connectionClosed(connectionID) { groups.config($0)?.notifyConsumerIdsChangedEnable ?? true }
        producers.connectionClosed(connectionID)
    }

    /// One round of periodic work; `tick` counts seconds since start. Exposed for tests and for roots that drive
    /// their own timers.
    public func runPeriodicWork(tick: Int64) {
        holdService.checkHeldRequests()
        topics.persist()
        subscriptionGroups.persist()
        let offsetEvery = max(1, configuration.flushConsumerOffsetInterval / 1000)
        if tick % offsetEvery == 0 { offsets.persist() }
        let transactionCheckEvery = max(1, configuration.transactionCheckInterval / 1000)
        if tick % transactionCheckEvery == 0 && configuration.isMaster { transactionCheck.check() }
        if tick % 10 == 0 {
            let now = configuration.clock()
            let groups = subscriptionGroups
            consumers.scanExpiredChannels(now: now) { groups.config($0)?.notifyConsumerIdsChangedEnable ?? true }
            producers.scanExpiredChannels(now: now)
        }
    }

    /// Writes every config file (only changed ones unless `force`). Blocking.
    public func persistAll(force: Bool = false) {
        topics.persist(force: force)
        subscriptionGroups.persist(force: force)
        offsets.persist(force: force)
    }
}
