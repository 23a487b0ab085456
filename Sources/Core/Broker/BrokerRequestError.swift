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

    /// A missing or unparsable header field, answered like remoting's `HeaderError` (SYSTEM_ERROR, Java's wording).
    init(_ error: HeaderError) {
        self.init(error.responseCode, error.remark)
    }

    /// The error response to `request`.
    func response(to request: RemotingCommand) -> RemotingCommand {
        request.response(code, remark: remark)
    }
}
