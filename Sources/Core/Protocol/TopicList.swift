/// A list of topic names (RocketMQ's `TopicList`): the body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
/// GET_TOPICS_BY_CLUSTER, GET_SYSTEM_TOPIC_LIST_FROM_NS and the unit-topic queries.
///
/// JSON: `{"brokerAddr":"…","topicList":["a","b"]}`, `brokerAddr` only when set, topics sorted.
public struct TopicList: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var topicList: Set<String>
    /// Set only by GET_SYSTEM_TOPIC_LIST_FROM_NS: the address of some broker.
    public var brokerAddr: String?

    public init(topicList: Set<String> = [], brokerAddr: String? = nil) {
        self.topicList = topicList
        self.brokerAddr = brokerAddr
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        if let brokerAddr { writer.field("brokerAddr", brokerAddr) }
        writer.key("topicList")
        writer.writeStringArray(topicList.sorted())
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "TopicList")
        self.init(topicList: Set(object.stringList("topicList")), brokerAddr: object.string("brokerAddr"))
    }
}
