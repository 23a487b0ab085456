/// Every broker set and cluster the name server knows (RocketMQ's `ClusterInfo`, the GET_BROKER_CLUSTER_INFO body).
///
/// JSON (spec §3.3): `{"brokerAddrTable":{"broker-a":{…BrokerData…}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}`,
/// maps and lists sorted.
public struct ClusterInfo: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// Broker name → broker set.
    public var brokerAddrTable: [String: BrokerData]
    /// Cluster name → broker names.
    public var clusterAddrTable: [String: Set<String>]

    public init(brokerAddrTable: [String: BrokerData] = [:], clusterAddrTable: [String: Set<String>] = [:]) {
        self.brokerAddrTable = brokerAddrTable
        self.clusterAddrTable = clusterAddrTable
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("brokerAddrTable")
        writer.beginObject()
        for name in brokerAddrTable.keys.sorted() {
            guard let brokerData = brokerAddrTable[name] else { continue }
            writer.key(name)
            brokerData.write(to: writer)
        }
        writer.endObject()
        writer.key("clusterAddrTable")
        writer.beginObject()
        for cluster in clusterAddrTable.keys.sorted() {
            writer.key(cluster)
            writer.writeStringArray((clusterAddrTable[cluster] ?? []).sorted())
        }
        writer.endObject()
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "ClusterInfo")
        var brokers: [String: BrokerData] = [:]
        for (name, value) in object.object("brokerAddrTable") ?? [] { brokers[name] = try BrokerData(json: value) }
        var clusters: [String: Set<String>] = [:]
        for (cluster, names) in object.object("clusterAddrTable") ?? [] {
            clusters[cluster] = Set((names.arrayValue ?? []).compactMap(\.scalarText))
        }
        self.init(brokerAddrTable: brokers, clusterAddrTable: clusters)
    }
}
