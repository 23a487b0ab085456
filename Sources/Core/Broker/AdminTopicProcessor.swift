public import Logging
public import Store

/// Admin topic codes: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
/// GET_TOPIC_CONFIG (351) and GET_TOPIC_STATS_INFO (202) (spec §2.3).
///
/// Creating, changing or deleting a topic goes through `TopicConfigManager`, whose topics-changed handler makes the
/// broker re-register with the name servers at once, so routes follow without waiting for the 30 s round.
///
/// Threading: short `Mutex` sections and store offset reads; safe on event loops.
public final class AdminTopicProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let offsets: ConsumerOffsetManager
    private let logger: Logger

    public init(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        offsets: ConsumerOffsetManager, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.topics = topics
        self.offsets = offsets
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let response: RemotingCommand
        do {
            switch RequestCode(rawValue: request.code) {
            case .updateAndCreateTopic: response = try updateAndCreate(request)
            case .deleteTopicInBroker: response = try delete(request)
            case .getAllTopicConfig: response = allTopicConfig(request)
            case .getTopicConfig: response = try topicConfig(request)
            default: response = try topicStats(request)
            }
        } catch {
            response = error.response(to: request)
        }
        context.reply(to: request, response)
    }

    /// Topics an admin may not create or delete (RocketMQ's `TopicValidator.isSystemTopic`).
    static func isSystemTopic(_ topic: String) -> Bool {
        AdminTopicNames.systemTopics.contains(topic) || topic.hasPrefix(AdminTopicNames.systemTopicPrefix)
    }

    private func updateAndCreate(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let topic = try fields.string("topic")
        try Self.checkAdministrable(topic)
        let readQueueNums = try fields.int32("readQueueNums")
        let writeQueueNums = try fields.int32("writeQueueNums")
        guard readQueueNums > 0, writeQueueNums > 0, readQueueNums <= 1024, writeQueueNums <= 1024 else {
            throw BrokerRequestError(
                .invalidParameter,
                "invalid queue numbers: readQueueNums=\(readQueueNums), writeQueueNums=\(writeQueueNums)")
        }
        let perm = try fields.int32("perm")
        guard perm >= 0, perm <= 15 else { throw BrokerRequestError(.invalidParameter, "invalid perm: \(perm)") }
        let filterText = fields.optionalString("topicFilterType") ?? TopicFilterType.singleTag.rawValue
        guard let filterType = TopicFilterType(rawValue: filterText) else {
            throw BrokerRequestError(.invalidParameter, "invalid topicFilterType: \(filterText)")
        }
        let topicSysFlag = try fields.optionalInt32("topicSysFlag") ?? 0
        var config = TopicConfig(
            topicName: topic, readQueueNums: readQueueNums, writeQueueNums: writeQueueNums,
            perm: TopicPermission(rawValue: perm), topicFilterType: filterType,
            topicSysFlag: topicSysFlag, order: fields.optionalBool("order") ?? false)
        config.attributes = try Self.attributes(fields.optionalString("attributes"), existing: topics.config(topic))
        topics.update(config)
        logger.info(
            "topic updated by admin", metadata: ["broker.topic": "\(topic)", "broker.queues": "\(writeQueueNums)"])
        return request.response(.success)
    }

    private func delete(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let topic = try BrokerHeaderFields(request).string("topic")
        try Self.checkAdministrable(topic)
        let existed = topics.delete(topic)
        offsets.removeOffsets(topic: topic)
        store.deleteTopics([topic])
        logger.info("topic deleted by admin", metadata: ["broker.topic": "\(topic)", "broker.existed": "\(existed)"])
        return request.response(.success)
    }

    /// The whole table. 5.x clients page with `topicSeq`/`maxTopicNum` and stop when the answer carries no
    /// `totalTopicNum`; Tern sends everything at once, with `totalTopicNum` whenever the request had header fields.
    private func allTopicConfig(_ request: RemotingCommand) -> RemotingCommand {
        let snapshot = topics.snapshot()
        var extFields: [String: String] = [:]
        if !request.extFields.isEmpty { extFields["totalTopicNum"] = String(snapshot.topicConfigTable.count) }
        return request.response(.success, extFields: extFields, body: snapshot.jsonBody())
    }

    private func topicConfig(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let topic = try BrokerHeaderFields(request).string("topic")
        guard let config = topics.config(topic) else {
            throw BrokerRequestError(.topicNotExist, "No topic in this broker. topic: \(topic)")
        }
        return request.response(.success, body: config.jsonBody())
    }

    /// Per queue `0 ..< max(read, write)`: min and max offsets (clamped at 0) and the store time of message
    /// `max - 1` (0 when empty).
    private func topicStats(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let topic = try BrokerHeaderFields(request).string("topic")
        guard let config = topics.config(topic) else {
            throw BrokerRequestError(.topicNotExist, "topic[\(topic)] not exist")
        }
        var table = TopicStatsTable()
        for queueId in 0..<max(config.readQueueNums, config.writeQueueNums) {
            let queue = MessageQueue(topic: topic, brokerName: configuration.brokerName, queueId: queueId)
            let minOffset = max(0, store.minOffset(topic: topic, queueId: queueId).rawValue)
            let maxOffset = max(0, store.maxOffset(topic: topic, queueId: queueId).rawValue)
            var lastUpdate: Int64 = 0
            if maxOffset > 0 {
                lastUpdate =
                    store.storeTimestamp(topic: topic, queueId: queueId, offset: QueueOffset(maxOffset - 1)) ?? 0
            }
            table.offsetTable[queue] = TopicOffset(
                minOffset: minOffset, maxOffset: maxOffset, lastUpdateTimestamp: lastUpdate)
        }
        return request.response(.success, body: table.jsonBody())
    }

    /// Rejects invalid names (INVALID_PARAMETER with `TopicValidator`'s remark) and system topics.
    static func checkAdministrable(_ topic: String) throws(BrokerRequestError) {
        if let remark = TopicValidator.validationError(topic) { throw BrokerRequestError(.invalidParameter, remark) }
        if isSystemTopic(topic) {
            throw BrokerRequestError(.invalidParameter, "The topic[\(topic)] is conflict with system topic.")
        }
    }

    /// Applies RocketMQ's attribute syntax (`+key=value` adds or replaces, `-key` removes, comma-separated) to the
    /// existing topic's attributes.
    static func attributes(_ text: String?, existing: TopicConfig?) throws(BrokerRequestError) -> [String: String] {
        var result = existing?.attributes ?? [:]
        guard let text, !text.isEmpty else { return result }
        for item in text.split(separator: ",") {
            let entry = String(item).trimmingSpaces()
            if entry.hasPrefix("+"), let equals = entry.firstIndex(of: "=") {
                let key = String(entry[entry.index(after: entry.startIndex)..<equals])
                guard !key.isEmpty else { throw BrokerRequestError(.invalidParameter, "invalid attribute: \(entry)") }
                result[key] = String(entry[entry.index(after: equals)...])
            } else if entry.hasPrefix("-"), entry.count > 1 {
                result[String(entry.dropFirst())] = nil
            } else {
                throw BrokerRequestError(.invalidParameter, "invalid attribute: \(entry)")
            }
        }
        return result
    }
}

/// System topic names from RocketMQ's `TopicValidator.SYSTEM_TOPIC_SET` and its `rmq_sys_` prefix.
enum AdminTopicNames {
    static let systemTopicPrefix = "rmq_sys_"
    static let systemTopics: Set<String> = [
        TopicValidator.autoCreateTopicKeyTopic, TopicValidator.scheduleTopic, TopicValidator.benchmarkTopic,
        TopicValidator.transactionHalfTopic, TopicValidator.transactionOperationHalfTopic,
        TopicValidator.selfTestTopic, TopicValidator.offsetMovedEventTopic, "RMQ_SYS_TRACE_TOPIC",
        "TRANS_CHECK_MAX_TIME_TOPIC",
    ]
}
