import NIOCore

/// BatchAckMessageRequestBody (remoting-protocol §3.8): `{"acks":[BatchAck...],"brokerName":S}` with short JSON
/// names (`c`, `t`, `r`, `so`, `q`, `rq`, `pt`, `it`, `b`); the long names are accepted as alternates.
struct BatchAckBody: Sendable {
    struct Ack: Sendable {
        var group: String
        var topic: String
        var retryMark: PopRetryMark
        var startOffset: Int64
        var queueId: Int32
        var reviveQueueId: Int32
        var popTime: Int64
        var invisibleTime: Int64
        /// `startOffset + i` for every bit i set in `b` (base64 of Java `BitSet.toByteArray()`, little-endian).
        var ackedOffsets: [Int64]
    }

    var brokerName: String?
    var acks: [Ack]

    init?(_ body: ByteBuffer) {
        guard let json = try? JSONParser.parse(body.readableBytesView), let entries = json["acks"]?.arrayValue
        else { return nil }
        brokerName = json["brokerName"]?.stringValue
        var acks: [Ack] = []
        for entry in entries {
            func field(_ short: String, _ long: String) -> JSONValue? { entry[short] ?? entry[long] }
            guard let group = field("c", "consumerGroup")?.stringValue, let topic = field("t", "topic")?.stringValue,
                  let startOffset = field("so", "startOffset")?.int64Value,
                  let queueId = field("q", "queueId")?.int64Value.flatMap({ Int32(exactly: $0) }),
                  let popTime = field("pt", "popTime")?.int64Value,
                  let bitsText = field("b", "bitSet")?.stringValue, let bits = PopBase64.decode(bitsText)
            else { return nil }
            let mark = field("r", "retry")?.scalarText.flatMap(PopRetryMark.init(rawValue:)) ?? .normal
            var offsets: [Int64] = []
            for (index, byte) in bits.enumerated() {
                for bit in 0..<8 where byte & (1 << bit) != 0 { offsets.append(startOffset + Int64(index * 8 + bit)) }
            }
            acks.append(Ack(
                group: group, topic: topic, retryMark: mark, startOffset: startOffset, queueId: queueId,
                reviveQueueId: Int32(truncatingIfNeeded: field("rq", "reviveQueueId")?.int64Value ?? 0),
                popTime: popTime, invisibleTime: field("it", "invisibleTime")?.int64Value ?? 0,
                ackedOffsets: offsets))
        }
        self.acks = acks
    }
}
