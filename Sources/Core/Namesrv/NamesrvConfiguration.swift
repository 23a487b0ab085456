/// Settings of the embedded name server. Defaults are RocketMQ 5.x's (`NamesrvConfig`, `NettyServerConfig`).
///
/// | key | type | unit | default | RocketMQ key |
/// |---|---|---|---|---|
/// | `listenPort` | Int | port | 9876 | `listenPort` |
/// | `scanInterval` | Duration | | 5 s | `scanNotActiveBrokerInterval` |
/// | `brokerExpiry` | Duration | | 120 s | `DEFAULT_BROKER_CHANNEL_EXPIRED_TIME` (a broker's `heartbeatTimeoutMillis` overrides it) |
/// | `kvConfigPath` | String? | file path | nil (KV config kept in memory only) | `kvConfigPath` |
/// | `orderMessageEnable` | Bool | | false | `orderMessageEnable` (attach `ORDER_TOPIC_CONFIG` to routes) |
/// | `returnOrderTopicConfigToBroker` | Bool | | true | `returnOrderTopicConfigToBroker` |
/// | `enableAllTopicList` | Bool | | true | `enableAllTopicList` (GET_ALL_TOPIC_LIST_FROM_NAMESERVER) |
/// | `enableTopicList` | Bool | | true | `enableTopicList` (GET_TOPICS_BY_CLUSTER, unit topic lists) |
/// | `deleteTopicWithBrokerRegistration` | Bool | | false | `deleteTopicWithBrokerRegistration` |
public struct NamesrvConfiguration: Sendable, Hashable {
    public var listenPort: Int
    public var scanInterval: Duration
    public var brokerExpiry: Duration
    public var kvConfigPath: String?
    public var orderMessageEnable: Bool
    public var returnOrderTopicConfigToBroker: Bool
    public var enableAllTopicList: Bool
    public var enableTopicList: Bool
    public var deleteTopicWithBrokerRegistration: Bool

    public init(
        listenPort: Int = 9876, scanInterval: Duration = .seconds(5), brokerExpiry: Duration = .seconds(120),
        kvConfigPath: String? = nil, orderMessageEnable: Bool = false,
        returnOrderTopicConfigToBroker: Bool = true, enableAllTopicList: Bool = true,
        enableTopicList: Bool = true, deleteTopicWithBrokerRegistration: Bool = false
    ) {
        self.listenPort = listenPort
        self.scanInterval = scanInterval
        self.brokerExpiry = brokerExpiry
        self.kvConfigPath = kvConfigPath
        self.orderMessageEnable = orderMessageEnable
        self.returnOrderTopicConfigToBroker = returnOrderTopicConfigToBroker
        self.enableAllTopicList = enableAllTopicList
        self.enableTopicList = enableTopicList
        self.deleteTopicWithBrokerRegistration = deleteTopicWithBrokerRegistration
    }

    /// The settings as `key=value` lines, the GET_NAMESRV_CONFIG body.
    public var propertiesText: String {
        [
            "listenPort=\(listenPort)",
            "scanNotActiveBrokerInterval=\(Self.milliseconds(scanInterval))",
            "kvConfigPath=\(kvConfigPath ?? "")",
            "orderMessageEnable=\(orderMessageEnable)",
            "returnOrderTopicConfigToBroker=\(returnOrderTopicConfigToBroker)",
            "enableAllTopicList=\(enableAllTopicList)",
            "enableTopicList=\(enableTopicList)",
            "deleteTopicWithBrokerRegistration=\(deleteTopicWithBrokerRegistration)",
        ].joined(separator: "\n") + "\n"
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
