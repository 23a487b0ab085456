import ArgumentParser
import Core
import Foundation
import NIOCore
import Synchronization

/// `tern bench consumer`: pulls every queue of a topic as fast as the broker answers (no suspension).
struct BenchConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer",
        abstract: "Pull load: msgs/s and MB/s every second, then a summary. Stops once drained unless --follow.")

    @OptionGroup var options: BenchRemotingOptions

    @Option(name: .long, help: "Consumer group.")
    var group: String = "benchmark_consumer"

    @Option(name: .customLong("max-msgs"), help: "maxMsgNums of each pull.")
    var maxMessages: Int = 32

    @Option(name: .customLong("pulls-per-queue"), help: "Pulls in flight per queue (on disjoint offset ranges).")
    var pullsPerQueue: Int = 1

    @Option(name: .long, help: "Connections to the broker.")
    var connections: Int = 2

    @Option(name: .customLong("from-offset"), help: "Queue offset to start every queue at.")
    var fromOffset: Int64 = 0

    @Flag(name: .long, help: "Keep pulling after the queues are drained (until --seconds or --count).")
    var follow = false

    @Option(name: .customLong("idle-ms"), help: "Without --follow, a queue is drained after finding nothing this long.")
    var idleMilliseconds: Int = 300

    func validate() throws {
        try options.validateBounds()
        guard maxMessages > 0, connections > 0, pullsPerQueue == 1 else {
            throw ValidationError("--max-msgs and --connections must be > 0; --pulls-per-queue supports 1")
        }
    }

    func run() async throws {
        let pool = BenchConnections(ioThreads: options.ioThreads ?? min(connections, System.coreCount))
        do {
            let target = try await pool.resolve(options, create: false)
            try await pool.connectBrokers(target.brokerAddress, count: connections)
            BenchOutput.line(
                "consumer: broker \(target.brokerAddress), topic \(options.topic), \(target.readQueues) queues, "
                    + "group \(group), \(connections) connections, maxMsgNums \(maxMessages)")
            let stats = BenchStats(shards: connections)
            let engine = ConsumerEngine(
                clients: pool.brokers, stats: stats, topic: options.topic, group: group, queues: target.readQueues,
                maxMessages: maxMessages, fromOffset: fromOffset, follow: follow,
                idleNanoseconds: UInt64(idleMilliseconds) * 1_000_000, limit: options.count,
                deadline: options.deadlineNanoseconds)
            let started = BenchClock.now()
            engine.start()
            await BenchReporter.run(stats, line: Self.line, summary: Self.summary)
            BenchOutput.line("[codes] \(engine.responseCodes)")
            if !follow, let last = engine.lastMessageTime {
                let seconds = Double(last - started) / 1e9
                BenchOutput.line("[drain] \(engine.consumedCount) msgs in \(String(format: "%.2f", seconds)) s "
                                 + "(start to last message) | Consume TPS: "
                                 + "\(Int(Double(engine.consumedCount) / seconds)) msgs/s")
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    static func line(_ interval: BenchInterval, _ seconds: Double, _ tick: Int) -> String {
        "[\(tick)s] Consume TPS: \(Int(Double(interval.messages) / seconds)) msgs/s | "
            + "\(String(format: "%.1f", Double(interval.bytes) / seconds / 1e6)) MB/s | "
            + "pulls: \(interval.requests) | Avg pull RT(ms): \(milliseconds(interval.latency.mean)) | "
            + "Failed: \(interval.failures)"
    }

    static func summary(_ total: BenchInterval, _ seconds: Double) -> String {
        "[summary] \(total.messages) msgs, \(total.bytes) bytes in \(String(format: "%.2f", seconds)) s | "
            + "Consume TPS: \(Int(Double(total.messages) / seconds)) msgs/s | "
            + "\(String(format: "%.1f", Double(total.bytes) / seconds / 1e6)) MB/s | pulls: \(total.requests) | "
            + "p99 pull RT(ms): \(milliseconds(total.latency.percentile(0.99))) | Failed: \(total.failures)"
    }
}

/// One pull loop per queue: PULL_MESSAGE (no suspend), count the records, pull again from nextBeginOffset.
final class ConsumerEngine: Sendable {
    private let clients: [RemotingClient]
    private let stats: BenchStats
    private let topic: String
    private let group: String
    private let queues: Int
    private let maxMessages: Int
    private let fromOffset: Int64
    private let follow: Bool
    private let idleNanoseconds: UInt64
    private let lastMessage = Atomic<UInt64>(0)
    private let codes = Mutex<[Int32: Int]>([:])

    /// How many pulls ended with each response code, e.g. `0 (SUCCESS) x 120, 19 (PULL_NOT_FOUND) x 8`.
    var responseCodes: String {
        codes.withLock { $0 }.sorted { $0.key < $1.key }
            .map { "\($0.key) (\(ResponseCode(rawValue: $0.key).description)) x \($0.value)" }
            .joined(separator: ", ")
    }
    private let limit: Int?
    private let deadline: UInt64?
    private let consumed = Atomic<Int>(0)
    private static let timeout = TimeAmount.seconds(30)

    init(clients: [RemotingClient], stats: BenchStats, topic: String, group: String, queues: Int, maxMessages: Int,
         fromOffset: Int64, follow: Bool, idleNanoseconds: UInt64, limit: Int?, deadline: UInt64?) {
        self.idleNanoseconds = idleNanoseconds
        self.clients = clients
        self.stats = stats
        self.topic = topic
        self.group = group
        self.queues = queues
        self.maxMessages = maxMessages
        self.fromOffset = fromOffset
        self.follow = follow
        self.limit = limit
        self.deadline = deadline
    }

    /// When the last message arrived (monotonic nanoseconds); nil if none did.
    var lastMessageTime: UInt64? {
        let value = lastMessage.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    var consumedCount: Int { consumed.load(ordering: .relaxed) }

    func start() {
        for _ in 0..<queues { stats.loopStarted() }
        for queue in 0..<queues {
            clients[queue % clients.count].connection.eventLoop.execute {
                self.pull(queue, offset: self.fromOffset, idleSince: nil)
            }
        }
    }

    private func pull(_ queue: Int, offset: Int64, idleSince: UInt64?) {
        if let deadline, BenchClock.now() >= deadline { return stats.loopEnded() }
        if let limit, consumed.load(ordering: .relaxed) >= limit { return stats.loopEnded() }
        let client = clients[queue % clients.count]
        let header: [String: String] = [
            "consumerGroup": group, "topic": topic, "queueId": String(queue), "queueOffset": String(offset),
            "maxMsgNums": String(maxMessages), "sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0",
            "subscription": "*", "subVersion": "0", "expressionType": "TAG",
        ]
        let started = BenchClock.now()
        client.send(.request(.pullMessage, extFields: header), timeout: Self.timeout).whenComplete { result in
            let micros = (BenchClock.now() - started) / 1000
            guard case .success(let response) = result else {
                self.stats.record(shard: queue) { $0.failures += 1 }
                return self.stats.loopEnded()
            }
            let next = Int64(response.extFields["nextBeginOffset"] ?? "") ?? offset
            var messages = 0
            var bytes = 0
            if response.code == ResponseCode.success.rawValue, let body = response.body {
                (messages, bytes) = Self.countRecords(body)
            }
            self.stats.record(shard: queue) { interval in
                interval.requests += 1
                interval.latency.record(microseconds: micros)
                interval.messages += messages
                interval.bytes += bytes
                if response.code != ResponseCode.success.rawValue
                    && response.code != ResponseCode.pullNotFound.rawValue
                    && response.code != ResponseCode.pullRetryImmediately.rawValue
                    && response.code != ResponseCode.pullOffsetMoved.rawValue
                {
                    interval.failures += 1
                }
            }
            self.codes.withLock { $0[response.code, default: 0] += 1 }
            let now = BenchClock.now()
            if messages > 0 {
                self.consumed.wrappingAdd(messages, ordering: .relaxed)
                self.lastMessage.store(now, ordering: .relaxed)
            }
            if messages == 0 && response.code != ResponseCode.pullOffsetMoved.rawValue
                && response.code != ResponseCode.pullRetryImmediately.rawValue
            {
                // Nothing yet: the queue may be drained, or the dispatcher may still be behind the commit log.
                let since = idleSince ?? now
                guard self.follow || now - since < self.idleNanoseconds else { return self.stats.loopEnded() }
                client.connection.eventLoop.scheduleTask(in: .milliseconds(5)) {
                    self.pull(queue, offset: next, idleSince: since)
                }
                return
            }
            self.pull(queue, offset: next, idleSince: nil)
        }
    }

    /// Messages and record bytes in a pull body (records back to back, each starting with its TOTALSIZE).
    static func countRecords(_ body: ByteBuffer) -> (Int, Int) {
        var index = body.readerIndex
        var count = 0
        while index + 4 <= body.writerIndex, let size = body.getInteger(at: index, as: Int32.self), size > 0 {
            index += Int(size)
            count += 1
        }
        return (count, index - body.readerIndex)
    }
}
