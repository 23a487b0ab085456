/// The body of REGISTER_BROKER (RocketMQ's `RegisterBrokerBody`), uncompressed JSON form:
/// `{"filterServerList":[],"topicConfigSerializeWrapper":{…}}` (spec §3.5).
///
/// The compressed form (`compressed=true`, a deflate stream) is not supported by Tern: Java brokers send it only with
/// `compressedRegister=true` (default false) and Tern's broker never does.
public struct RegisterBrokerBody: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var topicConfigSerializeWrapper: TopicConfigSerializeWrapper
    /// Legacy filter-server addresses; brokers send an empty list.
    public var filterServerList: [String]

    public init(
        topicConfigSerializeWrapper: TopicConfigSerializeWrapper = TopicConfigSerializeWrapper(),
        filterServerList: [String] = []
    ) {
        self.topicConfigSerializeWrapper = topicConfigSerializeWrapper
        self.filterServerList = filterServerList
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("filterServerList")
        writer.writeStringArray(filterServerList)
        writer.key("topicConfigSerializeWrapper")
        topicConfigSerializeWrapper.write(to: writer)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "RegisterBrokerBody")
        var wrapper = TopicConfigSerializeWrapper()
        if let value = object["topicConfigSerializeWrapper"] {
            wrapper = try TopicConfigSerializeWrapper(json: value)
        }
        self.init(topicConfigSerializeWrapper: wrapper, filterServerList: object.stringList("filterServerList"))
    }
}
