public import Logging
import Store
import Synchronization

/// The broker's topic table, persisted to `topics.json` as a `TopicConfigSerializeWrapper` (broker-internals §1.8).
///
/// Creates RocketMQ's system topics at start (§15.3), auto-creates topics on first send from the TBW102 template and
/// retry/DLQ topics on demand, and calls the "topics changed" handler after every creation so the composition root
/// re-registers with the name servers at once.
///
/// Threading: lookups and creations are one short locked section, safe on event loops; the change handler runs after
/// the lock is released on the caller's thread and must not block. `persist()` blocks; the periodic task calls it,
/// and so does every creation or deletion (rare) before returning, so an acknowledged send never outlives its topic.
public final class TopicConfigManager: Sendable {
    private struct State {
        var table: [String: TopicConfig] = [:]
        var dataVersion = DataVersion()
        var dirty = false
    }

    /// Read on every send by every event loop: an adaptive lock, so a contended lookup spins instead of entering the
    /// kernel (see `AdaptiveLock`).
    private let state = AdaptiveLock(State())
    private let changeHandler = HandlerSlot<@Sendable () -> Void>()
    private let file: BrokerConfigFile
    private let configuration: BrokerConfiguration
    private let logger: Logger

    public init(configuration: BrokerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        file = BrokerConfigFile(directory: configuration.configDirectory, name: "topics.json", logger: logger)
        let systemTopics = Self.systemTopics(configuration)
        let now = configuration.clock()
        state.withLock { state in
            for topic in systemTopics { state.table[topic.topicName] = topic }
            state.dataVersion.next(timestampMillis: now)
        }
    }

    /// Sets the callback run after a topic is created or changed (the broker re-registers with name servers).
    public func setTopicsChangedHandler(_ handler: @escaping @Sendable () -> Void) {
        changeHandler.set(handler)
    }

    /// Loads `topics.json` (or its `.bak`); stored topics replace same-named system defaults.
    /// - Returns: false when neither file was usable (missing, unreadable or not a topic table).
    @discardableResult
    public func load() -> Bool {
        guard let bytes = file.load(validate: { (try? TopicConfigSerializeWrapper(jsonBytes: $0)) != nil }),
            let wrapper = try? TopicConfigSerializeWrapper(jsonBytes: bytes)
        else { return false }
        state.withLock { state in
            for (name, config) in wrapper.topicConfigTable { state.table[name] = config }
            state.dataVersion = wrapper.dataVersion
            state.dataVersion.next(timestampMillis: configuration.clock())
        }
        logger.info("loaded topic configs", metadata: ["broker.topics": "\(wrapper.topicConfigTable.count)"])
        return true
    }

    /// Adds a read-write topic for every stored topic the table lacks, with its queue count taken from the consume
    /// queues on disk: used when topics.json is lost, so stored messages do not become unreachable. Other settings
    /// (permissions, flags, order) cannot be recovered and take their defaults. Writes topics.json when it adds any.
    /// - Returns: the names of the topics added.
    @discardableResult
    public func restore(fromStoredQueues queueCounts: [String: Int32]) -> [String] {
        let added = state.withLock { state -> [TopicConfig] in
            var added: [TopicConfig] = []
            for (topic, queueCount) in queueCounts.sorted(by: { $0.key < $1.key })
            where state.table[topic] == nil && queueCount > 0 {
                let config = TopicConfig(topicName: topic, readQueueNums: queueCount, writeQueueNums: queueCount,
                                         perm: .readWrite)
                insert(config, into: &state)
                added.append(config)
            }
            return added
        }
        guard !added.isEmpty else { return [] }
        logger.warning(
            "topics.json unusable: topics rebuilt from the consume queues on disk, with default settings",
            metadata: [
                "broker.topics": "\(added.map(\.topicName).joined(separator: ","))",
                "broker.topicCount": "\(added.count)",
            ])
        persist()
        changeHandler.handler?()
        return added.map(\.topicName)
    }

    /// The topic's configuration, nil when unknown.
    public func config(_ topic: String) -> TopicConfig? {
        state.withLock { $0.table[topic] }
    }

    /// The whole table with its data version (REGISTER_BROKER body, GET_ALL_TOPIC_CONFIG, topics.json).
    public func snapshot() -> TopicConfigSerializeWrapper {
        state.withLock { TopicConfigSerializeWrapper(topicConfigTable: $0.table, dataVersion: $0.dataVersion) }
    }

    /// Creates `topic` from the `defaultTopic` template on first send (remoting-protocol §5.4): the template must
    /// carry INHERIT (TBW102 loses it when `autoCreateTopicEnable` is off); queue counts are
    /// `min(requestedQueueNums, template writeQueueNums)`, perm is the template's without INHERIT.
    /// - Returns: the existing or new config, nil when auto-creation is not possible.
    public func createTopicInSendMessage(
        _ topic: String, defaultTopic: String, requestedQueueNums: Int32,
        topicSysFlag: Int32
    ) -> TopicConfig? {
        let (config, created) = state.withLock { state -> (TopicConfig?, Bool) in
            if let existing = state.table[topic] { return (existing, false) }
            guard var template = state.table[defaultTopic] else { return (nil, false) }
            if defaultTopic == TopicValidator.autoCreateTopicKeyTopic && !configuration.autoCreateTopicEnable {
                template.perm = .readWrite
            }
            guard template.perm.isInherited else { return (nil, false) }
            let queueNums = max(0, min(requestedQueueNums, template.writeQueueNums))
            var permission = template.perm
            permission.remove(.inherit)
            let config = TopicConfig(
                topicName: topic, readQueueNums: queueNums, writeQueueNums: queueNums,
                perm: permission, topicFilterType: template.topicFilterType,
                topicSysFlag: topicSysFlag)
            insert(config, into: &state)
            return (config, true)
        }
        if created, let config { announce(config) }
        return config
    }

    /// Creates a retry or DLQ topic (or any internal topic) with the given shape if it does not exist yet.
    /// - Returns: the existing or new config.
    @discardableResult
    public func createTopicIfAbsent(
        _ topic: String, queueNums: Int32, perm: TopicPermission,
        topicSysFlag: Int32 = 0
    ) -> TopicConfig {
        let (config, created) = state.withLock { state -> (TopicConfig, Bool) in
            if let existing = state.table[topic] { return (existing, false) }
            let config = TopicConfig(
                topicName: topic, readQueueNums: queueNums, writeQueueNums: queueNums,
                perm: perm, topicSysFlag: topicSysFlag)
            insert(config, into: &state)
            return (config, true)
        }
        if created { announce(config) }
        return config
    }

    /// Creates or replaces a topic (admin UPDATE_AND_CREATE_TOPIC, tests).
    public func update(_ config: TopicConfig) {
        state.withLock { insert(config, into: &$0) }
        announce(config)
    }

    /// Removes a topic. - Returns: true when it existed.
    @discardableResult
    public func delete(_ topic: String) -> Bool {
        let removed = state.withLock { state -> Bool in
            guard state.table.removeValue(forKey: topic) != nil else { return false }
            state.dataVersion.next(timestampMillis: configuration.clock())
            state.dirty = true
            return true
        }
        if removed {
            persist()
            changeHandler.handler?()
        }
        return removed
    }

    /// Writes `topics.json` if anything changed since the last write (or always with `force`). Blocking.
    public func persist(force: Bool = false) {
        file.persist(
            snapshot: {
                let snapshot = state.withLock { state -> TopicConfigSerializeWrapper? in
                    guard state.dirty || force else { return nil }
                    state.dirty = false
                    return TopicConfigSerializeWrapper(topicConfigTable: state.table, dataVersion: state.dataVersion)
                }
                return snapshot?.jsonBytes()
            },
            markDirty: { state.withLock { $0.dirty = true } })
    }

    private func insert(_ config: TopicConfig, into state: inout State) {
        state.table[config.topicName] = config
        state.dataVersion.next(timestampMillis: configuration.clock())
        state.dirty = true
    }

    /// Writes topics.json before the change is used, as RocketMQ does: a message acknowledged to an auto-created topic
    /// must still find its topic after a crash. Topic creation is rare, so the blocking write is accepted here.
    private func announce(_ config: TopicConfig) {
        persist()
        logger.info(
            "topic created",
            metadata: [
                "broker.topic": "\(config.topicName)",
                "broker.queues": "\(config.writeQueueNums)",
            ])
        changeHandler.handler?()
    }

    /// The topics RocketMQ's `TopicConfigManager` creates at start (broker-internals §15.3).
    static func systemTopics(_ configuration: BrokerConfiguration) -> [TopicConfig] {
        var topics: [TopicConfig] = []
        func add(_ name: String, _ queues: Int32, _ perm: TopicPermission = .readWrite) {
            topics.append(TopicConfig(topicName: name, readQueueNums: queues, writeQueueNums: queues, perm: perm))
        }
        if configuration.autoCreateTopicEnable {
            add(TopicValidator.autoCreateTopicKeyTopic, configuration.defaultTopicQueueNums, [.readWrite, .inherit])
            add(TopicValidator.benchmarkTopic, 1024)
        }
        add(TopicValidator.selfTestTopic, 1)
        var clusterPermission: TopicPermission = .inherit
        if configuration.clusterTopicEnable { clusterPermission.formUnion(.readWrite) }
        add(configuration.brokerClusterName, TopicConfig.defaultQueueNums, clusterPermission)
        var brokerPermission: TopicPermission = .inherit
        if configuration.brokerTopicEnable { brokerPermission.formUnion(.readWrite) }
        add(configuration.brokerName, 1, brokerPermission)
        add(TopicValidator.offsetMovedEventTopic, 1)
        add(TopicValidator.scheduleTopic, TopicValidator.scheduleQueueCount)
        add(configuration.brokerClusterName + "_REPLY_TOPIC", 1)
        add(TopicValidator.transactionHalfTopic, 1)
        add(TopicValidator.transactionOperationHalfTopic, 1)
        return topics
    }
}
