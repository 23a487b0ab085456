import Core
import Foundation
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

/// Delayed (DELAY level) and timer (TIMER_DELAY_SEC / TIMER_DELIVER_MS) messages through the real binary: not
/// pullable before they are due, pullable within about a second after.
///
/// Bounds: the broker stamps the deliver time when it receives the send, after the test's clock read, so "never
/// early" is checked against the test's send time; "on time" allows the wheel's 1 s precision (timer) plus 500 ms for
/// loopback latency and the 20 ms polling of this test.
@Suite(.serialized) struct DelayMessageTests {
    static func arguments(_ path: String) -> [String] {
        ["start", "--store-path", path, "--namesrv-port", "0", "--broker-port", "0", "--no-http", "--log-level",
         "warning"]
    }

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Polls queue 0 of `topic` until a message appears or `deadline`; returns it and when it was first seen.
    static func firstPullable(_ client: RemotingTestClient, topic: String, deadline: ContinuousClock.Instant)
        async throws -> (message: DecodedMessage, seenAt: Int64)?
    {
        while ContinuousClock.now < deadline {
            let result = try await client.pull(topic: topic, queueId: 0, offset: 0)
            if let message = result.messages.first { return (message, nowMilliseconds()) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func delayLevelAndTimerMessagesArriveOnTimeNotEarly() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-delay")
        defer { directory.remove() }
        let broker = try TernProcess(storePath: directory.path, arguments: Self.arguments(directory.path))
        defer { broker.stop() }
        let client = try await RemotingTestClient(address: broker.brokerAddress)
        defer { Task { await client.close() } }

        let delaySentAt = Self.nowMilliseconds()
        let delayed = try await client.send(topic: "DelayTopic", queueId: 0, body: "level-1",
                                            properties: [("DELAY", "1")])
        #expect(delayed.code == ResponseCode.success.rawValue, "\(broker.standardError)")
        let timerSentAt = Self.nowMilliseconds()
        let timed = try await client.send(topic: "TimerTopic", queueId: 0, body: "two-seconds",
                                          properties: [("TIMER_DELAY_SEC", "2")])
        #expect(timed.code == ResponseCode.success.rawValue, "\(broker.standardError)")

        let deadline = ContinuousClock.now + .seconds(10)
        let delay = try #require(try await Self.firstPullable(client, topic: "DelayTopic", deadline: deadline))
        #expect(delay.seenAt >= delaySentAt + 1000, "DELAY=1 pullable early")
        #expect(delay.message.storeTimestamp >= delaySentAt + 1000)
        // Precision (within 1 s of due) is proven on a manual clock in ScheduleMessageServiceTests; over real
        // sockets on a loaded 2-core machine this only guards against gross lateness.
        #expect(delay.seenAt <= delaySentAt + 1000 + 3000, "DELAY=1 late: \(delay.seenAt - delaySentAt) ms")
        #expect(delay.message.property("DELAY") == nil)
        #expect(delay.message.body.map { String(buffer: $0) } == "level-1")

        let timer = try #require(try await Self.firstPullable(client, topic: "TimerTopic", deadline: deadline))
        #expect(timer.seenAt >= timerSentAt + 2000, "TIMER_DELAY_SEC=2 pullable early")
        #expect(timer.message.storeTimestamp >= timerSentAt + 2000)
        #expect(timer.seenAt <= timerSentAt + 2000 + 1000 + 3000, "timer late: \(timer.seenAt - timerSentAt) ms")
        #expect(timer.message.property("REAL_TOPIC") == "TimerTopic")
        #expect(timer.message.body.map { String(buffer: $0) } == "two-seconds")
    }

    /// 100,000 timer messages, each due a random 0 to 60 s after it is sent, with a graceful broker restart in the
    /// middle: each delivered once, never early, and at most 1 s (the wheel's precision) plus 500 ms (loopback,
    /// polling) after it was due, or after it reached the broker when the send itself took longer than its delay.
    /// Messages that fall due while the broker is down are due again the moment it is back.
    ///
    /// Slow (90 to 140 s on a loaded 2-core machine): runs only with `TERN_SLOW_TESTS=1`. Give it a release binary
    /// (`TERN_BIN=.build/release/tern`): a debug broker sharing 2 cores with other work cannot keep up with the
    /// 8-writer send rate and delivers late while the sends last.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TERN_SLOW_TESTS"] == "1"))
    func hundredThousandTimerMessagesArriveOnTimeAcrossARestart() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-timer-load")
        defer { directory.remove() }
        var broker = try TernProcess(storePath: directory.path, arguments: Self.arguments(directory.path))
        defer { broker.stop() }
        let total = 100_000
        let writers = 8
        let started = ContinuousClock.now
        var plan = TimerLoadPlan(total: total)
        try await withThrowingTaskGroup(of: [(index: Int, due: Int64, acknowledged: Int64)].self) { group in
            for writer in 0..<writers {
                group.addTask { [broker] in
                    let client = try await RemotingTestClient(address: broker.brokerAddress)
                    defer { Task { await client.close() } }
                    var sent: [(index: Int, due: Int64, acknowledged: Int64)] = []
                    for index in stride(from: writer, to: total, by: writers) {
                        let due = Self.nowMilliseconds() + Int64.random(in: 0..<60_000)
                        let response = try await client.send(
                            topic: "TimerLoad", queueId: Int32(writer), body: String(index),
                            properties: [("TIMER_DELIVER_MS", String(due))])
                        #expect(response.code == ResponseCode.success.rawValue)
                        sent.append((index, due, Self.nowMilliseconds()))
                    }
                    return sent
                }
            }
            for try await sent in group {
                for entry in sent { plan.record(entry.index, due: entry.due, acknowledged: entry.acknowledged) }
            }
        }
        let sendSeconds = (ContinuousClock.now - started).components.seconds
        let sendsDoneAt = Self.nowMilliseconds()

        var consumer = TimerLoadConsumer(plan: plan, queues: writers)
        var client = try await RemotingTestClient(address: broker.brokerAddress)
        try await consumer.consume(client, until: total / 2, deadline: ContinuousClock.now + .seconds(90))
        await client.close()
        let stoppedAt = Self.nowMilliseconds()
        #expect(broker.stop() == 0, "\(broker.standardError)")
        broker = try TernProcess(storePath: directory.path, arguments: Self.arguments(directory.path))
        consumer.brokerBackAt = Self.nowMilliseconds()
        client = try await RemotingTestClient(address: broker.brokerAddress)
        defer { Task { [client] in await client.close() } }
        try await consumer.consume(client, until: total, deadline: ContinuousClock.now + .seconds(120))

        let report = "sent in \(sendSeconds) s, broker down \(consumer.brokerBackAt - stoppedAt) ms, "
            + "whole test \((ContinuousClock.now - started).components.seconds) s, "
            + "latest delivery \(consumer.maxLateness) ms after it was due; late while sending "
            + "\(consumer.late.filter { $0.deliveredAt < sendsDoneAt }.count), before the restart "
            + "\(consumer.late.filter { $0.deliveredAt >= sendsDoneAt && $0.deliveredAt < stoppedAt }.count), after "
            + "\(consumer.late.filter { $0.deliveredAt >= stoppedAt }.count)"
        print("timer load: \(report)")
        #expect(consumer.received == total, "\(report)")
        #expect(consumer.duplicates.count == 0, "delivered twice: \(consumer.duplicates.prefix(10)); \(report)")
        #expect(consumer.early.count == 0, "early: \(consumer.early.prefix(10)); \(report)")
        #expect(consumer.late.count == 0, "late, first \(consumer.late.prefix(10)); \(report)")
    }
}

/// When each message of the timer load was due, and when its send was answered.
struct TimerLoadPlan {
    var due: [Int64]
    var acknowledged: [Int64]

    init(total: Int) {
        due = Array(repeating: 0, count: total)
        acknowledged = Array(repeating: 0, count: total)
    }

    mutating func record(_ index: Int, due: Int64, acknowledged: Int64) {
        self.due[index] = due
        self.acknowledged[index] = acknowledged
    }
}

/// Pulls the timer load's queues and checks each delivery against the plan (store time of the delivered copy).
struct TimerLoadConsumer {
    /// The wheel fires on whole seconds after the due time; loopback and the 200 ms polling add the rest.
    static let allowedLatenessMilliseconds: Int64 = 1000 + 500

    let plan: TimerLoadPlan
    var offsets: [Int64]
    var seen: [Bool]
    var received = 0
    var brokerBackAt: Int64 = 0
    var maxLateness: Int64 = 0
    var duplicates: [Int] = []
    var early: [(index: Int, byMilliseconds: Int64)] = []
    var late: [(index: Int, byMilliseconds: Int64, deliveredAt: Int64)] = []

    init(plan: TimerLoadPlan, queues: Int) {
        self.plan = plan
        offsets = Array(repeating: 0, count: queues)
        seen = Array(repeating: false, count: plan.due.count)
    }

    /// Pulls until `target` messages were received in all or `deadline` passes (bounded loop).
    mutating func consume(_ client: RemotingTestClient, until target: Int, deadline: ContinuousClock.Instant)
        async throws
    {
        while received < target, ContinuousClock.now < deadline {
            var progressed = false
            for queueId in offsets.indices {
                let result = try await client.pull(topic: "TimerLoad", queueId: Int32(queueId),
                                                   offset: offsets[queueId])
                offsets[queueId] = result.nextOffset
                for message in result.messages {
                    progressed = true
                    check(message)
                }
            }
            if !progressed { try await Task.sleep(for: .milliseconds(200)) }
        }
    }

    private mutating func check(_ message: DecodedMessage) {
        guard let index = message.body.flatMap({ Int(String(buffer: $0)) }), seen.indices.contains(index) else {
            return
        }
        guard !seen[index] else {
            duplicates.append(index)
            return
        }
        seen[index] = true
        received += 1
        let due = plan.due[index]
        if message.storeTimestamp < due { early.append((index, due - message.storeTimestamp)) }
        // Not deliverable before the broker had it, nor while it was down.
        var deliverableFrom = max(due, plan.acknowledged[index])
        if brokerBackAt > 0, deliverableFrom < brokerBackAt, message.storeTimestamp >= brokerBackAt {
            deliverableFrom = brokerBackAt
        }
        let lateness = message.storeTimestamp - deliverableFrom
        maxLateness = max(maxLateness, message.storeTimestamp - due)
        if lateness > Self.allowedLatenessMilliseconds { late.append((index, lateness, message.storeTimestamp)) }
    }
}

extension RemotingTestClient {
    /// SEND_MESSAGE_V2 of one message with extra properties.
    func send(topic: String, queueId: Int32, body: String, properties: [(String, String)]) async throws
        -> RemotingCommand
    {
        var all = [("WAIT", "true"), ("UNIQ_KEY", "DELAYTEST-\(topic)-\(body)")]
        all.append(contentsOf: properties)
        let header: [String: String] = [
            "a": "PG_test", "b": topic, "c": "TBW102", "d": "8", "e": String(queueId), "f": "0",
            "g": String(Int64(Date().timeIntervalSince1970 * 1000)), "h": "0",
            "i": MessageProperties.encode(all), "j": "0", "k": "false", "m": "false",
        ]
        return try await client.request(
            .request(.sendMessageV2, extFields: header, body: ByteBuffer(string: body)), timeout: .seconds(10))
    }
}
