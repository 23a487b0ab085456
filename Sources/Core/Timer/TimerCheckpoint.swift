import Store

/// The timer wheel's restart point, `config/timercheck.json` (Tern's JSON stand-in for RocketMQ's binary
/// `config/timercheck`):
///
/// | key | meaning |
/// |---|---|
/// | `queueOffset` | every `rmq_sys_wheel_timer` message below this queue offset has been delivered |
/// | `scannedOffset` | messages below this offset had entered the wheel when the file was written ... |
/// | `deliveredSecond` | ... and every one of them firing at or before this second (epoch s) had been delivered |
///
/// On restart the wheel is rebuilt from `queueOffset`; a message below `scannedOffset` firing at or before
/// `deliveredSecond` is skipped, every other one is scheduled again (delivered at once if overdue). Delivery is
/// therefore at-least-once: messages delivered after the last write (at most about one second of deliveries, the
/// write interval) are delivered again after a crash; none is lost.
public struct TimerCheckpoint: Sendable, Equatable {
    public static let fileName = "timercheck.json"

    public var queueOffset: Int64
    public var scannedOffset: Int64
    public var deliveredSecond: Int64

    public init(queueOffset: Int64 = 0, scannedOffset: Int64 = 0, deliveredSecond: Int64 = 0) {
        self.queueOffset = queueOffset
        self.scannedOffset = scannedOffset
        self.deliveredSecond = deliveredSecond
    }

    /// Whether the message at `queueOffset` firing in `second` was already delivered before this checkpoint.
    func wasDelivered(queueOffset offset: Int64, second: Int64) -> Bool {
        offset < queueOffset || (offset < scannedOffset && second <= deliveredSecond)
    }

    func encode() -> [UInt8] {
        let writer = JSONWriter()
        writer.beginObject()
        writer.field("queueOffset", queueOffset)
        writer.field("scannedOffset", scannedOffset)
        writer.field("deliveredSecond", deliveredSecond)
        writer.endObject()
        return writer.bytes()
    }

    static func load(_ file: ConfigFile) -> TimerCheckpoint? {
        guard let bytes = file.load(validate: { (try? JSONParser.parse($0)) != nil }),
            let json = try? JSONParser.parse(bytes), let queueOffset = json["queueOffset"]?.int64Value
        else { return nil }
        return TimerCheckpoint(
            queueOffset: queueOffset, scannedOffset: json["scannedOffset"]?.int64Value ?? queueOffset,
            deliveredSecond: json["deliveredSecond"]?.int64Value ?? 0)
    }
}
