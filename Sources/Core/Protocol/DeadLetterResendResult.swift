/// The TERN_RESEND_DLQ_MESSAGE body: what happened to each dead letter the request re-sent.
///
/// JSON: `{"group","maxOffset","nextOffset","results":[Entry…]}`. With `all`, the request covers DLQ offsets
/// `[offset, nextOffset)`; the caller asks again from `nextOffset` until it reaches `maxOffset`.
public struct DeadLetterResendResult: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// One re-send: the DLQ record it came from and the send outcome in the origin topic.
    ///
    /// JSON keys: `dlqOffsetMsgId`, `dlqQueueOffset`, `msgId`, `offsetMsgId`, `queueId`, `queueOffset`, `remark`,
    /// `responseCode`, `topic`. `responseCode` 0 means stored; otherwise the send's error code and remark, and the
    /// new-message fields are empty / -1.
    public struct Entry: Sendable, Hashable {
        public var dlqOffsetMsgId: String
        public var dlqQueueOffset: Int64
        /// The origin topic the copy was sent to (empty when the dead letter records none).
        public var topic: String
        public var responseCode: Int32
        public var remark: String
        /// UNIQ_KEY of the new message (the dead letter's own, kept so consumers can deduplicate).
        public var msgId: String
        /// Offset id of the new record.
        public var offsetMsgId: String
        public var queueId: Int32
        public var queueOffset: Int64

        public init(
            dlqOffsetMsgId: String, dlqQueueOffset: Int64, topic: String, responseCode: Int32, remark: String,
            msgId: String = "", offsetMsgId: String = "", queueId: Int32 = -1, queueOffset: Int64 = -1
        ) {
            self.dlqOffsetMsgId = dlqOffsetMsgId
            self.dlqQueueOffset = dlqQueueOffset
            self.topic = topic
            self.responseCode = responseCode
            self.remark = remark
            self.msgId = msgId
            self.offsetMsgId = offsetMsgId
            self.queueId = queueId
            self.queueOffset = queueOffset
        }

        public var isSent: Bool { responseCode == ResponseCode.success.rawValue }
    }

    public var group: String
    public var maxOffset: Int64
    public var nextOffset: Int64
    public var results: [Entry]

    public init(group: String, maxOffset: Int64, nextOffset: Int64, results: [Entry]) {
        self.group = group
        self.maxOffset = maxOffset
        self.nextOffset = nextOffset
        self.results = results
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("group", group)
        writer.field("maxOffset", maxOffset)
        writer.field("nextOffset", nextOffset)
        writer.key("results")
        writer.beginArray()
        for entry in results {
            writer.beginObject()
            writer.field("dlqOffsetMsgId", entry.dlqOffsetMsgId)
            writer.field("dlqQueueOffset", entry.dlqQueueOffset)
            writer.field("msgId", entry.msgId)
            writer.field("offsetMsgId", entry.offsetMsgId)
            writer.field("queueId", entry.queueId)
            writer.field("queueOffset", entry.queueOffset)
            writer.field("remark", entry.remark)
            writer.field("responseCode", entry.responseCode)
            writer.field("topic", entry.topic)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "DeadLetterResendResult")
        var results: [Entry] = []
        for item in object.array("results") ?? [] {
            let entry = try ProtocolJSONObject(item, of: "DeadLetterResendResult.Entry")
            results.append(
                Entry(
                    dlqOffsetMsgId: entry.string("dlqOffsetMsgId") ?? "",
                    dlqQueueOffset: entry.int64("dlqQueueOffset") ?? -1, topic: entry.string("topic") ?? "",
                    responseCode: entry.int32("responseCode") ?? ResponseCode.systemError.rawValue,
                    remark: entry.string("remark") ?? "", msgId: entry.string("msgId") ?? "",
                    offsetMsgId: entry.string("offsetMsgId") ?? "", queueId: entry.int32("queueId") ?? -1,
                    queueOffset: entry.int64("queueOffset") ?? -1))
        }
        self.init(
            group: object.string("group") ?? "", maxOffset: object.int64("maxOffset") ?? 0,
            nextOffset: object.int64("nextOffset") ?? 0, results: results)
    }
}
