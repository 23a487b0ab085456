/// A request the broker refuses: the response code and the remark to send back.
///
/// Stays inside Core's broker processors, which turn it into a response with `RemotingCommand.response`.
struct BrokerRequestError: Error, Sendable {
    var code: ResponseCode
    var remark: String

    init(_ code: ResponseCode, _ remark: String) {
        self.code = code
        self.remark = remark
    }

    /// The code for a missing or unparsable header field. Java's decoder throws `RemotingCommandException`, which
    /// the remoting layer answers with SYSTEM_ERROR, so clients already handle this code for bad headers.
    static let headerErrorCode = ResponseCode.systemError

    /// A mandatory header field is absent (Java: "the custom field <x> is null").
    static func missingField(_ name: String) -> BrokerRequestError {
        BrokerRequestError(headerErrorCode, "the custom field \(name) is null")
    }

    /// A header field is present but not of its type.
    static func invalidField(_ name: String, _ value: String, expected: String) -> BrokerRequestError {
        BrokerRequestError(headerErrorCode, "the custom field \(name) is not \(expected): \(value)")
    }
}
