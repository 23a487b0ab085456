public import Store

/// Settings of POP consumption, with RocketMQ's `BrokerConfig` names and defaults (broker-internals §9).
///
/// | Key | Type / unit | Default |
/// |---|---|---|
/// | `brokerName` | String, written into every POP_CK | `broker-a` |
/// | `reviveQueueNum` | revive queue ids handed out round-robin (`reviveQid`) | 8 |
/// | `enableRetryTopicV2` | Bool: retry topic `%RETRY%<group>+<topic>` instead of `%RETRY%<group>_<topic>` | false |
/// | `popFromRetryProbability` | percent of pops that read the retry topic first | 20 |
/// | `popResponseReturnActualRetryTopic` | Bool: false re-encodes retry records with the original topic and a POP_CK property, as 5.x does | false |
/// | `popPollingSize` | parked pops per topic@group@qid | 1024 |
/// | `maxPopPollingSize` | parked pops in total | 100,000 |
/// | `pollingScanInterval` | Duration between expiry scans of parked pops | 20 ms |
/// | `reviveInterval` | Duration between revive scans | 500 ms |
/// | `reviveBatchSize` | checkpoints revived per scan at most | 256 |
/// | `maxTransferBytes` | bytes of records per pop response | 4 MiB |
/// | `defaultMaxReconsumeTimes` | redeliveries before `%DLQ%<group>` when the group registry has no value | 16 |
/// | `stateLogCompactionBytes` | pop-state log size that triggers a new snapshot (`PopStateLog`) | 16 MiB |
/// | `enablePropertyFilter` | Bool: accept `expType` SQL92 (from `BrokerConfiguration`) | true |
/// | `storeHost` | born host of revived messages | 127.0.0.1:0 |
/// | `clock` | wall-clock ms (tests inject a fake) | `StoreConfiguration.systemClock` |
/// | `random` | `(upperBound) -> 0..<upperBound`, for the retry-first choice | system RNG |
public struct PopConfiguration: Sendable {
    public var brokerName: String = "broker-a"
    public var reviveQueueNum: Int32 = 8
    public var enableRetryTopicV2: Bool = false
    public var popFromRetryProbability: Int = 20
    public var popResponseReturnActualRetryTopic: Bool = false
    public var popPollingSize: Int = 1024
    public var maxPopPollingSize: Int = 100_000
    public var pollingScanInterval: Duration = .milliseconds(20)
    public var reviveInterval: Duration = .milliseconds(500)
    public var reviveBatchSize: Int = 256
    public var maxTransferBytes: Int = 4 * 1024 * 1024
    public var defaultMaxReconsumeTimes: Int32 = 16
    public var stateLogCompactionBytes: Int = PopStateStore.defaultCompactionThresholdBytes
    public var enablePropertyFilter: Bool = true
    public var storeHost: HostAddress = .loopbackIPv4
    public var clock: @Sendable () -> Int64 = StoreConfiguration.systemClock
    public var random: @Sendable (Int) -> Int = { Int.random(in: 0..<$0) }

    public init() {}

    /// The mark of the retry topic this broker pops from and revives into.
    public var retryMark: PopRetryMark { enableRetryTopicV2 ? .retryV2 : .retryV1 }

    /// Largest `maxMsgNums` a pop may ask for (remoting-protocol §1.9).
    public static let maxMessagesPerPop: Int32 = 32
    /// Tolerated lateness (ms) of a pop request before it is refused with POLLING_TIMEOUT.
    public static let bornTimeTolerance: Int64 = 500
    /// Extra invisibility (s) after the n-th failed revive, as RocketMQ's `PopReviveService` retries CKs.
    static let reviveRetrySeconds: [Int64] = [10, 20, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200]
}

/// The topic registry as POP sees it (the broker adapts `TopicConfigManager` to it).
public protocol PopTopicRegistry: Sendable {
    /// Number of read queues of `topic`; nil when the topic does not exist.
    func readQueueCount(topic: String) -> Int32?
    /// Creates a retry or dead-letter topic with `queueCount` queues and perm READ|WRITE if it does not exist.
    func createTopicIfAbsent(_ topic: String, queueCount: Int32)
}

/// The consumer-group registry as POP sees it (`SubscriptionGroupManager` conforms).
public protocol PopGroupRegistry: Sendable {
    /// Whether `group` may consume and how often a message is redelivered before the DLQ; nil when the group is
    /// unknown and cannot be auto-created.
    func popGroupSettings(_ group: String) -> PopGroupSettings?
}

/// What POP needs of one group's `SubscriptionGroupConfig`.
public struct PopGroupSettings: Sendable, Equatable {
    public var consumeEnable: Bool
    /// `retryMaxTimes`: deliveries after the first one before the message goes to `%DLQ%<group>`.
    public var retryMaxTimes: Int32

    public init(consumeEnable: Bool = true, retryMaxTimes: Int32 = 16) {
        self.consumeEnable = consumeEnable
        self.retryMaxTimes = retryMaxTimes
    }
}

extension SubscriptionGroupManager: PopGroupRegistry {
    public func popGroupSettings(_ group: String) -> PopGroupSettings? {
        findOrCreate(group).map { PopGroupSettings(consumeEnable: $0.consumeEnable, retryMaxTimes: $0.retryMaxTimes) }
    }
}

/// Committed consumer offsets (`ConsumerOffsetManager` conforms): where a group's first pop of a queue starts,
/// and where admin tools see POP progress.
public protocol PopConsumerOffsets: Sendable {
    func queryOffset(group: String, topic: String, queueId: Int32) -> Int64?
    func commitOffset(group: String, topic: String, queueId: Int32, offset: Int64)
}

extension ConsumerOffsetManager: PopConsumerOffsets {}
