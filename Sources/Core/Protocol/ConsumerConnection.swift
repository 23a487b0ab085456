/// One client connection of a consumer group, RocketMQ's `Connection`.
public struct ConsumerConnectionEntry: Sendable, Hashable {
    public var clientId: String
    public var clientAddr: String
    public var language: LanguageCode
    public var version: Int32

    public init(clientId: String, clientAddr: String, language: LanguageCode, version: Int32) {
        self.clientId = clientId
        self.clientAddr = clientAddr
        self.language = language
        self.version = version
    }
}

/// The GET_CONSUMER_CONNECTION_LIST (203) body, RocketMQ's `ConsumerConnection` (spec §3.7).
///
/// JSON: `{"connectionSet":[{"clientAddr":…,"clientId":…,"language":"JAVA","version":479}],
/// "consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",
/// "subscriptionTable":{"topic":{…SubscriptionData…}}}`; connections sorted by client id, topics by name.
public struct ConsumerConnection: Sendable, Equatable, JSONBodyEncodable, JSONBodyDecodable {
    public var connectionSet: [ConsumerConnectionEntry]
    public var subscriptionTable: [String: SubscriptionData]
    public var consumeType: ConsumeType
    public var messageModel: MessageModel
    public var consumeFromWhere: ConsumeFromWhere

    public init(
        connectionSet: [ConsumerConnectionEntry], subscriptionTable: [String: SubscriptionData],
        consumeType: ConsumeType, messageModel: MessageModel, consumeFromWhere: ConsumeFromWhere
    ) {
        self.connectionSet = connectionSet
        self.subscriptionTable = subscriptionTable
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
    }

    /// The connections and subscriptions of a live group.
    public init(group: ConsumerGroupInfo) {
        let entries = group.channels.values.map {
            ConsumerConnectionEntry(
                clientId: $0.clientId, clientAddr: $0.remoteAddress, language: $0.language, version: $0.version)
        }
        self.init(
            connectionSet: entries.sorted { ($0.clientId, $0.clientAddr) < ($1.clientId, $1.clientAddr) },
            subscriptionTable: group.subscriptions, consumeType: group.consumeType, messageModel: group.messageModel,
            consumeFromWhere: group.consumeFromWhere)
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("connectionSet")
        writer.beginArray()
        for entry in connectionSet {
            writer.beginObject()
            writer.field("clientAddr", entry.clientAddr)
            writer.field("clientId", entry.clientId)
            writer.field("language", entry.language.description)
            writer.field("version", entry.version)
            writer.endObject()
        }
        writer.endArray()
        writer.field("consumeFromWhere", consumeFromWhere.name)
        writer.field("consumeType", consumeType.name)
        writer.field("messageModel", messageModel.name)
        writer.key("subscriptionTable")
        writer.beginObject()
        for topic in subscriptionTable.keys.sorted() {
            guard let subscription = subscriptionTable[topic] else { continue }
            writer.key(topic)
            subscription.write(to: writer)
        }
        writer.endObject()
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "ConsumerConnection")
        let entries = (object.array("connectionSet") ?? []).compactMap { item -> ConsumerConnectionEntry? in
            guard let entry = try? ProtocolJSONObject(item, of: "Connection") else { return nil }
            return ConsumerConnectionEntry(
                clientId: entry.string("clientId") ?? "", clientAddr: entry.string("clientAddr") ?? "",
                language: LanguageCode(name: entry.string("language") ?? ""), version: entry.int32("version") ?? 0)
        }
        var table: [String: SubscriptionData] = [:]
        for (topic, value) in object.object("subscriptionTable") ?? [] {
            if let subscription = SubscriptionData(json: value) { table[topic] = subscription }
        }
        self.init(
            connectionSet: entries, subscriptionTable: table,
            consumeType: object["consumeType"].flatMap(ConsumeType.init(json:)) ?? .consumePassively,
            messageModel: object["messageModel"].flatMap(MessageModel.init(json:)) ?? .clustering,
            consumeFromWhere: object["consumeFromWhere"].flatMap(ConsumeFromWhere.init(json:))
                ?? .consumeFromLastOffset)
    }
}
