import ArgumentParser
import Core
import Foundation
import NIOCore
import Synchronization
import NIOPosix

/// `tern bench pop`: pops through the HTTP gateway (`POST /v1/topics/{topic}/pop`) and acks each pop's messages
/// with one batch ack (`POST /v1/ack` with `receiptHandles`), on several keep-alive connections.
struct BenchPopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pop", abstract: "HTTP pop + batch ack load: acked msgs/s every second, then a summary.")

    @Option(name: .long, help: "Gateway host:port.")
    var http: String = "127.0.0.1:8080"

    @Option(name: .long, help: "Topic.")
    var topic: String = "TernBench"

    @Option(name: .long, help: "Consumer group.")
    var group: String = "benchmark_pop"

    @Option(name: .customLong("max-count"), help: "maxCount of each pop (1...32).")
    var maxCount: Int = 32

    @Option(name: .long, help: "Keep-alive connections, each popping then acking in turn.")
    var connections: Int = 8

    @Option(name: .long, help: "Stop after this many seconds.")
    var seconds: Int?

    @Option(name: .long, help: "Stop after this many acked messages.")
    var count: Int?

    @Flag(name: .long, help: "Keep popping when a pop returns nothing (until --seconds or --count).")
    var follow = false

    func validate() throws {
        guard (1...32).contains(maxCount), connections > 0 else {
            throw ValidationError("--max-count must be 1...32 and --connections > 0")
        }
    }

    func run() async throws {
        let (host, port) = try NetworkAddress.split(http)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(connections, System.coreCount))
        var clients: [BenchHTTPConnection] = []
        do {
            for _ in 0..<connections {
                clients.append(try await BenchHTTPConnection.connect(host: host, port: port, group: group))
            }
            BenchOutput.line("pop: gateway \(http), topic \(topic), group \(self.group), maxCount \(maxCount), "
                             + "\(connections) connections")
            let stats = BenchStats(shards: connections)
            let engine = PopEngine(
                clients: clients, stats: stats,
                popPath: "/v1/topics/\(topic)/pop?group=\(self.group)&maxCount=\(maxCount)&invisibleTimeMs=60000",
                follow: follow, limit: count,
                deadline: seconds.map { BenchClock.now() + UInt64($0) * 1_000_000_000 })
            engine.start()
            await BenchReporter.run(stats, line: Self.line, summary: Self.summary)
        } catch {
            for client in clients { await client.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        for client in clients { await client.close() }
        try? await group.shutdownGracefully()
    }

    static func line(_ interval: BenchInterval, _ seconds: Double, _ tick: Int) -> String {
        "[\(tick)s] Pop+ack TPS: \(Int(Double(interval.messages) / seconds)) msgs/s | "
            + "requests/s: \(Int(Double(interval.requests) / seconds)) | "
            + "Avg RT(ms): \(milliseconds(interval.latency.mean)) | "
            + "p99 RT(ms): \(milliseconds(interval.latency.percentile(0.99))) | Failed: \(interval.failures)"
    }

    static func summary(_ total: BenchInterval, _ seconds: Double) -> String {
        "[summary] \(total.messages) msgs popped and acked in \(String(format: "%.2f", seconds)) s | "
            + "Pop+ack TPS: \(Int(Double(total.messages) / seconds)) msgs/s | HTTP requests: \(total.requests) | "
            + "p99 RT(ms): \(milliseconds(total.latency.percentile(0.99))) | Failed: \(total.failures)"
    }
}

/// One loop per connection: pop, then ack every receipt handle of that pop in one request.
final class PopEngine: Sendable {
    private let clients: [BenchHTTPConnection]
    private let stats: BenchStats
    private let popPath: String
    private let follow: Bool
    private let limit: Int?
    private let deadline: UInt64?
    private let acknowledged = Atomic<Int>(0)

    init(clients: [BenchHTTPConnection], stats: BenchStats, popPath: String, follow: Bool, limit: Int?,
         deadline: UInt64?) {
        self.clients = clients
        self.stats = stats
        self.popPath = popPath
        self.follow = follow
        self.limit = limit
        self.deadline = deadline
    }

    func start() {
        for _ in clients.indices { stats.loopStarted() }
        for index in clients.indices { clients[index].channel.eventLoop.execute { self.pop(index) } }
    }

    private func pop(_ index: Int) {
        if let deadline, BenchClock.now() >= deadline { return stats.loopEnded() }
        if let limit, acknowledged.load(ordering: .relaxed) >= limit { return stats.loopEnded() }
        let client = clients[index]
        let started = BenchClock.now()
        client.request("POST", popPath).whenComplete { result in
            self.record(index, started)
            guard case .success(let response) = result, response.status == 200,
                  let handles = Self.receiptHandles(response.body) else {
                self.stats.record(shard: index) { $0.failures += 1 }
                return self.stats.loopEnded()
            }
            guard !handles.isEmpty else {
                guard self.follow else { return self.stats.loopEnded() }
                client.channel.eventLoop.scheduleTask(in: .milliseconds(5)) { self.pop(index) }
                return
            }
            self.ack(index, handles)
        }
    }

    private func ack(_ index: Int, _ handles: [String]) {
        let client = clients[index]
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("receiptHandles")
        writer.beginArray()
        for handle in handles { writer.string(handle) }
        writer.endArray()
        writer.endObject()
        let body = writer.withBytes { ByteBuffer(bytes: $0) }
        let started = BenchClock.now()
        client.request("POST", "/v1/ack", json: body).whenComplete { result in
            self.record(index, started)
            guard case .success(let response) = result, response.status == 200 else {
                self.stats.record(shard: index) { $0.failures += handles.count }
                return self.stats.loopEnded()
            }
            self.stats.record(shard: index) { $0.messages += handles.count }
            self.acknowledged.wrappingAdd(handles.count, ordering: .relaxed)
            self.pop(index)
        }
    }

    private func record(_ index: Int, _ started: UInt64) {
        let micros = (BenchClock.now() - started) / 1000
        stats.record(shard: index) { interval in
            interval.requests += 1
            interval.latency.record(microseconds: micros)
        }
    }

    /// Every `receiptHandle` of a pop answer, as a client that acks them must collect them: yajl checks the whole
    /// document, but no tree and no body strings are built.
    static func receiptHandles(_ body: ByteBuffer) -> [String]? {
        body.withUnsafeReadableBytes { try? JSONMemberStrings.values(named: "receiptHandle", in: $0) }
    }
}
