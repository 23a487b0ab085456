/// The TERN_QUERY_DLQ_MESSAGE body: one page of a group's DLQ queue 0.
///
/// JSON: `{"group","maxOffset","messages":[DeadLetterMessage…],"minOffset","nextOffset","topic"}`. The page covers
/// queue offsets `[offset, nextOffset)` of the request; a caller pages on by asking again from `nextOffset` until it
/// reaches `maxOffset`.
public struct DeadLetterMessageList: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var group: String
    /// `%DLQ%<group>`.
    public var topic: String
    /// The oldest offset still readable.
    public var minOffset: Int64
    /// The next offset to be written (the number of dead letters ever stored, while nothing has expired).
    public var maxOffset: Int64
    /// Where the next page starts.
    public var nextOffset: Int64
    public var messages: [DeadLetterMessage]

    public init(
        group: String, topic: String, minOffset: Int64, maxOffset: Int64, nextOffset: Int64,
        messages: [DeadLetterMessage]
    ) {
        self.group = group
        self.topic = topic
        self.minOffset = minOffset
        self.maxOffset = maxOffset
        self.nextOffset = nextOffset
        self.messages = messages
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("group", group)
        writer.field("maxOffset", maxOffset)
        writer.key("messages")
        writer.beginArray()
        for message in messages { message.write(to: writer) }
        writer.endArray()
        writer.field("minOffset", minOffset)
        writer.field("nextOffset", nextOffset)
        writer.field("topic", topic)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "DeadLetterMessageList")
        var messages: [DeadLetterMessage] = []
        for item in object.array("messages") ?? [] { messages.append(try DeadLetterMessage(json: item)) }
        self.init(
            group: object.string("group") ?? "", topic: object.string("topic") ?? "",
            minOffset: object.int64("minOffset") ?? 0, maxOffset: object.int64("maxOffset") ?? 0,
            nextOffset: object.int64("nextOffset") ?? 0, messages: messages)
    }
}
