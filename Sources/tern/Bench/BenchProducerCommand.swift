import ArgumentParser
import Core
import Foundation
import NIOCore
import Store
import Synchronization

/// `tern bench producer`: RocketMQ-benchmark-style send load over the remoting protocol.
struct BenchProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Send load: TPS, average, max and p99 RT every second, then a summary.")

    enum Mode: String, EnumerableFlag {
        /// One request in flight per thread.
        case sync
        /// `--inflight` requests in flight per thread, each answered (no oneway).
        case async
    }

    @OptionGroup var options: BenchRemotingOptions

    @Option(name: .long, help: "Concurrent senders.")
    var threads: Int = 64

    @Option(name: .long, help: "Body size in bytes.")
    var size: Int = 1024

    @Option(name: .long, help: "Messages per SEND_BATCH_MESSAGE request; 1 sends SEND_MESSAGE_V2.")
    var batch: Int = 1

    @Flag(help: "--sync: one request in flight per thread; --async: --inflight per thread, pipelined.")
    var mode: Mode = .sync

    @Option(name: .long, help: "Requests in flight per thread with --async.")
    var inflight: Int = 8

    @Option(name: .long, help: "Limit to this many messages per second overall (paced per sender).")
    var rate: Int?

    @Option(name: .long, help: "Threads per connection.")
    var threadsPerConnection: Int = 16

    func validate() throws {
        try options.validateBounds()
        guard threads > 0, size >= 0, batch > 0, inflight > 0, threadsPerConnection > 0 else {
            throw ValidationError("--threads, --batch, --inflight and --threads-per-connection must be > 0")
        }
        if let rate, rate <= 0 { throw ValidationError("--rate must be > 0") }
    }

    func run() async throws {
        let connectionCount = (threads + threadsPerConnection - 1) / threadsPerConnection
        let connections = BenchConnections(ioThreads: options.ioThreads ?? min(connectionCount, System.coreCount))
        do {
            let target = try await connections.resolve(options, create: true)
            try await connections.connectBrokers(target.brokerAddress, count: connectionCount)
            BenchOutput.line(
                "producer: broker \(target.brokerAddress), topic \(options.topic), \(target.writeQueues) queues, "
                    + "\(threads) threads (\(mode)\(mode == .async ? " x\(inflight)" : "")), "
                    + "\(connectionCount) connections, body \(size) B, batch \(batch)"
                    + (rate.map { ", rate \($0) msg/s" } ?? ""))
            let loops = threads * (mode == .async ? inflight : 1)
            let stats = BenchStats(shards: connectionCount)
            let engine = ProducerEngine(
                clients: connections.brokers, stats: stats, topic: options.topic, queues: target.writeQueues,
                bodySize: size, batch: batch, limit: options.count, deadline: options.deadlineNanoseconds,
                pacingNanoseconds: rate.map { UInt64(Double(loops * batch) / Double($0) * 1e9) }, loops: loops)
            engine.start()
            await BenchReporter.run(stats, line: Self.line, summary: Self.summary)
            let failures = engine.failureCodes
            if !failures.isEmpty { BenchOutput.line("[failures] \(failures)") }
        } catch {
            await connections.close()
            throw error
        }
        await connections.close()
    }

    static func line(_ interval: BenchInterval, _ seconds: Double, _ tick: Int) -> String {
        "[\(tick)s] Send TPS: \(Int(Double(interval.messages) / seconds)) | "
            + "Avg RT(ms): \(milliseconds(interval.latency.mean)) | "
            + "Max RT(ms): \(milliseconds(interval.latency.max)) | "
            + "p99 RT(ms): \(milliseconds(interval.latency.percentile(0.99))) | Failed: \(interval.failures)"
    }

    static func summary(_ total: BenchInterval, _ seconds: Double) -> String {
        let latency = total.latency
        return "[summary] \(total.messages) msgs in \(String(format: "%.2f", seconds)) s | "
            + "Send TPS: \(Int(Double(total.messages) / seconds)) | Avg RT(ms): \(milliseconds(latency.mean)) | "
            + "p50 RT(ms): \(milliseconds(latency.percentile(0.5))) | "
            + "p99 RT(ms): \(milliseconds(latency.percentile(0.99))) | "
            + "p999 RT(ms): \(milliseconds(latency.percentile(0.999))) | "
            + "Max RT(ms): \(milliseconds(latency.max)) | Failed: \(total.failures)"
    }
}

/// The send loops: each sends, waits for the answer on its connection's event loop, records the round trip and
/// sends again (after a pause when paced), until the deadline or the message count.
final class ProducerEngine: Sendable {
    private let clients: [RemotingClient]
    private let stats: BenchStats
    private let topic: String
    private let queues: Int
    private let body: ByteBuffer
    private let batch: Int
    private let limit: Int?
    private let deadline: UInt64?
    private let pacingNanoseconds: UInt64?
    private let loops: Int
    private let issued = Atomic<Int>(0)
    private let keyPrefix: String
    private let keySequence = Atomic<UInt64>(0)
    private let baseHeader: [String: String]
    private let startTime = Atomic<UInt64>(0)
    private let failures = Mutex<[String: Int]>([:])

    /// Failed requests by response code or error, e.g. `10 (FLUSH_DISK_TIMEOUT) x 3`.
    var failureCodes: String {
        failures.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key) x \($0.value)" }
            .joined(separator: ", ")
    }
    private static let timeout = TimeAmount.seconds(30)

    init(clients: [RemotingClient], stats: BenchStats, topic: String, queues: Int, bodySize: Int, batch: Int,
         limit: Int?, deadline: UInt64?, pacingNanoseconds: UInt64?, loops: Int) {
        self.clients = clients
        self.stats = stats
        self.topic = topic
        self.queues = max(1, queues)
        body = ByteBuffer(repeating: 0x61, count: bodySize)
        self.batch = batch
        self.limit = limit
        self.deadline = deadline
        self.pacingNanoseconds = pacingNanoseconds
        self.loops = loops
        let pid = String(getpid(), radix: 16)
        keyPrefix = "7F000001" + String(repeating: "0", count: max(0, 8 - pid.count)) + pid.uppercased()
        baseHeader = [
            "a": "benchmark_producer", "b": topic, "c": "TBW102", "d": "4", "f": "0", "h": "0", "j": "0",
            "k": "false", "m": batch > 1 ? "true" : "false",
        ]
    }

    func start() {
        startTime.store(BenchClock.now(), ordering: .relaxed)
        for _ in 0..<loops { stats.loopStarted() }
        for loop in 0..<loops {
            let client = clients[loop % clients.count]
            client.connection.eventLoop.execute { self.next(loop, sequence: 0) }
        }
    }

    private func next(_ loop: Int, sequence: Int) {
        if let pacingNanoseconds {
            let start = startTime.load(ordering: .relaxed)
            let due = start + pacingNanoseconds * UInt64(sequence) + pacingNanoseconds * UInt64(loop) / UInt64(loops)
            if due > BenchClock.now() {
                clients[loop % clients.count].connection.eventLoop.scheduleTask(
                    deadline: .uptimeNanoseconds(due)) { self.send(loop, sequence: sequence) }
                return
            }
        }
        send(loop, sequence: sequence)
    }

    private func send(_ loop: Int, sequence: Int) {
        if let deadline, BenchClock.now() >= deadline { return stats.loopEnded() }
        var allowed = batch
        if let limit {
            let before = issued.wrappingAdd(batch, ordering: .relaxed).oldValue
            guard before < limit else { return stats.loopEnded() }
            allowed = min(batch, limit - before)
        }
        let messages = allowed
        let client = clients[loop % clients.count]
        let request = makeRequest(queue: (loop + sequence) % queues, messages: messages)
        let started = BenchClock.now()
        client.send(request, timeout: Self.timeout).whenComplete { result in
            let micros = (BenchClock.now() - started) / 1000
            var succeeded = false
            switch result {
            case .success(let response) where response.code == ResponseCode.success.rawValue: succeeded = true
            case .success(let response):
                let key = "\(response.code) (\(ResponseCode(rawValue: response.code).description))"
                self.failures.withLock { $0[key, default: 0] += 1 }
            case .failure(let error): self.failures.withLock { $0["\(error)", default: 0] += 1 }
            }
            self.stats.record(shard: loop % self.clients.count) { interval in
                interval.requests += 1
                interval.latency.record(microseconds: micros)
                if succeeded { interval.messages += messages } else { interval.failures += messages }
            }
            if case .failure = result, !client.isActive { return self.stats.loopEnded() }
            self.next(loop, sequence: sequence + 1)
        }
    }

    private func uniqueKey() -> String {
        let sequence = UInt64(truncatingIfNeeded: keySequence.wrappingAdd(1, ordering: .relaxed).oldValue)
        // 16 zero-padded upper-case hex digits written in place: 32 keys per batch request.
        let hex = String(unsafeUninitializedCapacity: 16) { digits in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: sequence >> UInt64(60 - 4 * index)) & 0xF
                digits[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
            }
            return 16
        }
        return keyPrefix + hex
    }

    private func makeRequest(queue: Int, messages: Int) -> RemotingCommand {
        var header = baseHeader
        header["e"] = String(queue)
        header["g"] = String(Int64(Date().timeIntervalSince1970 * 1000))
        guard batch > 1 else {
            header["i"] = MessageProperties.encode([(MessageProperties.uniqueKey, uniqueKey()),
                                                    (MessageProperties.wait, "true")])
            return .request(.sendMessageV2, extFields: header, body: body)
        }
        header["i"] = MessageProperties.encode([(MessageProperties.wait, "true")])
        let elements = (0..<messages).map { _ in
            MessageToStore(topic: topic, queueId: Int32(queue), body: body,
                           properties: [(MessageProperties.uniqueKey, uniqueKey()), (MessageProperties.wait, "true")],
                           bornTimestamp: 0, bornHost: .loopbackIPv4)
        }
        return .request(.sendBatchMessage, extFields: header, body: BatchMessageDecoder.encode(elements))
    }
}
