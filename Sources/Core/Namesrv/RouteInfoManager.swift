public import Logging
import Synchronization

/// The name server's route registry (RocketMQ's `RouteInfoManager`): which broker sets serve which topics, where they
/// are, and whether they are alive.
///
/// Threading: every method may be called from any thread, including NIO event loops; one `Mutex` guards all tables
/// and is held only for in-memory work (no I/O, no logging), so route queries never suspend. Time comes from the
/// injected clock, so tests can expire brokers without waiting.
public final class RouteInfoManager: Sendable {
    private let tables = Mutex(RouteTables())
    private let configuration: NamesrvConfiguration
    private let logger: Logger
    /// Time elapsed on the injected clock since the manager was created.
    private let elapsed: @Sendable () -> Duration

    /// - Parameters:
    ///   - configuration: uses `brokerExpiry` and `deleteTopicWithBrokerRegistration`.
    ///   - clock: the clock liveness is measured with; tests pass a manual clock.
    ///   - logger: receives lifecycle events (`broker.namesrv`).
    public init<C: Clock>(configuration: NamesrvConfiguration, clock: C, logger: Logger)
    where C.Duration == Duration {
        self.configuration = configuration
        self.logger = logger
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
    }

    /// The current time on the manager's clock, as `BrokerLiveInfo.lastUpdate` measures it.
    public var now: Duration { elapsed() }

    // MARK: Brokers

    /// Registers (or refreshes) a broker process and, for a master or acting master, its topics' queue data.
    /// - Returns: the master's addresses for a slave; nil when the registration was refused (a first registration
    ///   carrying exactly one topic, as Java refuses it), which the processor answers with "register broker failed".
    public func registerBroker(_ registration: BrokerRegistration) -> RegisterBrokerResult? {
        let now = elapsed()
        let (result, isNew) = tables.withLock { tables in
            let isNew =
                tables.brokerLiveTable[
                    BrokerAddrInfo(
                        clusterName: registration.clusterName,
                        brokerAddr: registration.brokerAddr)] == nil
            let result = tables.register(
                registration, now: now, defaultTimeout: configuration.brokerExpiry,
                deleteMissingTopics: configuration.deleteTopicWithBrokerRegistration)
            return (result, isNew)
        }
        if isNew, result != nil {
            logger.info(
                "broker registered",
                metadata: [
                    "namesrv.cluster": "\(registration.clusterName)", "namesrv.broker": "\(registration.brokerName)",
                    "namesrv.brokerId": "\(registration.brokerId)", "namesrv.brokerAddr": "\(registration.brokerAddr)",
                ])
        }
        return result
    }

    /// Forgets a broker process (UNREGISTER_BROKER).
    public func unregisterBroker(_ request: BrokerUnregistration) {
        tables.withLock { $0.unregister([request]) }
        logger.info(
            "broker unregistered",
            metadata: [
                "namesrv.cluster": "\(request.clusterName)", "namesrv.broker": "\(request.brokerName)",
                "namesrv.brokerAddr": "\(request.brokerAddr)",
            ])
    }

    /// Marks a broker process as alive now (BROKER_HEARTBEAT, QUERY_DATA_VERSION); unknown processes are ignored.
    public func refreshBrokerLiveness(clusterName: String, brokerAddr: String) {
        let now = elapsed()
        tables.withLock { tables in
            tables.brokerLiveTable[BrokerAddrInfo(clusterName: clusterName, brokerAddr: brokerAddr)]?.lastUpdate = now
        }
    }

    /// Whether `dataVersion` differs from the one the process last registered (true for unknown processes).
    public func isBrokerTopicConfigChanged(
        clusterName: String, brokerAddr: String,
        dataVersion: DataVersion
    ) -> Bool {
        tables.withLock {
            $0.isBrokerTopicConfigChanged(
                BrokerAddrInfo(clusterName: clusterName, brokerAddr: brokerAddr),
                dataVersion)
        }
    }

    /// The liveness record of a broker process, if registered.
    public func brokerLiveInfo(clusterName: String, brokerAddr: String) -> BrokerLiveInfo? {
        tables.withLock { $0.brokerLiveTable[BrokerAddrInfo(clusterName: clusterName, brokerAddr: brokerAddr)] }
    }

    /// Removes every broker process not heard from within its timeout (RocketMQ's `scanNotActiveBroker`).
    /// - Returns: the processes removed.
    @discardableResult
    public func scanNotActiveBrokers() -> [BrokerAddrInfo] {
        let now = elapsed()
        let expired = tables.withLock { tables in
            let expired = tables.brokerLiveTable.filter { $0.value.isExpired(at: now) }.map(\.key)
            if !expired.isEmpty { tables.forget(expired) }
            return expired
        }
        for addrInfo in expired {
            logger.warning("broker expired", metadata: ["namesrv.brokerAddr": "\(addrInfo)"])
        }
        return expired
    }

    /// Unregisters the broker processes that registered over a closed connection (RocketMQ's
    /// `BrokerHousekeepingService`). The remoting server calls it when a connection closes.
    public func connectionClosed(connectionID: String) {
        let forgotten = tables.withLock { tables in
            let matching = tables.brokerLiveTable.filter { $0.value.connectionID == connectionID }.map(\.key)
            if !matching.isEmpty { tables.forget(matching) }
            return matching
        }
        for addrInfo in forgotten {
            logger.info("broker connection closed", metadata: ["namesrv.brokerAddr": "\(addrInfo)"])
        }
    }

    /// Removes write permission from every queue of a broker set; returns the number of topics changed.
    public func wipeWritePermission(brokerName: String) -> Int {
        tables.withLock { $0.changeWritePermission(of: brokerName, grant: false) }
    }

    /// Sets read + write permission on every queue of a broker set; returns the number of topics changed.
    public func addWritePermission(brokerName: String) -> Int {
        tables.withLock { $0.changeWritePermission(of: brokerName, grant: true) }
    }

    /// The addresses of one broker set (empty if unknown).
    public func brokerMemberGroup(clusterName: String, brokerName: String) -> BrokerMemberGroup {
        let addresses = tables.withLock { $0.brokerAddrTable[brokerName]?.brokerAddrs ?? [:] }
        return BrokerMemberGroup(cluster: clusterName, brokerName: brokerName, brokerAddrs: addresses)
    }

    // MARK: Topics

    /// The route of a topic, or nil when no registered broker serves it.
    public func topicRouteData(topic: String) -> TopicRouteData? {
        tables.withLock { $0.routeData(topic: topic) }
    }

    /// Adds queue data for a topic on already registered broker sets (REGISTER_TOPIC_IN_NAMESRV).
    /// - Returns: false (and changes nothing) when the list is empty or names an unknown broker set.
    @discardableResult
    public func registerTopic(_ topic: String, queueDatas: [QueueData]) -> Bool {
        tables.withLock { $0.registerTopic(topic, queueDatas: queueDatas) }
    }

    /// Deletes a topic's routes everywhere, or only on the broker sets of `clusterName`.
    public func deleteTopic(_ topic: String, clusterName: String? = nil) {
        tables.withLock { $0.deleteTopic(topic, clusterName: clusterName) }
    }

    /// Every broker set and cluster.
    public func clusterInfo() -> ClusterInfo {
        tables.withLock { ClusterInfo(brokerAddrTable: $0.brokerAddrTable, clusterAddrTable: $0.clusterAddrTable) }
    }

    /// Every topic with a route.
    public func allTopics() -> TopicList {
        tables.withLock { TopicList(topicList: Set($0.topicQueueTable.keys)) }
    }

    /// Topics served by any broker set of `cluster` (empty for an unknown cluster).
    public func topics(inCluster cluster: String) -> TopicList {
        tables.withLock { tables in
            let brokerNames = tables.clusterAddrTable[cluster] ?? []
            let topics = tables.topicQueueTable.filter { !brokerNames.isDisjoint(with: $0.value.keys) }.map(\.key)
            return TopicList(topicList: Set(topics))
        }
    }

    /// RocketMQ's "system topic list": every cluster name and broker name (each is also a topic on Java brokers),
    /// with the address of some broker.
    public func systemTopics() -> TopicList {
        tables.withLock { tables in
            var names = Set(tables.clusterAddrTable.keys)
            for brokerNames in tables.clusterAddrTable.values { names.formUnion(brokerNames) }
            var address: String?
            for brokerName in tables.brokerAddrTable.keys.sorted() {
                guard let addresses = tables.brokerAddrTable[brokerName]?.brokerAddrs,
                    let id = addresses.keys.min()
                else { continue }
                address = addresses[id]
                break
            }
            return TopicList(topicList: names, brokerAddr: address)
        }
    }

    /// Topics flagged as unit topics (GET_UNIT_TOPIC_LIST).
    public func unitTopics() -> TopicList {
        TopicList(topicList: tables.withLock { $0.topics(withSysFlag: TopicSysFlag.hasUnit) })
    }

    /// Topics with unit subscriptions (GET_HAS_UNIT_SUB_TOPIC_LIST).
    public func hasUnitSubTopics() -> TopicList {
        TopicList(topicList: tables.withLock { $0.topics(withSysFlag: TopicSysFlag.hasUnitSub) })
    }

    /// Non-unit topics with unit subscriptions (GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST).
    public func hasUnitSubNonUnitTopics() -> TopicList {
        TopicList(
            topicList: tables.withLock {
                $0.topics(withSysFlag: { !TopicSysFlag.hasUnit($0) && TopicSysFlag.hasUnitSub($0) })
            })
    }
}
