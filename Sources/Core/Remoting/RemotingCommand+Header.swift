/// Typed access to the custom header (`extFields`), parsed the way Java's `decodeCommandCustomHeader` does.
///
/// Required fields throw ``HeaderError`` when missing (`.missing`) or unparsable (`.invalid`); the `default:` and
/// `optional…` variants treat a missing field as absent but still reject garbage. Integers accept what
/// `Integer.parseInt` / `Long.parseLong` accept (an optional sign, decimal digits). An empty value counts as
/// missing, because the binary header cannot tell the two apart.
///
/// ```swift
/// do {
///     let topic = try request.requiredString("topic")
///     let queueId = try request.int32("queueId")
///     let sysFlag = try request.int32("sysFlag", default: 0)
///     let batch = request.bool("batch", default: false)
/// } catch {
///     context.respond(error.response(to: request))
/// }
/// ```
extension RemotingCommand {
    /// The field's text, or nil when it is missing or empty.
    public func string(_ key: String) -> String? {
        guard let value = extFields[key], !value.isEmpty else { return nil }
        return value
    }

    /// The field's text.
    /// - Throws: ``HeaderError`` `.missing` when absent or empty.
    public func requiredString(_ key: String) throws(HeaderError) -> String {
        guard let value = string(key) else { throw HeaderError(kind: .missing, field: key) }
        return value
    }

    /// The field as a 32-bit integer.
    /// - Throws: ``HeaderError`` `.missing` or `.invalid`.
    public func int32(_ key: String) throws(HeaderError) -> Int32 {
        guard let value = try optionalInt32(key) else { throw HeaderError(kind: .missing, field: key) }
        return value
    }

    /// The field as a 32-bit integer, or `defaultValue` when missing.
    /// - Throws: ``HeaderError`` `.invalid` when present but not an integer.
    public func int32(_ key: String, default defaultValue: Int32) throws(HeaderError) -> Int32 {
        try optionalInt32(key) ?? defaultValue
    }

    /// The field as a 32-bit integer, or nil when missing.
    /// - Throws: ``HeaderError`` `.invalid` when present but not an integer.
    public func optionalInt32(_ key: String) throws(HeaderError) -> Int32? {
        guard let text = string(key) else { return nil }
        guard let value = Int32(text) else { throw HeaderError(kind: .invalid, field: key, value: text) }
        return value
    }

    /// The field as a 64-bit integer.
    /// - Throws: ``HeaderError`` `.missing` or `.invalid`.
    public func int64(_ key: String) throws(HeaderError) -> Int64 {
        guard let value = try optionalInt64(key) else { throw HeaderError(kind: .missing, field: key) }
        return value
    }

    /// The field as a 64-bit integer, or `defaultValue` when missing.
    /// - Throws: ``HeaderError`` `.invalid` when present but not an integer.
    public func int64(_ key: String, default defaultValue: Int64) throws(HeaderError) -> Int64 {
        try optionalInt64(key) ?? defaultValue
    }

    /// The field as a 64-bit integer, or nil when missing.
    /// - Throws: ``HeaderError`` `.invalid` when present but not an integer.
    public func optionalInt64(_ key: String) throws(HeaderError) -> Int64? {
        guard let text = string(key) else { return nil }
        guard let value = Int64(text) else { throw HeaderError(kind: .invalid, field: key, value: text) }
        return value
    }

    /// The field as a boolean: `true` (any case) or `1` is true, anything else false. Java's
    /// `Boolean.parseBoolean` rejects `1`, but the C++ client sends `batch` and `unitMode` as `"1"`/`"0"`.
    /// - Throws: ``HeaderError`` `.missing` when absent or empty.
    public func bool(_ key: String) throws(HeaderError) -> Bool {
        guard let value = optionalBool(key) else { throw HeaderError(kind: .missing, field: key) }
        return value
    }

    /// The field as a boolean (see ``bool(_:)``), or `defaultValue` when missing.
    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        optionalBool(key) ?? defaultValue
    }

    /// The field as a boolean (see ``bool(_:)``), or nil when missing.
    public func optionalBool(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        return text == "1" || text.lowercased() == "true"
    }
}
