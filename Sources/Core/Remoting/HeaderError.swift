/// A custom-header field (`extFields` entry) that is missing or unparsable.
///
/// Processors answer it with ``response(to:)``: `SYSTEM_ERROR` and a remark worded like RocketMQ's
/// (`the custom field <x> is null`), which is what a Java broker sends when `decodeCommandCustomHeader` fails.
public struct HeaderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the field.
    public struct Kind: Hashable, Sendable {
        private enum Value: Hashable, Sendable { case missing, invalid }
        private let value: Value
        /// The field is absent (or empty, which the binary header cannot tell apart).
        public static let missing = Kind(value: .missing)
        /// The field is present but is not a valid value of the requested type.
        public static let invalid = Kind(value: .invalid)
    }

    public var kind: Kind
    /// The extFields key.
    public var field: String
    /// The offending text, for `.invalid`.
    public var value: String?

    public init(kind: Kind, field: String, value: String? = nil) {
        self.kind = kind
        self.field = field
        self.value = value
    }

    /// The wire code processors answer with.
    public var responseCode: ResponseCode { .systemError }

    /// The remark processors answer with.
    public var remark: String {
        if kind == .missing { return "the custom field <\(field)> is null" }
        return "invalid value for <\(field)>: \"\(value ?? "")\""
    }

    public var description: String { remark }

    /// The error response to `request`: ``responseCode`` with ``remark``, same opaque.
    public func response(to request: RemotingCommand) -> RemotingCommand {
        request.response(responseCode, remark: remark)
    }
}
