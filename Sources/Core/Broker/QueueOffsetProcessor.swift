public import Store

/// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), SEARCH_OFFSET_BY_TIMESTAMP (29) and GET_EARLIEST_MSG_STORETIME (32):
/// store offset lookups answered with header `offset` (or `timestamp`).
///
/// Threading: store reads only; safe on event loops.
public final class QueueOffsetProcessor: RequestProcessor {
    private let store: any MessageStore

    public init(store: any MessageStore) {
        self.store = store
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do {
            let fields = BrokerHeaderFields(request)
            let topic = try fields.string("topic")
            let queueId = try fields.int32("queueId")
            let response: RemotingCommand
            switch RequestCode(rawValue: request.code) {
            case .getMaxOffset:
                let offset = store.maxOffset(topic: topic, queueId: queueId).rawValue
                response = request.response(.success, extFields: ["offset": String(offset)])
            case .getMinOffset:
                let offset = store.minOffset(topic: topic, queueId: queueId).rawValue
                response = request.response(.success, extFields: ["offset": String(offset)])
            case .searchOffsetByTimestamp:
                let timestamp = try fields.int64("timestamp")
                let boundary: TimestampBoundary =
                    fields.optionalString("boundaryType")?.uppercased() == "UPPER" ? .upper : .lower
                let offset = store.offset(forTimestamp: timestamp, topic: topic, queueId: queueId, boundary: boundary)
                response = request.response(.success, extFields: ["offset": String(offset.rawValue)])
            default:
                let timestamp = store.earliestMessageTimestamp(topic: topic, queueId: queueId) ?? -1
                response = request.response(.success, extFields: ["timestamp": String(timestamp)])
            }
            context.reply(to: request, response)
        } catch {
            context.reply(to: request, error.response(to: request))
        }
    }
}
