/// How a consumer group fetches messages, RocketMQ's `ConsumeType`; ordinals are the JSON integers C++ sends.
public enum ConsumeType: Int, Sendable, JavaEnum {
    /// `CONSUME_ACTIVELY`: pull / lite-pull consumers.
    case consumeActively = 0
    /// `CONSUME_PASSIVELY`: push consumers.
    case consumePassively = 1
    /// `CONSUME_POP`: 5.x pop consumers.
    case consumePop = 2

    /// The Java enum name.
    public var name: String {
        switch self {
        case .consumeActively: "CONSUME_ACTIVELY"
        case .consumePassively: "CONSUME_PASSIVELY"
        case .consumePop: "CONSUME_POP"
        }
    }
}
