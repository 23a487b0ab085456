public import NIOCore

/// The body of LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42): RocketMQ's `LockBatchRequestBody` and
/// `UnlockBatchRequestBody`, which share one shape (remoting-protocol §3.6).
public struct LockBatchRequestBody: Sendable {
    public var consumerGroup: String
    public var clientId: String
    public var messageQueues: [MessageQueue]
    public var onlyThisBroker: Bool

    public init(consumerGroup: String, clientId: String, messageQueues: [MessageQueue], onlyThisBroker: Bool = false) {
        self.consumerGroup = consumerGroup
        self.clientId = clientId
        self.messageQueues = messageQueues
        self.onlyThisBroker = onlyThisBroker
    }

    /// Parses a request body; nil when it is not JSON or lacks `consumerGroup` / `clientId`.
    public static func decode(_ body: ByteBuffer) -> LockBatchRequestBody? {
        guard let json = try? JSONParser.parse(body.readableBytesView),
            let group = json["consumerGroup"]?.stringValue, let clientId = json["clientId"]?.stringValue
        else { return nil }
        let queues = (json["mqSet"]?.arrayValue ?? []).compactMap(MessageQueue.init(json:))
        return LockBatchRequestBody(
            consumerGroup: group, clientId: clientId, messageQueues: queues,
            onlyThisBroker: json["onlyThisBroker"]?.boolValue ?? false)
    }

    /// Encodes the body as a client sends it (for tests and tools).
    public func encode() -> ByteBuffer {
        let writer = JSONWriter()
        writer.beginObject()
        writer.field("clientId", clientId)
        writer.field("consumerGroup", consumerGroup)
        writer.key("mqSet")
        writer.beginArray()
        for queue in messageQueues { queue.write(to: writer) }
        writer.endArray()
        writer.field("onlyThisBroker", onlyThisBroker)
        writer.endObject()
        return ByteBuffer(bytes: writer.bytes())
    }
}
