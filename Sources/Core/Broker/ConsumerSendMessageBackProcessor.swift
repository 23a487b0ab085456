public import Logging
import NIOCore
public import Store

/// CONSUMER_SEND_MSG_BACK (36): a consumer hands back a message it failed to consume. The broker re-reads the record
/// by commit-log offset and appends a copy to `%RETRY%<group>` with `reconsumeTimes + 1` (RETRY_TOPIC and
/// ORIGIN_MESSAGE_ID set), or to `%DLQ%<group>` once the retries are used up or `delayLevel < 0`
/// (broker-internals §10). A retry copy is parked in `SCHEDULE_TOPIC_XXXX` at the header's level, or
/// `3 + reconsumeTimes` when it is 0 (clamped to the highest level), so redelivery waits 10 s, 30 s, 1 m, ...
///
/// Threading: runs on the caller's event loop up to `putMessage`; answers from the store's completion thread.
public final class ConsumerSendMessageBackProcessor: RequestProcessor {
    /// `V3_4_9`: requesters at or above this version may override the group's retryMaxTimes.
    static let versionHonouringMaxReconsumeTimes: Int32 = 121

    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let subscriptionGroups: SubscriptionGroupManager
    private let logger: Logger

    public init(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        subscriptionGroups: SubscriptionGroupManager, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.topics = topics
        self.subscriptionGroups = subscriptionGroups
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do {
            guard let message = try retryMessage(for: request) else {
                context.reply(to: request, request.response(.success))
                return
            }
            store.putMessage(message) { result in
                let response =
                    result.status.isStored
                    ? request.response(.success)
                    : request.response(
                        result.status.responseCode, remark: result.status.remark(storeRemark: result.remark))
                context.reply(to: request, response)
            }
        } catch {
            context.reply(to: request, error.response(to: request))
        }
    }

    /// The copy to append, or nil when the group disabled broker-side retry (`retryQueueNums` 0: drop, answer OK).
    private func retryMessage(for request: RemotingCommand) throws(BrokerRequestError) -> MessageToStore? {
        let fields = BrokerHeaderFields(request)
        let offset = try fields.int64("offset")
        let group = try fields.string("group")
        let delayLevel = try fields.optionalInt32("delayLevel") ?? 0
        let requestedMaxReconsumeTimes = try fields.optionalInt32("maxReconsumeTimes")
        guard let groupConfig = subscriptionGroups.findOrCreate(group) else {
            throw BrokerRequestError(.subscriptionGroupNotExist, "subscription group not exist, \(group)")
        }
        if !TopicPermission(rawValue: configuration.brokerPermission).isWritable {
            throw BrokerRequestError(
                .noPermission,
                "the broker[\(configuration.brokerIP1)] sending message is forbidden")
        }
        guard groupConfig.retryQueueNums > 0 else { return nil }
        guard let record = store.message(at: PhysicalOffset(offset)), let original = MessageRecord.decode(record),
            let body = original.body
        else {
            throw BrokerRequestError(.systemError, "look message by offset failed, \(offset)")
        }
        var maxReconsumeTimes = groupConfig.retryMaxTimes
        if request.version >= Self.versionHonouringMaxReconsumeTimes, let requestedMaxReconsumeTimes {
            maxReconsumeTimes = requestedMaxReconsumeTimes
        }
        var properties = original.properties
        if !properties.contains(where: { $0.0 == BrokerMessageProperties.retryTopic }) {
            properties.append((BrokerMessageProperties.retryTopic, original.topic))
        }
        if !properties.contains(where: { $0.0 == BrokerMessageProperties.originMessageId }) {
            properties.append((BrokerMessageProperties.originMessageId, original.offsetMessageId))
        }
        properties.removeAll { $0.0 == MessageProperties.wait }
        properties.append((MessageProperties.wait, "false"))

        let topic: String
        let queueId: Int32
        let isDeadLetter = original.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0
        if isDeadLetter {
            topic = TopicValidator.deadLetterTopic(group: group)
            let config = topics.createTopicIfAbsent(topic, queueNums: 1, perm: .readWrite)
            guard config.perm.isWritable else {
                throw BrokerRequestError(.noPermission, "the topic[\(topic)] sending message is forbidden")
            }
            queueId = 0
            logger.debug("message sent to dead letter queue", metadata: ["broker.group": "\(group)"])
        } else {
            topic = TopicValidator.retryTopic(group: group)
            let config = topics.createTopicIfAbsent(topic, queueNums: groupConfig.retryQueueNums, perm: .readWrite)
            guard config.perm.isWritable else {
                throw BrokerRequestError(.noPermission, "the topic[\(topic)] sending message is forbidden")
            }
            queueId = config.writeQueueNums > 0 ? Int32.random(in: 0..<config.writeQueueNums) : 0
        }
        let message = MessageToStore(
            topic: topic, queueId: queueId, flag: original.flag, body: body, properties: properties,
            sysFlag: original.sysFlag & ~(SysFlag.bornHostV6 | SysFlag.storeHostV6),
            bornTimestamp: original.bornTimestamp, bornHost: original.bornHost,
            reconsumeTimes: isDeadLetter ? original.reconsumeTimes : original.reconsumeTimes + 1)
        guard !isDeadLetter else { return message }
        let level = delayLevel > 0 ? delayLevel : 3 + original.reconsumeTimes
        return DelayMessageHook.park(message, level: level, levels: configuration.delayLevels)
    }
}
