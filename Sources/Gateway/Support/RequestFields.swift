import Core

/// Strict readers for request bodies. Core's `int64Value` and `boolValue` coerce strings as Java does when reading
/// processor bodies; a REST request must match `openapi/openapi.yaml` instead, so `"5"` is not an integer and `{}`
/// is not a boolean.
extension JSONValue {
    /// The integer a JSON number denotes (`3`, `3.0`, `3e2`), as JSON Schema's `integer` reads it; nil for strings,
    /// fractions and values outside Int64.
    var exactInteger: Int64? {
        guard case .number(let text) = self else { return nil }
        if let value = Int64(text) { return value }
        guard let double = Double(text), double.isFinite, double.rounded() == double else { return nil }
        return Int64(exactly: double)
    }

    /// The value of a JSON `true` or `false`; nil for anything else.
    var exactBool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

enum RequestFields {
    /// An optional boolean member: `defaultValue` when absent, `invalid_parameter` when not a boolean.
    static func bool(_ body: JSONValue, _ name: String, default defaultValue: Bool) throws(GatewayProblem) -> Bool {
        guard let value = body[name] else { return defaultValue }
        guard let flag = value.exactBool else { throw GatewayProblem(.invalidParameter, "\(name) is true or false") }
        return flag
    }

    /// A required integer member within `range`.
    static func integer(_ body: JSONValue, _ name: String, range: ClosedRange<Int64>) throws(GatewayProblem)
        -> Int64 {
        guard let number = body[name]?.exactInteger, range.contains(number) else {
            throw GatewayProblem(.invalidParameter, "\(name) is an integer in \(range)")
        }
        return number
    }

    /// An optional integer member within `range`, `defaultValue` when absent.
    static func integer(_ body: JSONValue, _ name: String, default defaultValue: Int64, range: ClosedRange<Int64>)
        throws(GatewayProblem) -> Int64 {
        guard body[name] != nil else { return defaultValue }
        return try integer(body, name, range: range)
    }

    /// Text stored in a message property: the properties string separates names and values with U+0001 and
    /// entries with U+0002, so those two characters would corrupt it.
    static func propertyText(_ text: String, _ what: String) throws(GatewayProblem) -> String {
        guard !text.unicodeScalars.contains(where: { $0 == "\u{1}" || $0 == "\u{2}" }) else {
            throw GatewayProblem(.invalidParameter, "\(what) cannot contain U+0001 or U+0002")
        }
        return text
    }
}
