/// One queue's offsets in a GET_TOPIC_STATS_INFO answer, RocketMQ's `TopicOffset`.
public struct TopicOffset: Sendable, Hashable {
    public var minOffset: Int64
    public var maxOffset: Int64
    /// Store time (ms) of the message at `maxOffset - 1`; 0 when the queue is empty.
    public var lastUpdateTimestamp: Int64

    public init(minOffset: Int64, maxOffset: Int64, lastUpdateTimestamp: Int64) {
        self.minOffset = minOffset
        self.maxOffset = maxOffset
        self.lastUpdateTimestamp = lastUpdateTimestamp
    }
}

/// The GET_TOPIC_STATS_INFO (202) body, RocketMQ's `TopicStatsTable`.
///
/// JSON (spec §3.7, with quoted MessageQueue keys): `{"offsetTable":{"{…queue…}":{"lastUpdateTimestamp":…,
/// "maxOffset":100,"minOffset":0}},"topicPutTps":0.0}`.
public struct TopicStatsTable: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var offsetTable: [MessageQueue: TopicOffset]
    public var topicPutTps: Double

    public init(offsetTable: [MessageQueue: TopicOffset] = [:], topicPutTps: Double = 0) {
        self.offsetTable = offsetTable
        self.topicPutTps = topicPutTps
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("offsetTable")
        writer.writeMessageQueueMap(offsetTable) { offset in
            writer.beginObject()
            writer.field("lastUpdateTimestamp", offset.lastUpdateTimestamp)
            writer.field("maxOffset", offset.maxOffset)
            writer.field("minOffset", offset.minOffset)
            writer.endObject()
        }
        writer.key("topicPutTps")
        writer.double(topicPutTps)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "TopicStatsTable")
        let table = object.messageQueueMap("offsetTable") { value -> TopicOffset? in
            guard let member = try? ProtocolJSONObject(value, of: "TopicOffset") else { return nil }
            return TopicOffset(
                minOffset: member.int64("minOffset") ?? 0, maxOffset: member.int64("maxOffset") ?? 0,
                lastUpdateTimestamp: member.int64("lastUpdateTimestamp") ?? 0)
        }
        let tps = object.string("topicPutTps").flatMap(Double.init) ?? 0
        self.init(offsetTable: table, topicPutTps: tps)
    }
}
