public import Logging
import NIOCore
public import Store

/// TERN_QUERY_DLQ_MESSAGE (1000001) and TERN_RESEND_DLQ_MESSAGE (1000002), Tern vendor codes: list a consumer
/// group's dead letters and send copies of them back to the topic they came from (docs/ADMIN.md "Dead letters").
///
/// RocketMQ has no broker code for either (its dashboard lists the DLQ with plain pulls and "re-sends" through
/// CONSUME_MESSAGE_DIRECTLY to one live consumer, which stores nothing), so both the admin CLI and the gateway use
/// these codes and this one implementation. A re-send is an ordinary SEND_MESSAGE handed to `SendMessageProcessor`
/// in-process, so topic permission, queue choice and broker properties are exactly those of a client send.
///
/// Re-sending never removes anything from the DLQ (a RocketMQ DLQ is append-only, like every topic): re-sending the
/// same dead letter twice stores two copies in the origin topic. Both keep the dead letter's UNIQ_KEY (the id the
/// producer's client returned), so consumers that deduplicate by message id process it once.
///
/// Threading: store reads on the caller's event loop (at most `maxCountLimit` records); re-send answers arrive from
/// the store's completion thread and the last one replies.
public final class DeadLetterQueueProcessor: RequestProcessor {
    /// Page size when the request gives no `maxCount`.
    public static let defaultMaxCount: Int32 = 32
    /// Largest page (list) or batch (re-send all) one request may ask for.
    public static let maxCountLimit: Int32 = 1024
    /// Producer group named in the re-send SEND_MESSAGE requests.
    static let resendProducerGroup = "TERN_DLQ_RESEND_PRODUCER"
    /// Bytes read per page at most; a page stops early rather than exceed it.
    static let maxPageBytes = 64 * 1024 * 1024
    /// Newest DLQ records searched for a UNIQ_KEY the key index does not have yet.
    static let indexLagScanLimit: Int64 = 4096

    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let subscriptionGroups: SubscriptionGroupManager
    private let send: any RequestProcessor
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    /// - Parameters:
    ///   - send: the broker's SEND_MESSAGE processor, which stores the copies.
    ///   - clock: wall-clock ms, the born time of the copies.
    public init(
        store: any MessageStore, topics: TopicConfigManager, subscriptionGroups: SubscriptionGroupManager,
        send: any RequestProcessor, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.clock = clock
        self.store = store
        self.topics = topics
        self.subscriptionGroups = subscriptionGroups
        self.send = send
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do {
            if request.code == RequestCode.ternQueryDeadLetterMessages.rawValue {
                context.reply(to: request, try list(request))
            } else {
                try resend(request, context: context)
            }
        } catch {
            context.reply(to: request, error.response(to: request))
        }
    }

    /// Header `consumerGroup` (req), `offset` (opt, default the oldest readable), `maxCount` (opt, 1...1024,
    /// default 32). Body: `DeadLetterMessageList`. SUBSCRIPTION_GROUP_NOT_EXIST when neither the group nor its DLQ
    /// exists; an existing group without dead letters gets an empty page.
    private func list(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let group = try fields.string("consumerGroup")
        let topic = try deadLetterTopic(group: group)
        let page = try readPage(topic: topic, fields: fields)
        let messages = page.records.map { Self.describe($0) }
        let list = DeadLetterMessageList(
            group: group, topic: topic, minOffset: page.minOffset, maxOffset: page.maxOffset,
            nextOffset: page.nextOffset, messages: messages)
        return request.response(.success, body: list.jsonBody())
    }

    /// Header `consumerGroup` (req) and either `msgId` (an offset id of a DLQ record, or a UNIQ_KEY: the newest DLQ
    /// record carrying it) or `all=true` with the paging fields of the list. Body: `DeadLetterResendResult`.
    /// A single re-send that fails answers the send's error code; with `all`, each entry carries its own code.
    private func resend(_ request: RemotingCommand, context: any RequestContext) throws(BrokerRequestError) {
        let fields = BrokerHeaderFields(request)
        let group = try fields.string("consumerGroup")
        let topic = try deadLetterTopic(group: group)
        let messageId = fields.optionalString("msgId")
        let all = fields.optionalBool("all") ?? false
        guard (messageId != nil) != all else {
            throw BrokerRequestError(.invalidParameter, "give exactly one of msgId or all=true")
        }
        let records: [DecodedMessage]
        let nextOffset: Int64
        if let messageId {
            records = [try find(messageId: messageId, topic: topic)]
            nextOffset = store.maxOffset(topic: topic, queueId: 0).rawValue
        } else {
            let page = try readPage(topic: topic, fields: fields)
            records = page.records
            nextOffset = page.nextOffset
        }
        let maxOffset = store.maxOffset(topic: topic, queueId: 0).rawValue
        let collector = ResendCollector(count: records.count) { entries in
            let result = DeadLetterResendResult(
                group: group, maxOffset: maxOffset, nextOffset: nextOffset, results: entries)
            if !all, let entry = entries.first, !entry.isSent {
                context.reply(
                    to: request,
                    request.response(
                        ResponseCode(rawValue: entry.responseCode),
                        remark: entry.remark))
            } else {
                context.reply(to: request, request.response(.success, body: result.jsonBody()))
            }
        }
        for (index, record) in records.enumerated() {
            resend(record, context: context) { collector.complete(index, $0) }
        }
        logger.info(
            "dead letters re-sent by admin",
            metadata: ["broker.group": "\(group)", "broker.count": "\(records.count)"])
    }

    /// Sends one copy of `record` to its origin topic through the send processor and reports the outcome.
    private func resend(
        _ record: DecodedMessage, context: any RequestContext,
        completion: @escaping @Sendable (DeadLetterResendResult.Entry) -> Void
    ) {
        let origin = DeadLetterOrigin(record)
        let failed: @Sendable (ResponseCode, String) -> DeadLetterResendResult.Entry = { code, remark in
            DeadLetterResendResult.Entry(
                dlqOffsetMsgId: record.offsetMessageId, dlqQueueOffset: record.queueOffset.rawValue,
                topic: origin.topic, responseCode: code.rawValue, remark: remark)
        }
        guard !origin.topic.isEmpty else {
            completion(failed(.illegalOperation, "dead letter \(record.offsetMessageId) records no origin topic"))
            return
        }
        guard topics.config(origin.topic) != nil else {
            completion(
                failed(
                    .topicNotExist,
                    "origin topic \(origin.topic) of dead letter "
                        + "\(record.offsetMessageId) no longer exists"))
            return
        }
        guard let request = origin.sendRequest(producerGroup: Self.resendProducerGroup, bornTimestamp: clock()) else {
            completion(failed(.systemError, "dead letter \(record.offsetMessageId) has no body"))
            return
        }
        let uniqueKey = record.property(MessageProperties.uniqueKey)
        send.process(
            request,
            context: ForwardedRequestContext(forwarding: context) { response in
                guard response.code == ResponseCode.success.rawValue else {
                    completion(failed(ResponseCode(rawValue: response.code), response.remark ?? ""))
                    return
                }
                let offsetMessageId = response.extFields["msgId"] ?? ""
                completion(
                    DeadLetterResendResult.Entry(
                        dlqOffsetMsgId: record.offsetMessageId, dlqQueueOffset: record.queueOffset.rawValue,
                        topic: origin.topic, responseCode: response.code, remark: response.remark ?? "",
                        msgId: uniqueKey ?? offsetMessageId, offsetMsgId: offsetMessageId,
                        queueId: Int32(response.extFields["queueId"] ?? "") ?? -1,
                        queueOffset: Int64(response.extFields["queueOffset"] ?? "") ?? -1))
            })
    }

    // MARK: Reading the DLQ

    /// `%DLQ%<group>`, after checking the name and that the group or its DLQ exists.
    private func deadLetterTopic(group: String) throws(BrokerRequestError) -> String {
        if let remark = AdminGroupProcessor.groupNameError(group) {
            throw BrokerRequestError(.invalidParameter, remark)
        }
        let topic = TopicValidator.deadLetterTopic(group: group)
        guard subscriptionGroups.config(group) != nil || topics.config(topic) != nil else {
            throw BrokerRequestError(.subscriptionGroupNotExist, "subscription group not exist, \(group)")
        }
        return topic
    }

    private struct Page {
        var records: [DecodedMessage] = []
        var minOffset: Int64
        var maxOffset: Int64
        var nextOffset: Int64
    }

    /// Queue 0 of `topic` from header `offset` (clamped into the readable range) for up to `maxCount` records.
    private func readPage(topic: String, fields: BrokerHeaderFields) throws(BrokerRequestError) -> Page {
        let maxCount = try fields.optionalInt32("maxCount") ?? Self.defaultMaxCount
        guard (1...Self.maxCountLimit).contains(maxCount) else {
            throw BrokerRequestError(.invalidParameter, "maxCount must be in 1...\(Self.maxCountLimit)")
        }
        let requested = try fields.optionalInt64("offset")
        if let requested, requested < 0 { throw BrokerRequestError(.invalidParameter, "offset must not be negative") }
        let minOffset = store.minOffset(topic: topic, queueId: 0).rawValue
        let maxOffset = store.maxOffset(topic: topic, queueId: 0).rawValue
        let start = min(max(requested ?? minOffset, minOffset), maxOffset)
        var page = Page(minOffset: minOffset, maxOffset: maxOffset, nextOffset: start)
        guard start < maxOffset else { return page }
        let result = store.messages(
            topic: topic, queueId: 0, offset: QueueOffset(start), maxCount: Int(maxCount),
            maxBytes: Self.maxPageBytes, filter: nil)
        page.records = result.messages.compactMap { MessageRecord.decode($0) }
        page.nextOffset = max(start, result.nextBeginOffset.rawValue)
        return page
    }

    /// The DLQ record with offset id `messageId`, else the newest DLQ record whose UNIQ_KEY is `messageId`.
    /// - Throws: QUERY_NOT_FOUND when the DLQ holds neither.
    private func find(messageId: String, topic: String) throws(BrokerRequestError) -> DecodedMessage {
        if let (_, offset) = MessageId.decodeOffsetMessageId(messageId), let record = store.message(at: offset),
            let message = MessageRecord.decode(record), message.topic == topic,
            message.offsetMessageId == messageId.uppercased()
        {
            return message
        }
        let candidates = store.queryMessages(
            topic: topic, key: messageId, maxCount: Int(QueryMessageProcessor.defaultQueryMaxNum), beginTimestamp: 0,
            endTimestamp: Int64.max
        ).messages.compactMap { MessageRecord.decode($0) }
        let matching = candidates.filter {
            $0.topic == topic && $0.property(MessageProperties.uniqueKey) == messageId
        }
        if let newest = matching.max(by: { $0.queueOffset.rawValue < $1.queueOffset.rawValue }) { return newest }
        // The key index is built behind the consume queue, so a dead letter the list already shows may not be
        // indexed yet: look through the newest records of the queue itself.
        if let scanned = newestRecord(topic: topic, uniqueKey: messageId) { return scanned }
        throw BrokerRequestError(.queryNotFound, "no message with id \(messageId) in \(topic)")
    }

    /// The newest of the last `indexLagScanLimit` records of DLQ queue 0 whose UNIQ_KEY is `uniqueKey`.
    private func newestRecord(topic: String, uniqueKey: String) -> DecodedMessage? {
        let maxOffset = store.maxOffset(topic: topic, queueId: 0).rawValue
        var offset = max(store.minOffset(topic: topic, queueId: 0).rawValue, maxOffset - Self.indexLagScanLimit)
        var newest: DecodedMessage?
        while offset < maxOffset {
            let result = store.messages(
                topic: topic, queueId: 0, offset: QueueOffset(offset), maxCount: Int(Self.maxCountLimit),
                maxBytes: Self.maxPageBytes, filter: nil)
            for record in result.messages {
                if let message = MessageRecord.decode(record),
                    message.property(MessageProperties.uniqueKey) == uniqueKey
                {
                    newest = message
                }
            }
            guard result.nextBeginOffset.rawValue > offset else { break }
            offset = result.nextBeginOffset.rawValue
        }
        return newest
    }

    /// The list entry for one DLQ record.
    static func describe(_ record: DecodedMessage) -> DeadLetterMessage {
        let origin = DeadLetterOrigin(record)
        return DeadLetterMessage(
            queueId: record.queueId, queueOffset: record.queueOffset.rawValue,
            msgId: record.property(MessageProperties.uniqueKey) ?? record.offsetMessageId,
            offsetMsgId: record.offsetMessageId, originTopic: origin.topic, originMsgId: origin.messageId,
            reconsumeTimes: record.reconsumeTimes, storeTimestamp: record.storeTimestamp,
            tags: record.property(MessageProperties.tags) ?? "", keys: record.property(MessageProperties.keys) ?? "",
            bodySize: record.bodyLength)
    }
}
