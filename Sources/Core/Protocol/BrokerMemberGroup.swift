/// The members of one broker set (RocketMQ's `BrokerMemberGroup`), the GET_BROKER_MEMBER_GROUP answer, wrapped as
/// `{"brokerMemberGroup":{"brokerAddrs":{…},"brokerName":"…","cluster":"…"}}` (`GetBrokerMemberGroupResponseBody`).
public struct BrokerMemberGroup: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var cluster: String
    public var brokerName: String
    /// Broker id → address.
    public var brokerAddrs: [Int64: String]

    public init(cluster: String, brokerName: String, brokerAddrs: [Int64: String] = [:]) {
        self.cluster = cluster
        self.brokerName = brokerName
        self.brokerAddrs = brokerAddrs
    }

    /// Writes the response body form, `{"brokerMemberGroup":{…}}`.
    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("brokerMemberGroup")
        writer.beginObject()
        writer.key("brokerAddrs")
        writer.beginObject()
        for id in brokerAddrs.keys.sorted() { writer.field(String(id), brokerAddrs[id] ?? "") }
        writer.endObject()
        writer.field("brokerName", brokerName)
        writer.field("cluster", cluster)
        writer.endObject()
        writer.endObject()
    }

    /// Reads the response body form, `{"brokerMemberGroup":{…}}`.
    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let body = try ProtocolJSONObject(json, of: "GetBrokerMemberGroupResponseBody")
        guard let group = body["brokerMemberGroup"] else {
            throw ProtocolDecodingError("GetBrokerMemberGroupResponseBody: missing brokerMemberGroup")
        }
        let object = try ProtocolJSONObject(group, of: "BrokerMemberGroup")
        self.init(
            cluster: object.string("cluster") ?? "", brokerName: object.string("brokerName") ?? "",
            brokerAddrs: try BrokerData.brokerAddrs(object.object("brokerAddrs") ?? []))
    }
}
