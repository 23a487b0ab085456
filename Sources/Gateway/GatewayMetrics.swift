import Core
import Store
import Synchronization

/// The gateway's own counters, rendered in the Prometheus text format with the composition root's gauges.
final class GatewayMetrics: Sendable {
    private struct Counters {
        /// (route, method, status) → count; label text is built when rendering, not per request.
        var requests: [RequestKey: Int] = [:]
        /// problem code → count.
        var problems: [String: Int] = [:]
        /// (request code, response code) → count.
        var processorCalls: [ProcessorCallKey: Int] = [:]
        var messagesSent = 0
        var messagesReturned = 0
        var requestSecondsSum = 0.0
        var requestCount = 0
        var serverReadings: @Sendable () -> ServerReadings = { ServerReadings() }
    }

    /// What the HTTP server itself counts, read once per scrape.
    struct ServerReadings: Sendable {
        var openConnections = 0
        var inFlightRequests = 0
        var retainedRequests = 0
        var reapedConnections = 0
    }

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
        var labels: String { "route=\"\(route)\",method=\"\(method)\",status=\"\(status)\"" }
    }

    /// The raw codes: their names are looked up when rendering, not hashed as strings on every request.
    private struct ProcessorCallKey: Hashable {
        var request: RequestCode
        var response: ResponseCode
        var labels: String { "request=\"\(request.description)\",response=\"\(response.description)\"" }
    }

    /// Taken three times per request by every libmicrohttpd thread: an adaptive lock, not a `Mutex`, so contention
    /// spins instead of entering the kernel.
    private let counters = AdaptiveLock(Counters())

    /// Reads the server's own counts when metrics are rendered (set once, by `Gateway`).
    var serverReadings: @Sendable () -> ServerReadings {
        get { counters.withLock { $0.serverReadings } }
        set { counters.withLock { $0.serverReadings = newValue } }
    }

    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        counters.withLock { counters in
            counters.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            counters.requestSecondsSum += seconds
            counters.requestCount += 1
        }
    }

    func recordProblem(_ code: GatewayProblem.Code) {
        counters.withLock { $0.problems["code=\"\(code.rawValue)\"", default: 0] += 1 }
    }

    func recordProcessorCall(request: RequestCode, response: ResponseCode) {
        counters.withLock { $0.processorCalls[ProcessorCallKey(request: request, response: response), default: 0] += 1 }
    }

    func recordMessages(sent: Int = 0, returned: Int = 0) {
        counters.withLock { counters in
            counters.messagesSent += sent
            counters.messagesReturned += returned
        }
    }

    /// Prometheus text exposition format 0.0.4.
    func render(gauges: [GatewayGauge]) -> String {
        var text = ""
        let server = counters.withLock { $0.serverReadings }()
        counters.withLock { counters in
            Self.family(&text, "tern_gateway_requests_total", "counter", "HTTP requests answered.",
                        Self.labelled(counters.requests, \.labels))
            Self.family(&text, "tern_gateway_problems_total", "counter", "Problem responses by code.",
                        counters.problems)
            Self.family(&text, "tern_gateway_processor_calls_total", "counter",
                        "Remoting requests run through processors.", Self.labelled(counters.processorCalls, \.labels))
            Self.single(&text, "tern_gateway_messages_sent_total", "counter", "Messages sent over HTTP.",
                        Double(counters.messagesSent))
            Self.single(&text, "tern_gateway_messages_returned_total", "counter",
                        "Messages returned by pull and pop.", Double(counters.messagesReturned))
            Self.single(&text, "tern_gateway_request_duration_seconds_sum", "counter",
                        "Total time spent answering requests.", counters.requestSecondsSum)
            Self.single(&text, "tern_gateway_request_duration_seconds_count", "counter", "Requests timed.",
                        Double(counters.requestCount))
        }
        Self.single(&text, "tern_gateway_open_connections", "gauge", "Open HTTP connections.",
                    Double(server.openConnections))
        Self.single(&text, "tern_gateway_in_flight_requests", "gauge", "Requests not yet answered.",
                    Double(server.inFlightRequests))
        Self.single(&text, "tern_gateway_retained_requests", "gauge",
                    "Requests still held in memory, answered or not; stays near in-flight unless something leaks.",
                    Double(server.retainedRequests))
        Self.single(&text, "tern_gateway_reaped_connections_total", "counter",
                    "Connections closed for a request head not sent in time, or reclaimed idle near the cap.",
                    Double(server.reapedConnections))
        var seen = Set<String>()
        for gauge in gauges {
            if seen.insert(gauge.name).inserted {
                text += "# HELP \(gauge.name) \(gauge.help)\n# TYPE \(gauge.name) gauge\n"
            }
            let labels = gauge.labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            text += labels.isEmpty ? "\(gauge.name) \(Self.number(gauge.value))\n"
                : "\(gauge.name){\(labels)} \(Self.number(gauge.value))\n"
        }
        return text
    }

    private static func labelled<Key>(_ series: [Key: Int], _ labels: (Key) -> String) -> [String: Int] {
        Dictionary(series.map { (labels($0.key), $0.value) }, uniquingKeysWith: +)
    }

    private static func family(_ text: inout String, _ name: String, _ type: String, _ help: String,
                               _ series: [String: Int]) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for (labels, value) in series.sorted(by: { $0.key < $1.key }) { text += "\(name){\(labels)} \(value)\n" }
    }

    private static func single(_ text: inout String, _ name: String, _ type: String, _ help: String,
                               _ value: Double) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(number(value))\n"
    }

    private static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func escape(_ value: String) -> String {
        value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation in this module).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var remainder = Substring(self)
        while let range = remainder.firstRange(of: target) {
            result += remainder[remainder.startIndex..<range.lowerBound]
            result += replacement
            remainder = remainder[range.upperBound...]
        }
        result += remainder
        return result
    }
}
