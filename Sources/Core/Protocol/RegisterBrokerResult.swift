import NIOCore

/// What the name server answers a REGISTER_BROKER with (RocketMQ's `RegisterBrokerResult`): for a slave, its
/// master's address and HA address (response header `masterAddr`, `haServerAddr`); and the `ORDER_TOPIC_CONFIG` KV
/// namespace as the body, when that namespace exists.
public struct RegisterBrokerResult: Sendable, Hashable {
    public var haServerAddr: String?
    public var masterAddr: String?
    public var kvTable: KVTable?

    public init(haServerAddr: String? = nil, masterAddr: String? = nil, kvTable: KVTable? = nil) {
        self.haServerAddr = haServerAddr
        self.masterAddr = masterAddr
        self.kvTable = kvTable
    }

    /// The response header (`RegisterBrokerResponseHeader`), null fields omitted.
    public var extFields: [String: String] {
        var fields: [String: String] = [:]
        if let haServerAddr { fields["haServerAddr"] = haServerAddr }
        if let masterAddr { fields["masterAddr"] = masterAddr }
        return fields
    }

    /// Reads a successful REGISTER_BROKER response (broker side).
    /// - Throws: `ProtocolDecodingError` when the body is present but not a KVTable.
    public init(response: RemotingCommand) throws(ProtocolDecodingError) {
        var kvTable: KVTable?
        if let body = response.body, body.readableBytes > 0 { kvTable = try KVTable(jsonBody: body) }
        self.init(
            haServerAddr: response.extFields["haServerAddr"], masterAddr: response.extFields["masterAddr"],
            kvTable: kvTable)
    }
}
