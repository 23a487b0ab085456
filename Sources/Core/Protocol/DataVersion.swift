/// The version of a broker's topic configuration (RocketMQ's `DataVersion`): brokers bump it on every topic change,
/// and the name server rebuilds a broker's queue data only when the version it registers differs from the stored one.
///
/// JSON: `{"counter":5,"stateVersion":0,"timestamp":1700000000123}` (spec §3.4). Two versions are equal when all three
/// fields are, as in Java.
public struct DataVersion: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    /// Raised by controller-mode role changes; 0 otherwise.
    public var stateVersion: Int64
    /// Wall-clock milliseconds since 1970 of the last change.
    public var timestamp: Int64
    /// Number of changes.
    public var counter: Int64

    public init(stateVersion: Int64 = 0, timestamp: Int64 = 0, counter: Int64 = 0) {
        self.stateVersion = stateVersion
        self.timestamp = timestamp
        self.counter = counter
    }

    /// Records one more change at `timestampMillis` (RocketMQ's `nextVersion()`).
    public mutating func next(timestampMillis: Int64) {
        timestamp = timestampMillis
        counter += 1
    }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.field("counter", counter)
        writer.field("stateVersion", stateVersion)
        writer.field("timestamp", timestamp)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "DataVersion")
        self.init(
            stateVersion: object.int64("stateVersion") ?? 0, timestamp: object.int64("timestamp") ?? 0,
            counter: object.int64("counter") ?? 0)
    }
}
