/// Every consumer group of a broker: the GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) body and the content of
/// `subscriptionGroup.json`, RocketMQ's `SubscriptionGroupWrapper`.
///
/// JSON: `{"dataVersion":{…},"forbiddenTable":{},"subscriptionGroupTable":{"group":{…SubscriptionGroupConfig…}}}`.
/// The broker writes it with `SubscriptionGroupManager.encode()`; this type reads it (admin tools, tests).
public struct SubscriptionGroupWrapper: Sendable, Equatable, JSONBodyDecodable {
    /// Group name → settings.
    public var subscriptionGroupTable: [String: SubscriptionGroupConfig]
    public var dataVersion: DataVersion

    public init(
        subscriptionGroupTable: [String: SubscriptionGroupConfig] = [:], dataVersion: DataVersion = DataVersion()
    ) {
        self.subscriptionGroupTable = subscriptionGroupTable
        self.dataVersion = dataVersion
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "SubscriptionGroupWrapper")
        var table: [String: SubscriptionGroupConfig] = [:]
        for (name, value) in object.object("subscriptionGroupTable") ?? [] {
            if let config = SubscriptionGroupConfig(json: value) { table[name] = config }
        }
        var version = DataVersion()
        if let value = object["dataVersion"] { version = try DataVersion(json: value) }
        self.init(subscriptionGroupTable: table, dataVersion: version)
    }
}
