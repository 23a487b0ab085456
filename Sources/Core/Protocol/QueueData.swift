/// One broker's queues of a topic, as the name server keeps and publishes them (RocketMQ's `QueueData`).
///
/// JSON: `{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}` (spec §3.1).
public struct QueueData: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var brokerName: String
    public var readQueueNums: Int32
    public var writeQueueNums: Int32
    public var perm: TopicPermission
    public var topicSysFlag: Int32

    public init(
        brokerName: String, readQueueNums: Int32, writeQueueNums: Int32, perm: TopicPermission,
        topicSysFlag: Int32 = 0
    ) {
        self.brokerName = brokerName
        self.readQueueNums = readQueueNums
        self.writeQueueNums = writeQueueNums
        self.perm = perm
        self.topicSysFlag = topicSysFlag
    }

    /// The queue data a broker's topic configuration yields.
    public init(brokerName: String, topicConfig: TopicConfig) {
        self.init(
            brokerName: brokerName, readQueueNums: topicConfig.readQueueNums,
            writeQueueNums: topicConfig.writeQueueNums, perm: topicConfig.perm,
            topicSysFlag: topicConfig.topicSysFlag)
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("brokerName", brokerName)
        writer.field("perm", perm.rawValue)
        writer.field("readQueueNums", readQueueNums)
        writer.field("topicSysFlag", topicSysFlag)
        writer.field("writeQueueNums", writeQueueNums)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "QueueData")
        guard let brokerName = object.string("brokerName") else {
            throw ProtocolDecodingError("QueueData: missing brokerName")
        }
        self.init(
            brokerName: brokerName, readQueueNums: object.int32("readQueueNums") ?? 0,
            writeQueueNums: object.int32("writeQueueNums") ?? 0,
            perm: TopicPermission(rawValue: object.int32("perm") ?? 0),
            topicSysFlag: object.int32("topicSysFlag") ?? object.int32("topicSynFlag") ?? 0)
    }
}
