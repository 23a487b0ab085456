public import NIOCore

/// The body of a GET_CONSUMER_LIST_BY_GROUP response, RocketMQ's `GetConsumerListByGroupResponseBody`:
/// `{"consumerIdList":["<clientId>",...]}`.
public struct ConsumerListBody: Sendable, Equatable {
    public var consumerIdList: [String]

    public init(consumerIdList: [String]) {
        self.consumerIdList = consumerIdList
    }

    public func encode() -> ByteBuffer {
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("consumerIdList")
        writer.beginArray()
        for id in consumerIdList { writer.string(id) }
        writer.endArray()
        writer.endObject()
        return ByteBuffer(bytes: writer.bytes())
    }

    /// Parses a response body (for tests and tools); nil when it is not the expected JSON.
    public static func decode(_ body: ByteBuffer) -> ConsumerListBody? {
        guard let json = try? JSONParser.parse(body.readableBytesView),
            let ids = json["consumerIdList"]?.arrayValue
        else { return nil }
        return ConsumerListBody(consumerIdList: ids.compactMap(\.stringValue))
    }
}
