/// Typed access to a request's `extFields` with the Java decoder's rules (spec §1.5): integers in decimal, booleans
/// true only for a case-insensitive `true`, and a missing mandatory field is an error whose text matches Java's.
struct CustomHeaderReader {
    let fields: [String: String]

    init(_ fields: [String: String]) { self.fields = fields }

    func requiredString(_ key: String) throws(ProtocolDecodingError) -> String {
        guard let value = fields[key] else { throw ProtocolDecodingError("the custom field <\(key)> is null") }
        return value
    }

    func requiredInt64(_ key: String) throws(ProtocolDecodingError) -> Int64 {
        guard let value = try optionalInt64(key) else {
            throw ProtocolDecodingError("the custom field <\(key)> is null")
        }
        return value
    }

    func optionalString(_ key: String) -> String? { fields[key] }

    func optionalInt64(_ key: String) throws(ProtocolDecodingError) -> Int64? {
        guard let text = fields[key] else { return nil }
        guard let value = Int64(text) else { throw ProtocolDecodingError("the custom field <\(key)> is invalid") }
        return value
    }

    func optionalInt32(_ key: String) throws(ProtocolDecodingError) -> Int32? {
        guard let value = try optionalInt64(key) else { return nil }
        guard let narrowed = Int32(exactly: value) else {
            throw ProtocolDecodingError("the custom field <\(key)> is invalid")
        }
        return narrowed
    }

    /// Java's `Boolean.parseBoolean`: only a case-insensitive `true` is true.
    func optionalBool(_ key: String) -> Bool? { fields[key].map { $0.lowercased() == "true" } }
}
