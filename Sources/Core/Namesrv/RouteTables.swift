/// The name server's route state (RocketMQ's `RouteInfoManager` tables, broker-internals §6.1) and the rules that
/// change it. A plain value: `RouteInfoManager` owns the only instance, behind its mutex, and passes in the time.
struct RouteTables {
    /// topic → broker name → queue data.
    var topicQueueTable: [String: [String: QueueData]] = [:]
    /// broker name → broker set.
    var brokerAddrTable: [String: BrokerData] = [:]
    /// cluster name → broker names.
    var clusterAddrTable: [String: Set<String>] = [:]
    var brokerLiveTable: [BrokerAddrInfo: BrokerLiveInfo] = [:]
    /// Legacy filter servers per broker process.
    var filterServerTable: [BrokerAddrInfo: [String]] = [:]

    // MARK: Registration

    /// RocketMQ's `registerBroker`. Returns nil when a broker's first registration carries exactly one topic (Java
    /// reserves that shape for single-topic registrations, which must follow a full one).
    mutating func register(
        _ registration: BrokerRegistration, now: Duration, defaultTimeout: Duration,
        deleteMissingTopics: Bool
    ) -> RegisterBrokerResult? {
        let addrInfo = BrokerAddrInfo(clusterName: registration.clusterName, brokerAddr: registration.brokerAddr)
        let wrapper = registration.topicConfigWrapper
        clusterAddrTable[registration.clusterName, default: []].insert(registration.brokerName)

        var registerFirst = false
        var brokerData =
            brokerAddrTable[registration.brokerName]
            ?? {
                registerFirst = true
                return BrokerData(cluster: registration.clusterName, brokerName: registration.brokerName)
            }()
        let isOldVersionBroker = registration.enableActingMaster == nil
        brokerData.enableActingMaster = registration.enableActingMaster ?? false
        brokerData.zoneName = registration.zoneName
        // A slave promoted to master re-registers its address under id 0: one address, one id.
        brokerData.brokerAddrs = brokerData.brokerAddrs.filter {
            $0.value != registration.brokerAddr || $0.key == registration.brokerId
        }
        defer { brokerAddrTable[registration.brokerName] = brokerData }

        if let oldAddr = brokerData.brokerAddrs[registration.brokerId], oldAddr != registration.brokerAddr,
            let oldLive = brokerLiveTable[BrokerAddrInfo(clusterName: registration.clusterName, brokerAddr: oldAddr)],
            oldLive.dataVersion.stateVersion > wrapper.dataVersion.stateVersion
        {
            // Another process holds this id with a newer state version: ignore the registering one.
            brokerLiveTable[addrInfo] = nil
            return RegisterBrokerResult()
        }
        if brokerData.brokerAddrs[registration.brokerId] == nil && wrapper.topicConfigTable.count == 1 {
            return nil
        }

        let oldAddr = brokerData.brokerAddrs.updateValue(registration.brokerAddr, forKey: registration.brokerId)
        registerFirst = registerFirst || (oldAddr ?? "").isEmpty
        let isMaster = registration.brokerId == BrokerData.masterID
        let isPrimeSlave =
            !isOldVersionBroker && !isMaster
            && registration.brokerId == brokerData.brokerAddrs.keys.min()
        if isMaster || isPrimeSlave {
            updateQueueData(
                from: wrapper, of: brokerData, at: addrInfo, registerFirst: registerFirst,
                stripWritePermission: isPrimeSlave && brokerData.enableActingMaster,
                deleteMissingTopics: deleteMissingTopics)
        }

        brokerLiveTable[addrInfo] = BrokerLiveInfo(
            lastUpdate: now, heartbeatTimeout: registration.heartbeatTimeout ?? defaultTimeout,
            dataVersion: wrapper.dataVersion, haServerAddr: registration.haServerAddr,
            connectionID: registration.connectionID)
        if let filterServers = registration.filterServerList {
            filterServerTable[addrInfo] = filterServers.isEmpty ? nil : filterServers
        }

        var result = RegisterBrokerResult()
        if !isMaster, let masterAddr = brokerData.masterAddress,
            let masterLive = brokerLiveTable[
                BrokerAddrInfo(
                    clusterName: registration.clusterName,
                    brokerAddr: masterAddr)]
        {
            result.haServerAddr = masterLive.haServerAddr
            result.masterAddr = masterAddr
        }
        return result
    }

    /// Rebuilds a broker's queue data from its topic table where the table's version changed or the topic lacks
    /// this broker's queues.
    private mutating func updateQueueData(
        from wrapper: TopicConfigSerializeWrapper, of brokerData: BrokerData,
        at addrInfo: BrokerAddrInfo, registerFirst: Bool,
        stripWritePermission: Bool, deleteMissingTopics: Bool
    ) {
        let brokerName = brokerData.brokerName
        if deleteMissingTopics {
            for (topic, queueDatas) in topicQueueTable where queueDatas[brokerName] != nil {
                if wrapper.topicConfigTable[topic] == nil { removeQueueData(of: brokerName, fromTopic: topic) }
            }
        }
        let brokerChanged = isBrokerTopicConfigChanged(addrInfo, wrapper.dataVersion)
        for topicConfig in wrapper.topicConfigTable.values {
            let known = topicQueueTable[topicConfig.topicName]?[brokerName] != nil
            guard registerFirst || brokerChanged || !known else { continue }
            var queueData = QueueData(brokerName: brokerName, topicConfig: topicConfig)
            // An acting master (lowest-id slave while no master is registered) serves reads only.
            if stripWritePermission { queueData.perm.remove(.write) }
            topicQueueTable[topicConfig.topicName, default: [:]][brokerName] = queueData
        }
    }

    private mutating func removeQueueData(of brokerName: String, fromTopic topic: String) {
        topicQueueTable[topic]?[brokerName] = nil
        if topicQueueTable[topic]?.isEmpty == true { topicQueueTable[topic] = nil }
    }

    func isBrokerTopicConfigChanged(_ addrInfo: BrokerAddrInfo, _ dataVersion: DataVersion) -> Bool {
        brokerLiveTable[addrInfo]?.dataVersion != dataVersion
    }

    // MARK: Unregistration

    /// RocketMQ's `unRegisterBroker` for a batch: forget each process, drop broker sets left without addresses
    /// (and their queue data and empty clusters), and strip write permission from acting-master sets left without
    /// a master.
    mutating func unregister(_ requests: [BrokerUnregistration]) {
        var removedBrokers: Set<String> = []
        var reducedBrokers: Set<String> = []
        for request in requests {
            let addrInfo = BrokerAddrInfo(clusterName: request.clusterName, brokerAddr: request.brokerAddr)
            brokerLiveTable[addrInfo] = nil
            filterServerTable[addrInfo] = nil
            guard var brokerData = brokerAddrTable[request.brokerName] else {
                reducedBrokers.insert(request.brokerName)
                continue
            }
            brokerData.brokerAddrs = brokerData.brokerAddrs.filter { $0.value != request.brokerAddr }
            guard brokerData.brokerAddrs.isEmpty else {
                brokerAddrTable[request.brokerName] = brokerData
                reducedBrokers.insert(request.brokerName)
                continue
            }
            brokerAddrTable[request.brokerName] = nil
            clusterAddrTable[request.clusterName]?.remove(request.brokerName)
            if clusterAddrTable[request.clusterName]?.isEmpty == true { clusterAddrTable[request.clusterName] = nil }
            removedBrokers.insert(request.brokerName)
        }
        for topic in Array(topicQueueTable.keys) {
            for brokerName in removedBrokers { removeQueueData(of: brokerName, fromTopic: topic) }
            for brokerName in reducedBrokers {
                guard let brokerData = brokerAddrTable[brokerName], brokerData.enableActingMaster,
                    (brokerData.brokerAddrs.keys.min() ?? 1) > BrokerData.masterID
                else { continue }
                topicQueueTable[topic]?[brokerName]?.perm.remove(.write)
            }
        }
    }

    /// The unregistration that forgets the process at `addrInfo`, or nil when no broker set lists that address.
    func unregistration(for addrInfo: BrokerAddrInfo) -> BrokerUnregistration? {
        for brokerData in brokerAddrTable.values where brokerData.cluster == addrInfo.clusterName {
            if let entry = brokerData.brokerAddrs.first(where: { $0.value == addrInfo.brokerAddr }) {
                return BrokerUnregistration(
                    clusterName: addrInfo.clusterName, brokerAddr: addrInfo.brokerAddr,
                    brokerName: brokerData.brokerName, brokerId: entry.key)
            }
        }
        return nil
    }

    /// Forgets the given processes as if each had unregistered (RocketMQ's `onChannelDestroy`).
    mutating func forget(_ addrInfos: [BrokerAddrInfo]) {
        let requests = addrInfos.compactMap(unregistration(for:))
        for addrInfo in addrInfos { brokerLiveTable[addrInfo] = nil }
        unregister(requests)
    }

    // MARK: Queries

    /// RocketMQ's `pickupTopicRouteData` (without acting-master address rewriting): nil when the topic has no queue
    /// data or none of its brokers is registered.
    func routeData(topic: String) -> TopicRouteData? {
        guard let queueDatas = topicQueueTable[topic] else { return nil }
        var route = TopicRouteData(queueDatas: Array(queueDatas.values))
        for brokerName in queueDatas.keys {
            guard let brokerData = brokerAddrTable[brokerName] else { continue }
            route.brokerDatas.append(brokerData)
            guard !filterServerTable.isEmpty else { continue }
            for address in brokerData.brokerAddrs.values {
                let addrInfo = BrokerAddrInfo(clusterName: brokerData.cluster, brokerAddr: address)
                route.filterServerTable[address] = filterServerTable[addrInfo] ?? []
            }
        }
        return route.brokerDatas.isEmpty ? nil : route
    }

    /// Changes the write permission of every queue of `brokerName`; returns how many topics were touched.
    mutating func changeWritePermission(of brokerName: String, grant: Bool) -> Int {
        var count = 0
        for topic in Array(topicQueueTable.keys) {
            guard var queueData = topicQueueTable[topic]?[brokerName] else { continue }
            if grant { queueData.perm = .readWrite } else { queueData.perm.remove(.write) }
            topicQueueTable[topic]?[brokerName] = queueData
            count += 1
        }
        return count
    }

    /// RocketMQ's `registerTopic`: adds or replaces queue data of an existing broker set; ignored if any named
    /// broker is unknown.
    mutating func registerTopic(_ topic: String, queueDatas: [QueueData]) -> Bool {
        guard !queueDatas.isEmpty, queueDatas.allSatisfy({ brokerAddrTable[$0.brokerName] != nil }) else {
            return false
        }
        for queueData in queueDatas { topicQueueTable[topic, default: [:]][queueData.brokerName] = queueData }
        return true
    }

    /// RocketMQ's `deleteTopic`: everywhere, or only on the brokers of one cluster.
    mutating func deleteTopic(_ topic: String, clusterName: String?) {
        guard let clusterName else {
            topicQueueTable[topic] = nil
            return
        }
        for brokerName in clusterAddrTable[clusterName] ?? [] { removeQueueData(of: brokerName, fromTopic: topic) }
    }

    /// Topics whose (first, by broker name) queue data satisfies `predicate` on its sys flag.
    func topics(withSysFlag predicate: (Int32) -> Bool) -> Set<String> {
        var topics: Set<String> = []
        for (topic, queueDatas) in topicQueueTable {
            guard let first = queueDatas.keys.min().flatMap({ queueDatas[$0] }) else { continue }
            if predicate(first.topicSysFlag) { topics.insert(topic) }
        }
        return topics
    }
}
