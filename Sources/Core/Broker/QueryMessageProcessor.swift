import NIOCore
public import Store

/// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33): messages by index key and by commit-log offset (spec §2.3).
///
/// Threading: store index and commit-log reads, which do not block on flushes; safe on event loops.
public final class QueryMessageProcessor: RequestProcessor {
    /// RocketMQ's `defaultQueryMaxNum`, used for unique-key queries whatever `maxNum` says.
    public static let defaultQueryMaxNum: Int32 = 32
    /// The extField that marks a query by UNIQ_KEY (RocketMQ's `MixAll.UNIQUE_MSG_QUERY_FLAG`).
    public static let uniqueKeyQueryFlag = "_UNIQUE_KEY_QUERY"

    private let store: any MessageStore

    public init(store: any MessageStore) {
        self.store = store
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let response: RemotingCommand
        do {
            if request.code == RequestCode.viewMessageById.rawValue {
                response = try viewMessage(request)
            } else {
                response = try queryMessage(request)
            }
        } catch {
            response = error.response(to: request)
        }
        context.reply(to: request, response)
    }

    /// Header `topic`, `key`, `maxNum`, `beginTimestamp`, `endTimestamp` (all req). Answers the matching records
    /// concatenated, with header `indexLastUpdateTimestamp` / `indexLastUpdatePhyoffset`, or QUERY_NOT_FOUND.
    private func queryMessage(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let topic = try fields.string("topic")
        let key = try fields.string("key")
        var maxNum = try fields.int32("maxNum")
        let begin = try fields.int64("beginTimestamp")
        let end = try fields.int64("endTimestamp")
        if request.extFields[Self.uniqueKeyQueryFlag] == "true" { maxNum = Self.defaultQueryMaxNum }
        let result = store.queryMessages(
            topic: topic, key: key, maxCount: Int(max(0, maxNum)), beginTimestamp: begin, endTimestamp: end)
        let extFields = [
            "indexLastUpdateTimestamp": String(result.indexLastUpdateTimestamp),
            "indexLastUpdatePhyoffset": String(result.indexLastUpdatePhysicalOffset.rawValue),
        ]
        guard !result.messages.isEmpty else {
            return request.response(
                .queryNotFound, remark: "can not find message, maybe time range not correct", extFields: extFields)
        }
        var body = ByteBuffer()
        body.reserveCapacity(result.messages.reduce(0) { $0 + $1.readableBytes })
        for record in result.messages { body.writeImmutableBuffer(record) }
        return request.response(.success, extFields: extFields, body: body)
    }

    /// Header `offset` (req, the commit-log offset an offset message id carries): answers the one record there, or
    /// SYSTEM_ERROR "can not find message by the offset, N".
    private func viewMessage(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let offset = try BrokerHeaderFields(request).int64("offset")
        guard offset >= 0, let record = store.message(at: PhysicalOffset(offset)) else {
            throw BrokerRequestError(.systemError, "can not find message by the offset, \(offset)")
        }
        return request.response(.success, body: record)
    }
}
