/// Where a consumer group starts when the broker has no offset for it, RocketMQ's `ConsumeFromWhere`.
public enum ConsumeFromWhere: Int, Sendable, JavaEnum {
    case consumeFromLastOffset = 0
    case consumeFromLastOffsetAndFromMinWhenBootFirst = 1
    case consumeFromMinOffset = 2
    case consumeFromMaxOffset = 3
    case consumeFromFirstOffset = 4
    case consumeFromTimestamp = 5

    /// The Java enum name.
    public var name: String {
        switch self {
        case .consumeFromLastOffset: "CONSUME_FROM_LAST_OFFSET"
        case .consumeFromLastOffsetAndFromMinWhenBootFirst: "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST"
        case .consumeFromMinOffset: "CONSUME_FROM_MIN_OFFSET"
        case .consumeFromMaxOffset: "CONSUME_FROM_MAX_OFFSET"
        case .consumeFromFirstOffset: "CONSUME_FROM_FIRST_OFFSET"
        case .consumeFromTimestamp: "CONSUME_FROM_TIMESTAMP"
        }
    }
}
