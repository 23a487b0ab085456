import Store

/// Settings of the native remoting broker, with RocketMQ's `BrokerConfig` names and defaults.
///
/// | Key (RocketMQ name) | Type / unit | Default |
/// |---|---|---|
/// | `brokerName` | String | `broker-a` |
/// | `brokerClusterName` | String | `DefaultCluster` |
/// | `brokerId` | Int64, 0 = master | 0 |
/// | `brokerIP1` | String, address clients use | `127.0.0.1` |
/// | `listenPort` | Int, remoting port | 10911 (HA port = `listenPort + 1`) |
/// | `brokerPermission` | Int32, PermName bits (4 read, 2 write) | 6 |
/// | `storePathRootDir` | path; config JSON lives in `<root>/config` | `./store` |
/// | `autoCreateTopicEnable` | Bool: create TBW102 (perm 7) and topics on first send | true |
/// | `autoCreateSubscriptionGroup` | Bool: create groups on first sight | true |
/// | `defaultTopicQueueNums` | Int32, queues of TBW102 | 8 |
/// | `clusterTopicEnable` / `brokerTopicEnable` | Bool: create `<clusterName>` / `<brokerName>` topics | true / true |
/// | `longPollingEnable` | Bool; false parks pulls for `shortPollingTimeMills` only | true |
/// | `shortPollingTimeMills` | ms | 1000 |
/// | `regionId` | String, `MSG_REGION` of send responses | `DefaultRegion` |
/// | `traceOn` | Bool, `TRACE_ON` of send responses | true |
/// | `channelExpiredTimeout` | ms without heartbeat before a client channel is dropped | 120000 |
/// | `flushConsumerOffsetInterval` | ms between consumerOffset.json writes | 5000 |
/// | `rebalanceLockMaxLiveTime` (`rocketmq.broker.rebalance.lockMaxLiveTime`) | ms | 60000 |
/// | `registerNameServerPeriod` | ms between REGISTER_BROKER rounds (driven by the composition root) | 30000 |
/// | `maxTransferCountOnMessageInMemory` | messages per pull | 32 |
/// | `maxTransferBytesOnMessageInMemory` | bytes per pull | 262144 |
/// | `enablePropertyFilter` | Bool: accept SQL92 subscriptions (RocketMQ defaults to false; Tern to true) | true |
/// | `rejectTransactionMessage` | Bool: refuse prepared (half) messages with NO_PERMISSION | false |
/// | `transactionTimeOut` | ms a half message waits before its first check-back | 6000 |
/// | `transactionCheckMax` | check-backs before a half message is discarded | 15 |
/// | `transactionCheckInterval` | ms between check-back rounds | 30000 |
/// | `messageDelayLevel` | String, delay per level, units s/m/h/d (invalid ⇒ the default) | `1s 5s 10s 30s 1m … 1h 2h` |
/// | `timerWheelEnable` | Bool: park TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS messages | true |
/// | `timerMaxDelaySec` | s, farthest timer allowed (else MESSAGE_ILLEGAL) | 259200 (3 days) |
/// | `clock` | `@Sendable () -> Int64`, wall-clock ms (tests inject a fake) | system clock |
public struct BrokerConfiguration: Sendable {
    public var brokerName: String = "broker-a"
    public var brokerClusterName: String = "DefaultCluster"
    public var brokerId: Int64 = 0
    public var brokerIP1: String = "127.0.0.1"
    public var listenPort: Int = 10911
    public var brokerPermission: Int32 = 6
    public var storePathRootDir: String = "./store"
    public var autoCreateTopicEnable: Bool = true
    public var autoCreateSubscriptionGroup: Bool = true
    public var defaultTopicQueueNums: Int32 = 8
    public var clusterTopicEnable: Bool = true
    public var brokerTopicEnable: Bool = true
    public var longPollingEnable: Bool = true
    public var shortPollingTimeMills: Int64 = 1000
    public var regionId: String = "DefaultRegion"
    public var traceOn: Bool = true
    public var channelExpiredTimeout: Int64 = 120_000
    public var flushConsumerOffsetInterval: Int64 = 5000
    public var rebalanceLockMaxLiveTime: Int64 = 60_000
    public var registerNameServerPeriod: Int64 = 30_000
    public var maxTransferCountOnMessageInMemory: Int = 32
    public var maxTransferBytesOnMessageInMemory: Int = 256 * 1024
    /// Deviation from RocketMQ (false there): SQL92 filtering works without extra configuration.
    public var enablePropertyFilter: Bool = true
    public var rejectTransactionMessage: Bool = false
    public var transactionTimeOut: Int64 = 6000
    public var transactionCheckMax: Int32 = 15
    public var transactionCheckInterval: Int64 = 30_000
    public var messageDelayLevel: String = DelayLevelTable.defaultLevels
    public var timerWheelEnable: Bool = true
    public var timerMaxDelaySec: Int64 = 259_200
    /// Wall-clock milliseconds since the epoch.
    public var clock: @Sendable () -> Int64 = StoreConfiguration.systemClock

    public init() {}

    /// `<storePathRootDir>/config`, where topics.json, consumerOffset.json and subscriptionGroup.json live.
    public var configDirectory: String { storePathRootDir + "/config" }
    /// `brokerIP1:listenPort`, the address registered with name servers.
    public var brokerAddress: String { "\(brokerIP1):\(listenPort)" }
    /// `brokerIP1:(listenPort + 1)`, the HA address registered with name servers.
    public var haServerAddress: String { "\(brokerIP1):\(listenPort + 1)" }
    /// `messageDelayLevel` parsed; the default table when it does not parse (the executable validates it first).
    public var delayLevels: DelayLevelTable { DelayLevelTable(parsing: messageDelayLevel) ?? .standard }
    /// Whether this broker is a master (brokerId 0).
    public var isMaster: Bool { brokerId == 0 }
}
