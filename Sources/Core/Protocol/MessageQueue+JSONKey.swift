/// MessageQueue-keyed JSON maps (`offsetTable` of TopicStatsTable, ConsumeStats and ResetOffsetBody).
///
/// fastjson writes a `Map<MessageQueue, X>` with the queue's JSON object as a bare key, which is not JSON. Tern writes
/// the queue's compact JSON as a quoted string key instead (`{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"t\"}":…}`),
/// which Java's fastjson parses back into a `MessageQueue` (spec §3.0 item 5, §3.7).
extension MessageQueue {
    /// The compact JSON text of the queue, used as a map key.
    public var jsonKey: String {
        let writer = JSONWriter()
        write(to: writer)
        return writer.string()
    }

    /// Parses a map key written by ``jsonKey``; nil when it is not a MessageQueue object.
    public init?(jsonKey: String) {
        guard let json = try? JSONParser.parse(jsonKey) else { return nil }
        self.init(json: json)
    }
}

extension JSONWriter {
    /// Writes `{"<queue json>": value, …}` with entries ordered by topic, broker name, then queue id.
    func writeMessageQueueMap<Value>(_ map: [MessageQueue: Value], value write: (Value) -> Void) {
        beginObject()
        for queue in map.keys.sorted(by: MessageQueue.precedes) {
            guard let value = map[queue] else { continue }
            key(queue.jsonKey)
            write(value)
        }
        endObject()
    }
}

extension MessageQueue {
    /// Orders queues by topic, broker name, then queue id (stable output for tables and tests).
    public static func precedes(_ lhs: MessageQueue, _ rhs: MessageQueue) -> Bool {
        (lhs.topic, lhs.brokerName, lhs.queueId) < (rhs.topic, rhs.brokerName, rhs.queueId)
    }
}

extension ProtocolJSONObject {
    /// Reads a MessageQueue-keyed object member; entries whose key is not a queue, or whose value `read` rejects, are
    /// skipped as fastjson would fail them individually.
    func messageQueueMap<Value>(_ key: String, value read: (JSONValue) -> Value?) -> [MessageQueue: Value] {
        var result: [MessageQueue: Value] = [:]
        for (name, member) in object(key) ?? [] {
            guard let queue = MessageQueue(jsonKey: name), let value = read(member) else { continue }
            result[queue] = value
        }
        return result
    }
}
