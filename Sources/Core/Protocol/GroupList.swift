/// Consumer group names, the QUERY_TOPIC_CONSUME_BY_WHO (300) body, RocketMQ's `GroupList`.
///
/// JSON: `{"groupList":["g1","g2"]}`, names sorted.
public struct GroupList: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var groupList: Set<String>

    public init(groupList: Set<String> = []) {
        self.groupList = groupList
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("groupList")
        writer.writeStringArray(groupList.sorted())
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "GroupList")
        self.init(groupList: Set(object.stringList("groupList")))
    }
}
