/// How a consumer group fetches messages, RocketMQ's `ConsumeType`; ordinals are the JSON integers C++ sends.
public enum ConsumeType: Int, Sendable, CaseIterable {
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

    /// Parses the enum name or its ordinal (as fastjson does); nil for anything else.
    public init?(json: JSONValue) {
        if let name = json.stringValue, let match = Self.allCases.first(where: { $0.name == name }) {
            self = match
        } else if let ordinal = json.int64Value, let match = Self(rawValue: Int(truncatingIfNeeded: ordinal)) {
            self = match
        } else {
            return nil
        }
    }
}
