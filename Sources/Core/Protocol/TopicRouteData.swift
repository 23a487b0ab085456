/// A topic's route: which brokers serve it, with how many queues, at which addresses (RocketMQ's `TopicRouteData`,
/// the GET_ROUTEINFO_BY_TOPIC body).
///
/// JSON (spec §3.1): `{"brokerDatas":[…],"filterServerTable":{},"queueDatas":[…]}`, plus `orderTopicConf` when set.
/// `brokerDatas`, `queueDatas` and `filterServerTable` are always written (4.9 clients throw on null); lists are
/// sorted by broker name so equal routes give equal bytes. `topicQueueMappingByBroker` (static topics) is never
/// written and ignored when read.
public struct TopicRouteData: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// `"brokerA:4;brokerB:4"`; if non-empty, clients build publish queues only from it.
    public var orderTopicConf: String?
    public var queueDatas: [QueueData]
    public var brokerDatas: [BrokerData]
    /// Broker address → filter-server addresses (legacy, normally empty).
    public var filterServerTable: [String: [String]]

    public init(
        orderTopicConf: String? = nil, queueDatas: [QueueData] = [], brokerDatas: [BrokerData] = [],
        filterServerTable: [String: [String]] = [:]
    ) {
        self.orderTopicConf = orderTopicConf
        self.queueDatas = queueDatas
        self.brokerDatas = brokerDatas
        self.filterServerTable = filterServerTable
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("brokerDatas")
        writer.beginArray()
        for brokerData in brokerDatas.sorted(by: { $0.brokerName < $1.brokerName }) { brokerData.write(to: writer) }
        writer.endArray()
        writer.key("filterServerTable")
        writer.beginObject()
        for address in filterServerTable.keys.sorted() {
            writer.key(address)
            writer.writeStringArray(filterServerTable[address] ?? [])
        }
        writer.endObject()
        if let orderTopicConf { writer.field("orderTopicConf", orderTopicConf) }
        writer.key("queueDatas")
        writer.beginArray()
        for queueData in queueDatas.sorted(by: { $0.brokerName < $1.brokerName }) { queueData.write(to: writer) }
        writer.endArray()
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "TopicRouteData")
        var queueDatas: [QueueData] = []
        for item in object.array("queueDatas") ?? [] { queueDatas.append(try QueueData(json: item)) }
        var brokerDatas: [BrokerData] = []
        for item in object.array("brokerDatas") ?? [] { brokerDatas.append(try BrokerData(json: item)) }
        var filterServerTable: [String: [String]] = [:]
        for (address, servers) in object.object("filterServerTable") ?? [] {
            filterServerTable[address] = (servers.arrayValue ?? []).compactMap(\.scalarText)
        }
        self.init(
            orderTopicConf: object.string("orderTopicConf"), queueDatas: queueDatas, brokerDatas: brokerDatas,
            filterServerTable: filterServerTable)
    }
}
