public import Store

/// QUERY_CONSUMER_OFFSET (14) and UPDATE_CONSUMER_OFFSET (15, usually oneway).
///
/// Threading: one `Mutex` section and a store offset read; safe on event loops.
public final class ConsumerOffsetProcessor: RequestProcessor {
    private let store: any MessageStore
    private let offsets: ConsumerOffsetManager

    public init(store: any MessageStore, offsets: ConsumerOffsetManager) {
        self.store = store
        self.offsets = offsets
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do {
            let fields = BrokerHeaderFields(request)
            let group = try fields.string("consumerGroup")
            let topic = try fields.string("topic")
            let queueId = try fields.int32("queueId")
            if request.code == RequestCode.updateConsumerOffset.rawValue {
                let offset = try fields.int64("commitOffset")
                offsets.commitOffset(group: group, topic: topic, queueId: queueId, offset: offset)
                context.reply(to: request, request.response(.success))
                return
            }
            context.reply(
                to: request,
                query(
                    request, group: group, topic: topic, queueId: queueId,
                    setZeroIfNotFound: fields.optionalBool("setZeroIfNotFound") ?? true))
        } catch {
            context.reply(to: request, error.response(to: request))
        }
    }

    /// The stored offset; without one, 0 when the queue still starts at offset 0 (RocketMQ: its first message is
    /// still in memory, so a new group may read from the start), else QUERY_NOT_FOUND so the client applies
    /// `consumeFromWhere`.
    private func query(
        _ request: RemotingCommand, group: String, topic: String, queueId: Int32,
        setZeroIfNotFound: Bool
    ) -> RemotingCommand {
        if let offset = offsets.queryOffset(group: group, topic: topic, queueId: queueId), offset >= 0 {
            return request.response(.success, extFields: ["offset": String(offset)])
        }
        if setZeroIfNotFound && store.minOffset(topic: topic, queueId: queueId).rawValue <= 0 {
            return request.response(.success, extFields: ["offset": "0"])
        }
        return request.response(
            .queryNotFound, remark: "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first")
    }
}
