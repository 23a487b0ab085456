/// A RocketMQ Java enum carried in JSON bodies: fastjson writes its name, the C++ client its ordinal.
public protocol JavaEnum: RawRepresentable<Int>, CaseIterable {
    /// The Java constant name.
    var name: String { get }
}

extension JavaEnum {
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
