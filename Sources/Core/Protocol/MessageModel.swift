/// Whether a consumer group shares (clustering) or copies (broadcasting) the messages, RocketMQ's `MessageModel`.
public enum MessageModel: Int, Sendable, CaseIterable {
    case broadcasting = 0
    case clustering = 1

    /// The Java enum name.
    public var name: String {
        switch self {
        case .broadcasting: "BROADCASTING"
        case .clustering: "CLUSTERING"
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
