import Dispatch
public import Logging
public import Store
import Synchronization

/// The POP feature as one unit for the broker's composition root: owns the state store, long polling and
/// revive, builds the three processors, and runs the two timers (poll expiry every `pollingScanInterval`,
/// revive every `reviveInterval`) on a background dispatch queue.
///
/// ```swift
/// let pop = PopService(store: store, configDirectory: config.configDirectory, topics: topicAdapter,
///                      groups: subscriptionGroupManager, consumerOffsets: consumerOffsetManager,
///                      configuration: popConfiguration, logger: logger)
/// pop.start()                                   // replays the pop-state log, registers the arrival listener, timers
/// table[.popMessage] = pop.popProcessor
/// table[.ackMessage] = pop.ackProcessor
/// table[.batchAckMessage] = pop.ackProcessor
/// table[.changeMessageInvisibleTime] = pop.changeInvisibleTimeProcessor
/// ...
/// pop.shutdown()                                // answers parked pops, stops timers, flushes the pop-state log
/// ```
public final class PopService: Sendable {
    public let state: PopStateStore
    public let longPolling: PopLongPollingService
    public let revive: PopReviveService
    public let popProcessor: PopMessageProcessor
    public let ackProcessor: AckMessageProcessor
    public let changeInvisibleTimeProcessor: ChangeInvisibleTimeProcessor
    let store: any MessageStore
    let configuration: PopConfiguration
    private let stopped = Atomic<Bool>(false)
    private let timerQueue = DispatchQueue(label: "tern.pop.timers")

    /// - Parameters:
    ///   - configDirectory: `<storePathRootDir>/config`, where the `popState/` log lives; nil keeps state in memory.
    ///   - consumerOffsets: first-pop start offsets and mirrored progress (`ConsumerOffsetManager`), optional.
    public init(store: any MessageStore, configDirectory: String?, topics: any PopTopicRegistry,
                groups: any PopGroupRegistry, consumerOffsets: (any PopConsumerOffsets)?,
                configuration: PopConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        state = PopStateStore(configDirectory: configDirectory,
                              compactionThresholdBytes: configuration.stateLogCompactionBytes, logger: logger)
        longPolling = PopLongPollingService(popPollingSize: configuration.popPollingSize,
                                            maxPopPollingSize: configuration.maxPopPollingSize)
        revive = PopReviveService(store: store, state: state, topics: topics, groups: groups,
                                  configuration: configuration, logger: logger)
        popProcessor = PopMessageProcessor(store: store, state: state, topics: topics, groups: groups,
                                           consumerOffsets: consumerOffsets, longPolling: longPolling,
                                           configuration: configuration)
        ackProcessor = AckMessageProcessor(store: store, state: state, topics: topics)
        changeInvisibleTimeProcessor = ChangeInvisibleTimeProcessor(store: store, state: state, topics: topics,
                                                                    clock: configuration.clock)
    }

    /// Loads persisted state and wakes parked pops on message arrival. Timers only when `runTimers` (tests drive
    /// `revive.reviveOnce(now:)` and `longPolling.expire(now:)` with a fake clock instead).
    public func start(runTimers: Bool = true) {
        state.load()
        store.addArrivalListener { [longPolling] arrival in
            longPolling.messageArrived(topic: arrival.topic, queueId: arrival.queueId)
        }
        guard runTimers else { return }
        let clock = configuration.clock
        schedule(every: configuration.pollingScanInterval) { [longPolling] in longPolling.expire(now: clock()) }
        schedule(every: configuration.reviveInterval) { [revive] in revive.reviveOnce() }
    }

    /// Stops the timers, answers every parked pop with what it finds now, and writes the state. Blocking.
    public func shutdown() {
        stopped.store(true, ordering: .releasing)
        timerQueue.sync {}
        longPolling.wakeAll()
        longPolling.executionQueue.sync {}
        state.flush()
    }

    /// Runs `work` on `timerQueue` every `interval` until `shutdown`, re-arming after each run so a slow run
    /// never overlaps the next.
    private func schedule(every interval: Duration, _ work: @escaping @Sendable () -> Void) {
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000
            + Int(interval.components.attoseconds / 1_000_000_000)
        timerQueue.asyncAfter(deadline: .now() + .nanoseconds(max(1_000_000, nanoseconds))) { [self] in
            guard !stopped.load(ordering: .acquiring) else { return }
            work()
            schedule(every: interval, work)
        }
    }
}
