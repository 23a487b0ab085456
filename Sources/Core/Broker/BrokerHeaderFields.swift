/// Typed reads of a request's `extFields`, with Java's parsing rules (remoting-protocol §1.5): integers are plain
/// decimal text, booleans are true only for a case-insensitive `true`.
///
/// Each accessor takes one or more names and uses the first present, so one decoder serves SEND_MESSAGE's long
/// names and SEND_MESSAGE_V2's one-letter names. Errors name the first (canonical) field name.
struct BrokerHeaderFields: Sendable {
    let fields: [String: String]

    init(_ request: RemotingCommand) {
        fields = request.extFields
    }

    init(_ fields: [String: String]) {
        self.fields = fields
    }

    /// The first value present under `names`, nil if none.
    func optionalString(_ names: String...) -> String? {
        lookup(names)?.value
    }

    /// The first value present under `names`.
    /// - Throws: `BrokerRequestError.missingField` naming `names[0]`.
    func string(_ names: String...) throws(BrokerRequestError) -> String {
        guard let found = lookup(names) else { throw .missingField(names[0]) }
        return found.value
    }

    func int32(_ names: String...) throws(BrokerRequestError) -> Int32 {
        guard let found = lookup(names) else { throw .missingField(names[0]) }
        guard let value = Int32(found.value) else { throw .invalidField(found.name, found.value, expected: "an int") }
        return value
    }

    func int64(_ names: String...) throws(BrokerRequestError) -> Int64 {
        guard let found = lookup(names) else { throw .missingField(names[0]) }
        guard let value = Int64(found.value) else { throw .invalidField(found.name, found.value, expected: "a long") }
        return value
    }

    func optionalInt32(_ names: String...) throws(BrokerRequestError) -> Int32? {
        guard let found = lookup(names) else { return nil }
        guard let value = Int32(found.value) else { throw .invalidField(found.name, found.value, expected: "an int") }
        return value
    }

    func optionalInt64(_ names: String...) throws(BrokerRequestError) -> Int64? {
        guard let found = lookup(names) else { return nil }
        guard let value = Int64(found.value) else { throw .invalidField(found.name, found.value, expected: "a long") }
        return value
    }

    /// Java's `Boolean.parseBoolean`: nil when absent, else true only for `true` in any case.
    func optionalBool(_ names: String...) -> Bool? {
        lookup(names).map { $0.value.lowercased() == "true" }
    }

    private func lookup(_ names: [String]) -> (name: String, value: String)? {
        for name in names {
            if let value = fields[name] { return (name, value) }
        }
        return nil
    }
}
