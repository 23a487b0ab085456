public import Core

/// A failure the gateway reports as `application/problem+json` (RFC 9457), with a stable machine-readable `code`.
///
/// Codes, statuses and numbers come from `GatewayErrorCatalog`; `detail` says what was wrong with this request.
public struct GatewayProblem: Error, Sendable, CustomStringConvertible {
    /// A stable failure code (`topic_not_found`, `body_too_large`, ...); new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        /// HTTP status of this failure.
        public let status: Int
        /// Stable gateway error number, unique per code.
        public let number: Int
        /// Short summary that does not change between occurrences.
        public let title: String

        public var description: String { rawValue }
        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    public var code: Code
    public var detail: String
    /// Seconds for a `Retry-After` header (503s).
    public var retryAfterSeconds: Int?
    /// The remoting response code behind the failure, if a processor answered.
    public var responseCode: ResponseCode?

    public init(_ code: Code, _ detail: String, retryAfterSeconds: Int? = nil, responseCode: ResponseCode? = nil) {
        self.code = code
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds ?? (code.status == 503 ? 1 : nil)
        self.responseCode = responseCode
    }

    public var status: Int { code.status }
    public var description: String { "\(code.rawValue): \(detail)" }

    /// The problem document.
    func response(requestID: String) -> HTTPResponse {
        let writer = JSONWriter()
        writer.beginObject()
        writer.field("type", "urn:tern:problem:\(code.rawValue)")
        writer.field("title", code.title)
        writer.field("status", code.status)
        writer.field("detail", detail)
        writer.field("code", code.rawValue)
        writer.field("errorNumber", code.number)
        writer.field("requestId", requestID)
        if let responseCode {
            writer.field("remotingCode", Int(responseCode.rawValue))
            writer.field("remotingCodeName", responseCode.description)
        }
        writer.endObject()
        var headers = [("Content-Type", "application/problem+json")]
        if let retryAfterSeconds { headers.append(("Retry-After", String(retryAfterSeconds))) }
        return HTTPResponse(status: code.status, headers: headers, body: writer.bytes())
    }
}
