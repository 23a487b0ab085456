/// How a topic's messages are tagged (RocketMQ's `TopicFilterType`); written by name.
public enum TopicFilterType: String, Sendable, Hashable {
    case singleTag = "SINGLE_TAG"
    case multiTag = "MULTI_TAG"
}

/// One topic's configuration as a broker stores it (`topics.json`) and registers it with name servers.
///
/// JSON (fastjson bean order): `{"attributes":{},"order":false,"perm":6,"readQueueNums":16,
/// "topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":16}` (spec §3.4).
/// Defaults are RocketMQ's: 16 read and write queues, perm 6, SINGLE_TAG, not ordered.
public struct TopicConfig: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// RocketMQ's default queue count for created topics.
    public static let defaultQueueNums: Int32 = 16

    public var topicName: String
    public var readQueueNums: Int32
    public var writeQueueNums: Int32
    public var perm: TopicPermission
    public var topicFilterType: TopicFilterType
    /// `TopicSysFlag` bits.
    public var topicSysFlag: Int32
    public var order: Bool
    /// 5.x topic attributes, e.g. `message.type` → `NORMAL`.
    public var attributes: [String: String]

    public init(
        topicName: String, readQueueNums: Int32 = TopicConfig.defaultQueueNums,
        writeQueueNums: Int32 = TopicConfig.defaultQueueNums, perm: TopicPermission = .readWrite,
        topicFilterType: TopicFilterType = .singleTag, topicSysFlag: Int32 = 0, order: Bool = false,
        attributes: [String: String] = [:]
    ) {
        self.topicName = topicName
        self.readQueueNums = readQueueNums
        self.writeQueueNums = writeQueueNums
        self.perm = perm
        self.topicFilterType = topicFilterType
        self.topicSysFlag = topicSysFlag
        self.order = order
        self.attributes = attributes
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("attributes")
        writer.writeSortedStringMap(attributes)
        writer.field("order", order)
        writer.field("perm", perm.rawValue)
        writer.field("readQueueNums", readQueueNums)
        writer.field("topicFilterType", topicFilterType.rawValue)
        writer.field("topicName", topicName)
        writer.field("topicSysFlag", topicSysFlag)
        writer.field("writeQueueNums", writeQueueNums)
        writer.endObject()
    }

    /// Decodes a TopicConfig object; `topicName` may be absent when the caller knows it from the enclosing map key.
    public init(json: JSONValue) throws(ProtocolDecodingError) {
        try self.init(json: json, topicName: nil)
    }

    init(json: JSONValue, topicName fallbackName: String?) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "TopicConfig")
        guard let name = object.string("topicName") ?? fallbackName else {
            throw ProtocolDecodingError("TopicConfig: missing topicName")
        }
        self.init(
            topicName: name,
            readQueueNums: object.int32("readQueueNums") ?? Self.defaultQueueNums,
            writeQueueNums: object.int32("writeQueueNums") ?? Self.defaultQueueNums,
            perm: object.int32("perm").map(TopicPermission.init(rawValue:)) ?? .readWrite,
            topicFilterType: object.string("topicFilterType").flatMap(TopicFilterType.init(rawValue:)) ?? .singleTag,
            topicSysFlag: object.int32("topicSysFlag") ?? 0,
            order: object.bool("order") ?? false,
            attributes: object.stringMap("attributes"))
    }
}
