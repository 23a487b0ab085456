/// One queue's consumption progress in a GET_CONSUME_STATS answer, RocketMQ's `OffsetWrapper`.
public struct OffsetWrapper: Sendable, Hashable {
    /// The queue's max offset (next write position).
    public var brokerOffset: Int64
    /// The group's committed offset (0 when none).
    public var consumerOffset: Int64
    /// Where the group last pulled up to; Tern does not track pulls apart from commits, so it equals
    /// `consumerOffset`.
    public var pullOffset: Int64
    /// Store time (ms) of the last consumed message (`consumerOffset - 1`); 0 when none.
    public var lastTimestamp: Int64

    public init(brokerOffset: Int64, consumerOffset: Int64, pullOffset: Int64, lastTimestamp: Int64) {
        self.brokerOffset = brokerOffset
        self.consumerOffset = consumerOffset
        self.pullOffset = pullOffset
        self.lastTimestamp = lastTimestamp
    }

    /// Messages not yet consumed: `brokerOffset - consumerOffset`, never negative.
    public var lag: Int64 { max(0, brokerOffset - consumerOffset) }
}

/// The GET_CONSUME_STATS (208) body, RocketMQ's `ConsumeStats`.
///
/// JSON (spec §3.7, with quoted MessageQueue keys): `{"consumeTps":0.0,"offsetTable":{"{…queue…}":
/// {"brokerOffset":10,"consumerOffset":7,"lastTimestamp":…,"pullOffset":7}}}`.
public struct ConsumeStats: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var offsetTable: [MessageQueue: OffsetWrapper]
    public var consumeTps: Double

    public init(offsetTable: [MessageQueue: OffsetWrapper] = [:], consumeTps: Double = 0) {
        self.offsetTable = offsetTable
        self.consumeTps = consumeTps
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("consumeTps")
        writer.double(consumeTps)
        writer.key("offsetTable")
        writer.writeMessageQueueMap(offsetTable) { offset in
            writer.beginObject()
            writer.field("brokerOffset", offset.brokerOffset)
            writer.field("consumerOffset", offset.consumerOffset)
            writer.field("lastTimestamp", offset.lastTimestamp)
            writer.field("pullOffset", offset.pullOffset)
            writer.endObject()
        }
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "ConsumeStats")
        let table = object.messageQueueMap("offsetTable") { value -> OffsetWrapper? in
            guard let member = try? ProtocolJSONObject(value, of: "OffsetWrapper") else { return nil }
            return OffsetWrapper(
                brokerOffset: member.int64("brokerOffset") ?? 0, consumerOffset: member.int64("consumerOffset") ?? 0,
                pullOffset: member.int64("pullOffset") ?? 0, lastTimestamp: member.int64("lastTimestamp") ?? 0)
        }
        self.init(offsetTable: table, consumeTps: object.string("consumeTps").flatMap(Double.init) ?? 0)
    }
}
