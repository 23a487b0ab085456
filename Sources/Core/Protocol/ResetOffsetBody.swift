/// New offsets per queue: the INVOKE_BROKER_TO_RESET_OFFSET (222) response body and the RESET_CONSUMER_CLIENT_OFFSET
/// (220) request body the broker sends to each consumer of the group, RocketMQ's `ResetOffsetBody`.
///
/// JSON (quoted MessageQueue keys, see `MessageQueue.jsonKey`): `{"offsetTable":{"{…queue…}":42}}`.
public struct ResetOffsetBody: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var offsetTable: [MessageQueue: Int64]

    public init(offsetTable: [MessageQueue: Int64] = [:]) {
        self.offsetTable = offsetTable
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("offsetTable")
        writer.writeMessageQueueMap(offsetTable) { writer.int($0) }
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "ResetOffsetBody")
        self.init(offsetTable: object.messageQueueMap("offsetTable") { $0.int64Value })
    }
}
