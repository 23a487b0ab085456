/// The custom header of REGISTER_BROKER (RocketMQ's `RegisterBrokerRequestHeader`, spec §2.3).
///
/// Brokers build it with `extFields`; the name server reads it with `init(extFields:)`.
public struct RegisterBrokerRequestHeader: Sendable, Hashable {
    /// extField name of the optional zone (RocketMQ's `MixAll.ZONE_NAME`).
    public static let zoneNameKey = "__ZONE_NAME"

    public var brokerName: String
    /// `ip:port` clients use.
    public var brokerAddr: String
    public var clusterName: String
    /// `ip:haPort`.
    public var haServerAddr: String
    /// 0 = master, ≥ 1 = slave.
    public var brokerId: Int64
    /// Liveness timeout the name server applies; nil = its default (120 s).
    public var heartbeatTimeoutMillis: Int64?
    /// nil for brokers older than 5.0 (the name server then never treats a slave as acting master).
    public var enableActingMaster: Bool?
    /// The body is in the deflate format (unsupported by Tern).
    public var compressed: Bool
    /// `CRC32.rocketMQChecksum` of the body; 0 = not checked.
    public var bodyCrc32: Int32
    public var zoneName: String?

    public init(
        brokerName: String, brokerAddr: String, clusterName: String, haServerAddr: String, brokerId: Int64,
        heartbeatTimeoutMillis: Int64? = nil, enableActingMaster: Bool? = false, compressed: Bool = false,
        bodyCrc32: Int32 = 0, zoneName: String? = nil
    ) {
        self.brokerName = brokerName
        self.brokerAddr = brokerAddr
        self.clusterName = clusterName
        self.haServerAddr = haServerAddr
        self.brokerId = brokerId
        self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
        self.enableActingMaster = enableActingMaster
        self.compressed = compressed
        self.bodyCrc32 = bodyCrc32
        self.zoneName = zoneName
    }

    /// Reads the header from a request's extFields.
    /// - Throws: `ProtocolDecodingError` ("the custom field <x> is null") when a mandatory field is missing or a
    ///   number does not parse.
    public init(extFields: [String: String]) throws(ProtocolDecodingError) {
        let reader = CustomHeaderReader(extFields)
        self.init(
            brokerName: try reader.requiredString("brokerName"),
            brokerAddr: try reader.requiredString("brokerAddr"),
            clusterName: try reader.requiredString("clusterName"),
            haServerAddr: try reader.requiredString("haServerAddr"),
            brokerId: try reader.requiredInt64("brokerId"),
            heartbeatTimeoutMillis: try reader.optionalInt64("heartbeatTimeoutMillis"),
            enableActingMaster: reader.optionalBool("enableActingMaster"),
            compressed: reader.optionalBool("compressed") ?? false,
            bodyCrc32: try reader.optionalInt32("bodyCrc32") ?? 0,
            zoneName: reader.optionalString(Self.zoneNameKey))
    }

    /// The header as extFields, null fields omitted (Java's encoding).
    public var extFields: [String: String] {
        var fields = [
            "brokerName": brokerName, "brokerAddr": brokerAddr, "clusterName": clusterName,
            "haServerAddr": haServerAddr, "brokerId": String(brokerId), "compressed": String(compressed),
            "bodyCrc32": String(bodyCrc32),
        ]
        if let heartbeatTimeoutMillis { fields["heartbeatTimeoutMillis"] = String(heartbeatTimeoutMillis) }
        if let enableActingMaster { fields["enableActingMaster"] = String(enableActingMaster) }
        if let zoneName { fields[Self.zoneNameKey] = zoneName }
        return fields
    }
}
