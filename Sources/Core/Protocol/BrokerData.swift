/// The addresses of one broker set (master and slaves sharing a broker name), as the name server publishes them
/// (RocketMQ's `BrokerData`).
///
/// JSON (standard form): `{"brokerAddrs":{"0":"127.0.1.10:10911","1":"127.0.1.11:10911"},
/// "brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}` with ids sorted; `zoneName` only
/// when set. fastjson writes the ids unquoted; see `FastjsonCompatibility` for why and when Tern does too.
public struct BrokerData: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// Id of the master in `brokerAddrs` (RocketMQ's `MixAll.MASTER_ID`).
    public static let masterID: Int64 = 0

    public var cluster: String
    public var brokerName: String
    /// Broker id (0 = master, ≥ 1 = slaves) → `ip:port` clients connect to.
    public var brokerAddrs: [Int64: String]
    public var zoneName: String?
    public var enableActingMaster: Bool

    public init(
        cluster: String, brokerName: String, brokerAddrs: [Int64: String] = [:], zoneName: String? = nil,
        enableActingMaster: Bool = false
    ) {
        self.cluster = cluster
        self.brokerName = brokerName
        self.brokerAddrs = brokerAddrs
        self.zoneName = zoneName
        self.enableActingMaster = enableActingMaster
    }

    /// The master's address, if a master is registered.
    public var masterAddress: String? { brokerAddrs[Self.masterID] }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("brokerAddrs")
        writer.beginObject()
        for id in brokerAddrs.keys.sorted() {
            writer.field(String(id), brokerAddrs[id] ?? "")
        }
        writer.endObject()
        writer.field("brokerName", brokerName)
        writer.field("cluster", cluster)
        writer.field("enableActingMaster", enableActingMaster)
        if let zoneName { writer.field("zoneName", zoneName) }
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "BrokerData")
        guard let brokerName = object.string("brokerName") else {
            throw ProtocolDecodingError("BrokerData: missing brokerName")
        }
        self.init(
            cluster: object.string("cluster") ?? "", brokerName: brokerName,
            brokerAddrs: try Self.brokerAddrs(object.object("brokerAddrs") ?? []),
            zoneName: object.string("zoneName"), enableActingMaster: object.bool("enableActingMaster") ?? false)
    }

    /// Parses `{id: address}` members; ids must be integers (quoted or, after the pre-pass, formerly bare).
    static func brokerAddrs(_ members: [(String, JSONValue)]) throws(ProtocolDecodingError) -> [Int64: String] {
        var result: [Int64: String] = [:]
        for (key, value) in members {
            guard let id = Int64(key) else { throw ProtocolDecodingError("brokerAddrs: broker id '\(key)'") }
            if let address = value.scalarText { result[id] = address }
        }
        return result
    }
}
