/// One record of `%DLQ%<group>` as TERN_QUERY_DLQ_MESSAGE lists it: where it sits, what it was, and where it came
/// from. Bodies are not included (only `bodySize`); `VIEW_MESSAGE_BY_ID` with `offsetMsgId` reads the whole record.
///
/// JSON keys are alphabetical: `bodySize`, `keys`, `msgId`, `offsetMsgId`, `originMsgId`, `originTopic`, `queueId`,
/// `queueOffset`, `reconsumeTimes`, `storeTimestamp`, `tags`.
public struct DeadLetterMessage: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// Queue of the DLQ topic (always 0: RocketMQ creates DLQs with one queue).
    public var queueId: Int32
    public var queueOffset: Int64
    /// The client-visible id: UNIQ_KEY, else the offset id of the DLQ record.
    public var msgId: String
    /// The offset id of the DLQ record itself (store host + commit-log offset).
    public var offsetMsgId: String
    /// The topic the message was first sent to (`DLQ_ORIGIN_TOPIC`, else `RETRY_TOPIC`); empty when unknown.
    public var originTopic: String
    /// The id of the first delivery (`DLQ_ORIGIN_MESSAGE_ID`, else `ORIGIN_MESSAGE_ID`, else UNIQ_KEY).
    public var originMsgId: String
    public var reconsumeTimes: Int32
    /// When the DLQ record was stored, ms since the epoch.
    public var storeTimestamp: Int64
    public var tags: String
    public var keys: String
    public var bodySize: Int32

    public init(
        queueId: Int32, queueOffset: Int64, msgId: String, offsetMsgId: String, originTopic: String,
        originMsgId: String, reconsumeTimes: Int32, storeTimestamp: Int64, tags: String, keys: String, bodySize: Int32
    ) {
        self.queueId = queueId
        self.queueOffset = queueOffset
        self.msgId = msgId
        self.offsetMsgId = offsetMsgId
        self.originTopic = originTopic
        self.originMsgId = originMsgId
        self.reconsumeTimes = reconsumeTimes
        self.storeTimestamp = storeTimestamp
        self.tags = tags
        self.keys = keys
        self.bodySize = bodySize
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("bodySize", bodySize)
        writer.field("keys", keys)
        writer.field("msgId", msgId)
        writer.field("offsetMsgId", offsetMsgId)
        writer.field("originMsgId", originMsgId)
        writer.field("originTopic", originTopic)
        writer.field("queueId", queueId)
        writer.field("queueOffset", queueOffset)
        writer.field("reconsumeTimes", reconsumeTimes)
        writer.field("storeTimestamp", storeTimestamp)
        writer.field("tags", tags)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "DeadLetterMessage")
        self.init(
            queueId: object.int32("queueId") ?? 0, queueOffset: object.int64("queueOffset") ?? 0,
            msgId: object.string("msgId") ?? "", offsetMsgId: object.string("offsetMsgId") ?? "",
            originTopic: object.string("originTopic") ?? "", originMsgId: object.string("originMsgId") ?? "",
            reconsumeTimes: object.int32("reconsumeTimes") ?? 0, storeTimestamp: object.int64("storeTimestamp") ?? 0,
            tags: object.string("tags") ?? "", keys: object.string("keys") ?? "",
            bodySize: object.int32("bodySize") ?? 0)
    }
}
