/// One queue of a topic on one broker, RocketMQ's `MessageQueue` (`{"brokerName":S,"queueId":I,"topic":S}`).
public struct MessageQueue: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var brokerName: String
    public var queueId: Int32

    public init(topic: String, brokerName: String, queueId: Int32) {
        self.topic = topic
        self.brokerName = brokerName
        self.queueId = queueId
    }

    public var description: String { "MessageQueue [topic=\(topic), brokerName=\(brokerName), queueId=\(queueId)]" }

    /// Reads `{"brokerName","queueId","topic"}`; nil when a field is missing or mistyped. The queue id may be a
    /// number or a numeric string.
    public init?(json: JSONValue) {
        guard let topic = json["topic"]?.stringValue, let brokerName = json["brokerName"]?.stringValue,
            let queueId = json["queueId"]?.int64Value, let queueId32 = Int32(exactly: queueId)
        else { return nil }
        self.init(topic: topic, brokerName: brokerName, queueId: queueId32)
    }

    /// Writes the object with keys in fastjson's (alphabetical) order.
    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("brokerName", brokerName)
        writer.field("queueId", queueId)
        writer.field("topic", topic)
        writer.endObject()
    }
}
