/// Typed reads of a request's `extFields` through remoting's accessors (`RemotingCommand+Header`), accepting several
/// names per field so one decoder serves SEND_MESSAGE's long names and SEND_MESSAGE_V2's one-letter names.
///
/// The first name with a non-empty value wins; errors name the first (canonical) name when the field is missing.
struct BrokerHeaderFields: Sendable {
    let request: RemotingCommand

    init(_ request: RemotingCommand) {
        self.request = request
    }

    func optionalString(_ names: String...) -> String? {
        key(names).flatMap(request.string)
    }

    func string(_ names: String...) throws(BrokerRequestError) -> String {
        guard let key = key(names), let value = request.string(key) else {
            throw BrokerRequestError(HeaderError(kind: .missing, field: names[0]))
        }
        return value
    }

    func int32(_ names: String...) throws(BrokerRequestError) -> Int32 {
        guard let value = try optionalInt32(names) else {
            throw BrokerRequestError(HeaderError(kind: .missing, field: names[0]))
        }
        return value
    }

    func int64(_ names: String...) throws(BrokerRequestError) -> Int64 {
        guard let value = try optionalInt64(names) else {
            throw BrokerRequestError(HeaderError(kind: .missing, field: names[0]))
        }
        return value
    }

    func optionalInt32(_ names: String...) throws(BrokerRequestError) -> Int32? {
        try optionalInt32(names)
    }

    func optionalInt64(_ names: String...) throws(BrokerRequestError) -> Int64? {
        try optionalInt64(names)
    }

    /// `true` (any case) or `1` is true (C++ sends `"1"`), anything else false; nil when absent.
    func optionalBool(_ names: String...) -> Bool? {
        key(names).flatMap(request.optionalBool)
    }

    private func optionalInt32(_ names: [String]) throws(BrokerRequestError) -> Int32? {
        guard let key = key(names) else { return nil }
        do { return try request.optionalInt32(key) } catch { throw Self.renamed(error, to: names[0]) }
    }

    private func optionalInt64(_ names: [String]) throws(BrokerRequestError) -> Int64? {
        guard let key = key(names) else { return nil }
        do { return try request.optionalInt64(key) } catch { throw Self.renamed(error, to: names[0]) }
    }

    /// Names the canonical (long) field in the remark even when the short V2 key carried the bad value.
    private static func renamed(_ error: HeaderError, to name: String) -> BrokerRequestError {
        BrokerRequestError(HeaderError(kind: error.kind, field: name, value: error.value))
    }

    private func key(_ names: [String]) -> String? {
        names.first { request.string($0) != nil }
    }
}
