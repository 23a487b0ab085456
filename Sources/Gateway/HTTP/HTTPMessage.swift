import Store

/// One HTTP request as the gateway's router sees it: the body is complete (streamed in and capped by the server).
struct HTTPRequest: Sendable {
    /// Upper-case method (`GET`, `POST`, ...).
    var method: String
    /// The path without the query string, percent-decoded by libmicrohttpd.
    var path: String
    /// Query parameters in request order; a parameter without `=` has an empty value.
    var query: [(String, String)]
    /// Header fields with lower-cased names, in request order.
    var headers: [(String, String)]
    var body: [UInt8]
    /// `ip:port` of the client.
    var remoteAddress: String
    /// The client's address as a message's BORNHOST; nil when the socket address is neither IPv4 nor IPv6.
    var remoteHost: HostAddress? = nil
    /// A process-unique id, echoed in `X-Request-Id` and in problem documents.
    var requestID: String

    /// The first header named `name` (case-insensitive).
    func header(_ name: String) -> String? {
        let lowered = name.asciiLowercased()
        return headers.first { $0.0 == lowered }?.1
    }

    /// The first query parameter named `name`.
    func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// Every value of query parameter `name`, in order.
    func queryValues(_ name: String) -> [String] { query.filter { $0.0 == name }.map(\.1) }

    /// The media type of the body without parameters, lower-cased (`application/json`).
    var mediaType: String? {
        guard let contentType = header("content-type") else { return nil }
        var type = Substring(contentType).utf8[...]
        if let semicolon = type.firstIndex(of: UInt8(ascii: ";")) { type = type[..<semicolon] }
        while let first = type.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { type.removeFirst() }
        while let last = type.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { type.removeLast() }
        return String(Substring(type)).asciiLowercased()
    }
}

/// An HTTP response; the server adds `Content-Length`, `Date` and `X-Request-Id`.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body is `text` with the given content type.
    static func text(_ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8")
        -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }
}

/// Why the server answered a request itself, before the router saw it.
enum HTTPRejection: Sendable, Equatable {
    /// The body (announced or streamed) exceeds the configured maximum.
    case bodyTooLarge(limit: Int)
    /// More connections are open than the configured maximum.
    case tooManyConnections(limit: Int)
    /// The server is draining for shutdown.
    case shuttingDown
    /// The router did not answer before the request deadline.
    case timedOut
}

/// What the server calls for every complete request. Implementations answer through `responder` exactly once,
/// now or later from any thread; they must not block the calling libmicrohttpd thread.
protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest, responder: HTTPResponder)
    /// The response for a request the server rejects itself.
    func response(for rejection: HTTPRejection, requestID: String) -> HTTPResponse
}

extension String {
    /// `lowercased()` for header names and media types: ASCII only, and no new string when there is nothing to
    /// lower (the common case, paid on every request).
    func asciiLowercased() -> String {
        guard utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return self }
        return String(decoding: utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 },
                      as: UTF8.self)
    }
}
