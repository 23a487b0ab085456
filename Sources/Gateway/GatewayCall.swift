import Core

/// One matched request with its path parameters, and the helpers handlers share: validated names, typed query
/// parameters, JSON in and out, and processor calls.
///
/// A class: handlers capture the call in their answer closures, and one reference is cheaper to retain than the
/// request's fields one by one.
final class GatewayCall: Sendable {
    let request: HTTPRequest
    let parameters: [String: String]
    let backend: GatewayBackend

    init(request: HTTPRequest, parameters: [String: String], backend: GatewayBackend) {
        self.request = request
        self.parameters = parameters
        self.backend = backend
    }

    var configuration: GatewayConfiguration { backend.configuration }

    // MARK: Names

    /// The `{topic}` path parameter, checked against RocketMQ's topic rules.
    func topic(_ name: String = "topic") throws(GatewayProblem) -> String {
        try Self.validTopic(parameters[name] ?? "")
    }

    /// The `{group}` path parameter (or a group given elsewhere), checked against RocketMQ's group rules.
    func group(_ name: String = "group") throws(GatewayProblem) -> String {
        try Self.validGroup(parameters[name] ?? "")
    }

    /// RocketMQ's `TopicValidator`: `^[%|a-zA-Z0-9_-]+$`, at most 127 bytes (255 for retry/DLQ topics).
    static func validTopic(_ topic: String) throws(GatewayProblem) -> String {
        let limit = topic.hasPrefix("%RETRY%") || topic.hasPrefix("%DLQ%") ? 255 : 127
        guard !topic.isEmpty, topic.utf8.count <= limit, topic.utf8.allSatisfy(isNameByte) else {
            throw GatewayProblem(.invalidTopicName,
                                 "topic names have 1 to \(limit) characters of [%|a-zA-Z0-9_-], got \"\(topic)\"")
        }
        return topic
    }

    static func validGroup(_ group: String) throws(GatewayProblem) -> String {
        guard !group.isEmpty, group.utf8.count <= 255, group.utf8.allSatisfy(isNameByte) else {
            throw GatewayProblem(.invalidGroupName,
                                 "group names have 1 to 255 characters of [%|a-zA-Z0-9_-], got \"\(group)\"")
        }
        return group
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "%"), UInt8(ascii: "|"), UInt8(ascii: "_"),
             UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    // MARK: Parameters

    /// An integer path parameter.
    func pathInt(_ name: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws(GatewayProblem) -> Int64 {
        guard let text = parameters[name], let value = Int64(text), range.contains(value) else {
            throw GatewayProblem(.invalidParameter, "path parameter \(name) must be an integer in \(range)")
        }
        return value
    }

    /// An integer query parameter, `defaultValue` when absent.
    func queryInt(_ name: String, default defaultValue: Int64? = nil,
                  range: ClosedRange<Int64> = Int64.min...Int64.max) throws(GatewayProblem) -> Int64 {
        guard let text = request.queryValue(name) else {
            if let defaultValue { return defaultValue }
            throw GatewayProblem(.invalidParameter, "query parameter \(name) is required")
        }
        guard let value = Int64(text), range.contains(value) else {
            throw GatewayProblem(.invalidParameter, "query parameter \(name) must be an integer in \(range)")
        }
        return value
    }

    /// A long-poll wait in milliseconds from query parameter `name` (default 0), capped at `maxWait`.
    func waitMillis(_ name: String = "waitMs") throws(GatewayProblem) -> Int64 {
        let wait = try queryInt(name, default: 0, range: 0...Int64.max)
        let limit = configuration.maxWait.components.seconds * 1000
            + configuration.maxWait.components.attoseconds / 1_000_000_000_000_000
        guard wait <= limit else {
            throw GatewayProblem(.waitTooLong, "\(name)=\(wait) exceeds the maximum of \(limit) ms")
        }
        return wait
    }

    // MARK: JSON

    /// The body parsed as JSON.
    func jsonBody() throws(GatewayProblem) -> JSONValue {
        guard !request.body.isEmpty else { throw GatewayProblem(.invalidJSON, "the request needs a JSON body") }
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw GatewayProblem(.invalidJSON, error.description)
        }
    }

    /// The body as a JSON object, or an empty object when the body is empty and `optional`.
    func jsonObject(optional: Bool = false) throws(GatewayProblem) -> JSONValue {
        if optional, request.body.isEmpty { return .object([]) }
        let value = try jsonBody()
        guard case .object = value else { throw GatewayProblem(.invalidJSON, "the body must be a JSON object") }
        return value
    }

    /// A JSON response written by `build`.
    func json(status: Int = 200, _ build: (JSONWriter) throws(GatewayProblem) -> Void) throws(GatewayProblem)
        -> HTTPResponse {
        let writer = JSONWriter()
        try build(writer)
        return HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: writer.bytes())
    }

    // MARK: Processors

    func invoke(_ code: RequestCode, on target: ProcessorTarget = .broker, extFields: [String: String] = [:],
                body: ByteBufferBytes? = nil) async throws(GatewayProblem) -> RemotingCommand {
        try await backend.invoke(code, on: target, extFields: extFields, body: body, from: request)
    }

    func invokeExpectingSuccess(_ code: RequestCode, on target: ProcessorTarget = .broker,
                                extFields: [String: String] = [:], body: ByteBufferBytes? = nil)
        async throws(GatewayProblem) -> RemotingCommand {
        try await backend.invokeExpectingSuccess(code, on: target, extFields: extFields, body: body, from: request)
    }

    /// A processor's JSON body, tolerating fastjson's unquoted numeric and object map keys.
    static func parseBody(_ response: RemotingCommand, of code: RequestCode) throws(GatewayProblem) -> JSONValue {
        let bytes = response.body.readableByteArray
        guard !bytes.isEmpty else { return .object([]) }
        do {
            return try JSONParser.parse(LenientJSON.normalize(bytes))
        } catch {
            throw GatewayProblem(.brokerError, "\(code) answered a body that is not JSON: \(error.message)")
        }
    }
}

extension JSONWriter {
    /// Writes `key` then a whole JSON value.
    func field(_ key: String, value: JSONValue) {
        self.key(key)
        self.value(value)
    }
}
