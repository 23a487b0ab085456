public import NIOCore

/// The body of HEART_BEAT (34), RocketMQ's `HeartbeatData` (remoting-protocol §3.2).
public struct HeartbeatData: Sendable {
    /// `<clientIP>@<instanceName>[@unitName]`.
    public var clientID: String
    public var consumers: [ConsumerData]
    public var producers: [ProducerData]
    /// 5.x heartbeat V2 fingerprint; 0 for classic heartbeats.
    public var heartbeatFingerprint: Int64

    public init(
        clientID: String, consumers: [ConsumerData] = [], producers: [ProducerData] = [],
        heartbeatFingerprint: Int64 = 0
    ) {
        self.clientID = clientID
        self.consumers = consumers
        self.producers = producers
        self.heartbeatFingerprint = heartbeatFingerprint
    }

    /// Reads the JSON object; nil without a `clientID`.
    public init?(json: JSONValue) {
        guard let clientID = json["clientID"]?.stringValue else { return nil }
        self.init(
            clientID: clientID,
            consumers: (json["consumerDataSet"]?.arrayValue ?? []).compactMap(ConsumerData.init(json:)),
            producers: (json["producerDataSet"]?.arrayValue ?? []).compactMap(ProducerData.init(json:)),
            heartbeatFingerprint: json["heartbeatFingerprint"]?.int64Value ?? 0)
    }

    /// Parses a request body.
    /// - Throws: `JSONParseError` for invalid JSON; returns nil for JSON without a `clientID`.
    public static func decode(_ body: ByteBuffer) throws(JSONParseError) -> HeartbeatData? {
        HeartbeatData(json: try JSONParser.parse(body.readableBytesView))
    }
}
