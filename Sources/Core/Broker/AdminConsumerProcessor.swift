public import Logging
public import Store

/// Admin consumer codes: GET_CONSUME_STATS (208), GET_CONSUMER_CONNECTION_LIST (203), QUERY_TOPIC_CONSUME_BY_WHO (300)
/// and INVOKE_BROKER_TO_RESET_OFFSET (222).
///
/// Threading: short `Mutex` sections and store offset reads; RESET_CONSUMER_CLIENT_OFFSET notifications go out through
/// `ClientChannel.sendOneway`, which does not block. Safe on event loops.
public final class AdminConsumerProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let offsets: ConsumerOffsetManager
    private let consumers: ConsumerManager
    private let logger: Logger

    public init(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        offsets: ConsumerOffsetManager, consumers: ConsumerManager, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.topics = topics
        self.offsets = offsets
        self.consumers = consumers
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let response: RemotingCommand
        do {
            switch RequestCode(rawValue: request.code) {
            case .getConsumeStats: response = try consumeStats(request)
            case .getConsumerConnectionList: response = try connectionList(request)
            case .queryTopicConsumeByWho: response = try consumedByWho(request)
            default: response = try resetOffset(request)
            }
        } catch {
            response = error.response(to: request)
        }
        context.reply(to: request, response)
    }

    /// Header `consumerGroup` (req), `topic` or `topicList` (opt, comma-separated). Without a topic: every topic the
    /// group committed offsets on. Topics unknown to this broker, and topics a live group does not subscribe to, are
    /// skipped as in Java.
    private func consumeStats(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let group = try fields.string("consumerGroup")
        var wanted = Set<String>()
        if let topic = fields.optionalString("topic") { wanted.insert(topic) }
        for topic in (fields.optionalString("topicList") ?? "").split(separator: ",") {
            let trimmed = String(topic).trimmingSpaces()
            if !trimmed.isEmpty { wanted.insert(trimmed) }
        }
        if wanted.isEmpty { wanted = offsets.topics(group: group) }
        let live = consumers.groupInfo(group)
        var stats = ConsumeStats()
        for topic in wanted.sorted() {
            guard let config = topics.config(topic) else { continue }
            if let live, !live.subscriptions.isEmpty, live.subscriptions[topic] == nil { continue }
            for queueId in 0..<config.readQueueNums {
                let queue = MessageQueue(topic: topic, brokerName: configuration.brokerName, queueId: queueId)
                stats.offsetTable[queue] = offsetWrapper(group: group, topic: topic, queueId: queueId)
            }
        }
        return request.response(.success, body: stats.jsonBody())
    }

    private func offsetWrapper(group: String, topic: String, queueId: Int32) -> OffsetWrapper {
        let brokerOffset = max(0, store.maxOffset(topic: topic, queueId: queueId).rawValue)
        let consumerOffset = max(0, offsets.queryOffset(group: group, topic: topic, queueId: queueId) ?? 0)
        var lastTimestamp: Int64 = 0
        if consumerOffset > 0 {
            lastTimestamp =
                store.storeTimestamp(topic: topic, queueId: queueId, offset: QueueOffset(consumerOffset - 1)) ?? 0
        }
        return OffsetWrapper(
            brokerOffset: brokerOffset, consumerOffset: consumerOffset, pullOffset: consumerOffset,
            lastTimestamp: lastTimestamp)
    }

    /// Header `consumerGroup`; CONSUMER_NOT_ONLINE when no consumer of the group is connected.
    private func connectionList(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let group = try BrokerHeaderFields(request).string("consumerGroup")
        guard let info = consumers.groupInfo(group), !info.channels.isEmpty else {
            throw BrokerRequestError(.consumerNotOnline, "the consumer group[\(group)] not online")
        }
        return request.response(.success, body: ConsumerConnection(group: info).jsonBody())
    }

    /// Header `topic`: live groups subscribed to it plus groups with committed offsets on it.
    private func consumedByWho(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let topic = try BrokerHeaderFields(request).string("topic")
        let groups = consumers.groups(subscribedTo: topic).union(offsets.groups(topic: topic))
        return request.response(.success, body: GroupList(groupList: groups).jsonBody())
    }

    /// Header `topic`, `group`, `timestamp` (req; -1 means the queue's max offset), `isForce` (opt, default true),
    /// and the 5.x `queueId` + `offset` pair that resets one queue to an exact offset.
    ///
    /// Unlike Java, which leaves committing to the clients and answers CONSUMER_NOT_ONLINE when none is connected,
    /// Tern commits the new offsets itself (so an offline group starts there), then sends RESET_CONSUMER_CLIENT_OFFSET
    /// (oneway, same header, body ResetOffsetBody) to every live consumer of the group so running clients drop their
    /// in-memory positions. Without `isForce`, a queue only moves backwards.
    private func resetOffset(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let topic = try fields.string("topic")
        let group = try fields.string("group")
        let timestamp = try fields.int64("timestamp")
        let isForce = fields.optionalBool("isForce") ?? true
        let onlyQueue = try fields.optionalInt32("queueId") ?? -1
        let exactOffset = try fields.optionalInt64("offset")
        guard let config = topics.config(topic) else {
            throw BrokerRequestError(
                .systemError, "[reset-offset] reset offset failed, no topic in this broker. topic=\(topic)")
        }
        var body = ResetOffsetBody()
        for queueId in 0..<max(config.readQueueNums, config.writeQueueNums) {
            if onlyQueue >= 0 && queueId != onlyQueue { continue }
            var target: Int64
            if onlyQueue >= 0, let exactOffset {
                let low = store.minOffset(topic: topic, queueId: queueId).rawValue
                target = min(max(exactOffset, low), store.maxOffset(topic: topic, queueId: queueId).rawValue)
            } else if timestamp == -1 {
                target = store.maxOffset(topic: topic, queueId: queueId).rawValue
            } else {
                target =
                    store.offset(forTimestamp: timestamp, topic: topic, queueId: queueId, boundary: .lower).rawValue
            }
            target = max(0, target)
            let current = offsets.queryOffset(group: group, topic: topic, queueId: queueId)
            if let current, !isForce, current <= target { target = current }
            offsets.commitOffset(group: group, topic: topic, queueId: queueId, offset: target)
            body.offsetTable[MessageQueue(topic: topic, brokerName: configuration.brokerName, queueId: queueId)] =
                target
        }
        notifyConsumers(group: group, request: request, body: body)
        logger.info(
            "consumer offsets reset by admin",
            metadata: ["broker.group": "\(group)", "broker.topic": "\(topic)", "broker.timestamp": "\(timestamp)"])
        return request.response(.success, body: body.jsonBody())
    }

    private func notifyConsumers(group: String, request: RemotingCommand, body: ResetOffsetBody) {
        guard let info = consumers.groupInfo(group) else { return }
        var extFields = ["topic": request.extFields["topic"] ?? "", "group": group]
        extFields["timestamp"] = request.extFields["timestamp"] ?? "0"
        extFields["isForce"] = request.extFields["isForce"] ?? "true"
        let notification = RemotingCommand.request(
            .resetConsumerClientOffset, extFields: extFields, body: body.jsonBody(), oneway: true)
        for channelInfo in info.channels.values {
            guard let channel = channelInfo.channel, channel.isActive else { continue }
            channel.sendOneway(notification)
        }
    }
}
