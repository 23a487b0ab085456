import Core
import Logging

/// One endpoint: method + path template (`/v1/topics/{topic}/messages`) + handler.
///
/// A class: the router walks the whole table on every request, and a struct copy per route would retain each of its
/// strings and closures.
final class Route: Sendable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    enum Handler: Sendable {
        /// Answered on the libmicrohttpd thread (health, metrics, spec): no task, no suspension.
        case immediate(@Sendable (GatewayCall) throws -> HTTPResponse)
        /// Runs in a task; the connection is suspended until it answers.
        case asynchronous(@Sendable (GatewayCall) async throws -> HTTPResponse)
        /// Starts on the libmicrohttpd thread and answers through the callback, once: at once when the work
        /// completes synchronously (no task, no suspension), else from whichever thread finishes it.
        case callback(@Sendable (GatewayCall, _ answer: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void)
                          -> Void)
    }

    let method: String
    let template: String
    let segments: [Segment]
    /// Whether the route answers 503 `not_ready` until the store has recovered.
    let requiresReady: Bool
    let handler: Handler

    init(_ method: String, _ template: String, requiresReady: Bool = true, _ handler: Handler) {
        self.method = method
        self.template = template
        self.requiresReady = requiresReady
        self.handler = handler
        segments = template.split(separator: "/").map { piece in
            piece.hasPrefix("{") && piece.hasSuffix("}")
                ? .parameter(String(piece.dropFirst().dropLast())) : .literal(String(piece))
        }
    }

    /// The path parameters if `pathSegments` fits the template.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        // Literals first: most routes fail there, before any parameter string or dictionary is made.
        for (segment, piece) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal): if literal != piece { return nil }
            case .parameter: if piece.isEmpty { return nil }
            }
        }
        var parameters: [String: String] = [:]
        for (segment, piece) in zip(segments, pathSegments) {
            if case .parameter(let name) = segment { parameters[name] = String(piece) }
        }
        return parameters
    }
}

/// Routes requests to handlers and turns thrown problems into problem+json; the server's `HTTPHandler`.
final class GatewayRouter: HTTPHandler {
    let backend: GatewayBackend
    let routes: [Route]

    init(backend: GatewayBackend) {
        self.backend = backend
        routes = GatewayRoutes.all
    }

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let started = ContinuousClock.now
        let segments = Self.segments(of: request.path)
        var allowed: [String] = []
        var matched: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.match(segments) else { continue }
            if route.method == request.method || (route.method == "GET" && request.method == "HEAD") {
                matched = (route, parameters)
                break
            }
            allowed.append(route.method)
        }
        let metrics = backend.metrics
        // The closures below capture these two strings, not the whole request (a dozen references to retain).
        let method = request.method
        let requestID = request.requestID
        let finish: @Sendable (HTTPResponse, String) -> Void = { response, name in
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            metrics.recordRequest(route: name, method: method, status: response.status, seconds: seconds)
            responder.respond(response)
        }
        // libmicrohttpd has already decoded the path; `httpUnescape` turns %00 into DEL so it reaches this check.
        if request.path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            let problem = GatewayProblem(.invalidParameter,
                                         "the request path contains a control character (%00 to %1F or %7F)")
            finish(problemResponse(problem, requestID: requestID), "unmatched")
            return
        }
        guard let (route, parameters) = matched else {
            let problem = allowed.isEmpty
                ? GatewayProblem(.routeNotFound, "no endpoint serves \(request.path)")
                : GatewayProblem(.methodNotAllowed, "\(request.path) allows \(allowed.joined(separator: ", "))")
            var response = problemResponse(problem, requestID: requestID)
            if !allowed.isEmpty { response.headers.append(("Allow", allowed.joined(separator: ", "))) }
            finish(response, "unmatched")
            return
        }
        if route.requiresReady, !backend.isReady() {
            let problem = GatewayProblem(.notReady, "the store has not finished recovery")
            finish(problemResponse(problem, requestID: requestID), route.template)
            return
        }
        let call = GatewayCall(request: request, parameters: parameters, backend: backend)
        switch route.handler {
        case .immediate(let handler):
            finish(run { try handler(call) }, route.template)
        case .asynchronous(let handler):
            Task {
                let response: HTTPResponse
                do {
                    response = try await handler(call)
                } catch {
                    response = self.errorResponse(error, requestID: requestID)
                }
                finish(response, route.template)
            }
        case .callback(let handler):
            handler(call) { result in
                switch result {
                case .success(let response): finish(response, route.template)
                case .failure(let error): finish(self.errorResponse(error, requestID: requestID), route.template)
                }
            }
        }

        func run(_ body: () throws -> HTTPResponse) -> HTTPResponse {
            do { return try body() } catch { return errorResponse(error, requestID: requestID) }
        }
    }

    /// The `/`-separated pieces of `path` after the leading `/`, without the empty piece a trailing `/` leaves. One
    /// pass over the UTF-8 bytes into one array: splitting by Character would pay grapheme breaking on every byte.
    static func segments(of path: String) -> [Substring] {
        let utf8 = path.utf8
        var segments: [Substring] = []
        segments.reserveCapacity(8)
        var start = utf8.startIndex
        if start < utf8.endIndex, utf8[start] == UInt8(ascii: "/") { start = utf8.index(after: start) }
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                segments.append(Substring(utf8[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start < utf8.endIndex { segments.append(Substring(utf8[start..<utf8.endIndex])) }
        return segments
    }

    func response(for rejection: HTTPRejection, requestID: String) -> HTTPResponse {
        let problem: GatewayProblem
        switch rejection {
        case .bodyTooLarge(let limit):
            problem = GatewayProblem(.bodyTooLarge, "the request body exceeds \(limit) bytes")
        case .tooManyConnections(let limit):
            problem = GatewayProblem(.tooManyConnections, "more than \(limit) connections are open")
        case .shuttingDown:
            problem = GatewayProblem(.shuttingDown, "the gateway is stopping")
        case .timedOut:
            problem = GatewayProblem(.upstreamTimeout, "no answer from the broker in time")
        }
        backend.metrics.recordProblem(problem.code)
        return problem.response(requestID: requestID)
    }

    private func problemResponse(_ problem: GatewayProblem, requestID: String) -> HTTPResponse {
        backend.metrics.recordProblem(problem.code)
        return problem.response(requestID: requestID)
    }

    private func errorResponse(_ error: any Error, requestID: String) -> HTTPResponse {
        if let problem = error as? GatewayProblem {
            if problem.status >= 500 {
                backend.logger.warning("request failed", metadata: [
                    "request.id": "\(requestID)", "gateway.problem": "\(problem)",
                ])
            }
            return problemResponse(problem, requestID: requestID)
        }
        backend.logger.error("unexpected error", metadata: [
            "request.id": "\(requestID)", "error": "\(error)",
        ])
        return problemResponse(GatewayProblem(.brokerError, "internal error (request \(requestID))"),
                               requestID: requestID)
    }
}
