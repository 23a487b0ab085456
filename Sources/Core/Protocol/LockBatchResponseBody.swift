public import NIOCore

/// The body of a LOCK_BATCH_MQ response, RocketMQ's `LockBatchResponseBody`: `{"lockOKMQSet":[MessageQueue,...]}`.
public struct LockBatchResponseBody: Sendable {
    /// The requested queues this client now holds.
    public var lockedQueues: [MessageQueue]

    public init(lockedQueues: [MessageQueue]) {
        self.lockedQueues = lockedQueues
    }

    public func encode() -> ByteBuffer {
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("lockOKMQSet")
        writer.beginArray()
        for queue in lockedQueues { queue.write(to: writer) }
        writer.endArray()
        writer.endObject()
        return ByteBuffer(bytes: writer.bytes())
    }

    /// Parses a response body (for tests and tools); nil when it is not the expected JSON.
    public static func decode(_ body: ByteBuffer) -> LockBatchResponseBody? {
        guard let json = try? JSONParser.parse(body.readableBytesView),
            let queues = json["lockOKMQSet"]?.arrayValue
        else { return nil }
        return LockBatchResponseBody(lockedQueues: queues.compactMap(MessageQueue.init(json:)))
    }
}
