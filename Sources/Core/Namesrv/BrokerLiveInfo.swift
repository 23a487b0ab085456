/// Identifies one registered broker process: its cluster and client-facing address (RocketMQ's `BrokerAddrInfo`).
public struct BrokerAddrInfo: Sendable, Hashable, CustomStringConvertible {
    public var clusterName: String
    public var brokerAddr: String

    public init(clusterName: String, brokerAddr: String) {
        self.clusterName = clusterName
        self.brokerAddr = brokerAddr
    }

    public var description: String { "\(clusterName)/\(brokerAddr)" }
}

/// Liveness of one registered broker process (RocketMQ's `BrokerLiveInfo`): the name server forgets the broker when
/// `lastUpdate + heartbeatTimeout` has passed without a REGISTER_BROKER, BROKER_HEARTBEAT or QUERY_DATA_VERSION.
public struct BrokerLiveInfo: Sendable, Hashable {
    /// When the broker was last heard from, as time elapsed on the `RouteInfoManager`'s clock since its creation.
    public var lastUpdate: Duration
    public var heartbeatTimeout: Duration
    /// The topic-config version of the broker's last registration.
    public var dataVersion: DataVersion
    /// `ip:haPort`, handed to slaves as their master's HA address.
    public var haServerAddr: String
    /// The remoting connection the broker registered over, if known; closing it unregisters the broker.
    public var connectionID: String?

    public init(
        lastUpdate: Duration, heartbeatTimeout: Duration, dataVersion: DataVersion, haServerAddr: String,
        connectionID: String? = nil
    ) {
        self.lastUpdate = lastUpdate
        self.heartbeatTimeout = heartbeatTimeout
        self.dataVersion = dataVersion
        self.haServerAddr = haServerAddr
        self.connectionID = connectionID
    }

    /// Whether the broker has been silent for longer than its timeout at `now` (same clock as `lastUpdate`).
    public func isExpired(at now: Duration) -> Bool { lastUpdate + heartbeatTimeout < now }
}

/// One REGISTER_BROKER, decoded: the header fields and the body's topic table.
public struct BrokerRegistration: Sendable, Hashable {
    public var clusterName: String
    public var brokerAddr: String
    public var brokerName: String
    public var brokerId: Int64
    public var haServerAddr: String
    public var zoneName: String?
    /// nil = the name server's `brokerExpiry`.
    public var heartbeatTimeout: Duration?
    /// nil for pre-5.0 brokers.
    public var enableActingMaster: Bool?
    public var topicConfigWrapper: TopicConfigSerializeWrapper
    /// nil leaves the stored filter-server list alone; empty clears it.
    public var filterServerList: [String]?
    public var connectionID: String?

    public init(
        clusterName: String, brokerAddr: String, brokerName: String, brokerId: Int64, haServerAddr: String,
        zoneName: String? = nil, heartbeatTimeout: Duration? = nil, enableActingMaster: Bool? = false,
        topicConfigWrapper: TopicConfigSerializeWrapper = TopicConfigSerializeWrapper(),
        filterServerList: [String]? = [], connectionID: String? = nil
    ) {
        self.clusterName = clusterName
        self.brokerAddr = brokerAddr
        self.brokerName = brokerName
        self.brokerId = brokerId
        self.haServerAddr = haServerAddr
        self.zoneName = zoneName
        self.heartbeatTimeout = heartbeatTimeout
        self.enableActingMaster = enableActingMaster
        self.topicConfigWrapper = topicConfigWrapper
        self.filterServerList = filterServerList
        self.connectionID = connectionID
    }
}

/// One UNREGISTER_BROKER (RocketMQ's `UnRegisterBrokerRequestHeader`).
public struct BrokerUnregistration: Sendable, Hashable {
    public var clusterName: String
    public var brokerAddr: String
    public var brokerName: String
    public var brokerId: Int64

    public init(clusterName: String, brokerAddr: String, brokerName: String, brokerId: Int64) {
        self.clusterName = clusterName
        self.brokerAddr = brokerAddr
        self.brokerName = brokerName
        self.brokerId = brokerId
    }
}
