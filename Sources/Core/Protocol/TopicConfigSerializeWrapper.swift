/// A broker's whole topic table with its version: the content of `topics.json` and of the
/// `topicConfigSerializeWrapper` member of a REGISTER_BROKER body (RocketMQ's `TopicConfigSerializeWrapper`).
///
/// JSON: `{"dataVersion":{…},"topicConfigTable":{"TopicTest":{…TopicConfig…}}}` (spec §3.4), topics sorted by name.
/// The 5.x "AndMapping" members (`mappingDataVersion`, `topicQueueMappingInfoMap`, `topicQueueMappingDetailMap`,
/// static topics only) are ignored when decoding and not written.
public struct TopicConfigSerializeWrapper: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// Topic name → configuration.
    public var topicConfigTable: [String: TopicConfig]
    public var dataVersion: DataVersion

    public init(topicConfigTable: [String: TopicConfig] = [:], dataVersion: DataVersion = DataVersion()) {
        self.topicConfigTable = topicConfigTable
        self.dataVersion = dataVersion
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("dataVersion")
        dataVersion.write(to: writer)
        writer.key("topicConfigTable")
        writer.beginObject()
        for name in topicConfigTable.keys.sorted() {
            guard let config = topicConfigTable[name] else { continue }
            writer.key(name)
            config.write(to: writer)
        }
        writer.endObject()
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "TopicConfigSerializeWrapper")
        var table: [String: TopicConfig] = [:]
        for (name, value) in object.object("topicConfigTable") ?? [] {
            let config = try TopicConfig(json: value, topicName: name)
            table[config.topicName] = config
        }
        var version = DataVersion()
        if let value = object["dataVersion"] { version = try DataVersion(json: value) }
        self.init(topicConfigTable: table, dataVersion: version)
    }
}
