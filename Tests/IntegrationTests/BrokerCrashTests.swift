import Core
import Foundation
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

/// SIGKILL mid-load under SYNC_FLUSH: every send the broker acknowledged must be readable after restart, in its
/// queue at its offset, and the consume queues must agree with the commit log.
@Suite(.serialized) struct BrokerCrashTests {
    @Test func acknowledgedSendsSurviveSigkillUnderSyncFlush() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-crash")
        defer { directory.remove() }
        let arguments = [
            "start", "--store-path", directory.path, "--namesrv-port", "0", "--broker-port", "0", "--no-http",
            "--flush-disk-type", "SYNC_FLUSH", "--log-level", "warning",
        ]
        let first = try TernProcess(storePath: directory.path, arguments: arguments)
        let topic = "CrashTopic"
        let acknowledged = AcknowledgedSends()
        // Four writers keep sends in flight while the kill lands; each loop is bounded in count and time.
        let deadline = ContinuousClock.now + .seconds(30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let client = try await RemotingTestClient(address: first.brokerAddress)
                    defer { Task { await client.close() } }
                    for index in 0..<5_000 where ContinuousClock.now < deadline {
                        let body = "w\(writer)-\(index)"
                        guard let response = try? await client.send(topic: topic, queueId: Int32(writer), body: body)
                        else { return }
                        guard response.code == ResponseCode.success.rawValue,
                              let offset = Int64(response.extFields["queueOffset"] ?? "") else { continue }
                        acknowledged.record(queueId: Int32(writer), offset: offset, body: body)
                    }
                }
            }
            group.addTask {
                _ = eventually(timeout: .seconds(20)) { acknowledged.count >= 400 }
                first.crash()
            }
            try await group.waitForAll()
        }
        let acked = acknowledged.snapshot
        #expect(acked.values.map(\.count).reduce(0, +) >= 400)

        let second = try TernProcess(storePath: directory.path, arguments: arguments)
        defer { second.stop() }
        let client = try await RemotingTestClient(address: second.brokerAddress)
        for (queueId, expected) in acked {
            var stored: [Int64: String] = [:]
            var offset: Int64 = 0
            var rounds = 0
            while rounds < 10_000 {
                rounds += 1
                let result = try await client.pull(topic: topic, queueId: queueId, offset: offset)
                guard result.code == ResponseCode.success.rawValue else { break }
                for message in result.messages {
                    // The consume queue must point at the record that carries its own queue offset.
                    #expect(message.queueId == queueId)
                    #expect(message.isBodyCRCValid)
                    stored[message.queueOffset.rawValue] = message.body.map { String(buffer: $0) }
                }
                offset = result.nextOffset
            }
            for (queueOffset, body) in expected {
                #expect(stored[queueOffset] == body, "queue \(queueId) offset \(queueOffset) lost after SIGKILL")
            }
        }
        await client.close()
    }
}

/// Sends the broker acknowledged, by queue and queue offset; written by several writer tasks.
private final class AcknowledgedSends: Sendable {
    private let sends = Mutex<[Int32: [Int64: String]]>([:])

    func record(queueId: Int32, offset: Int64, body: String) {
        sends.withLock { $0[queueId, default: [:]][offset] = body }
    }

    var count: Int { sends.withLock { $0.values.map(\.count).reduce(0, +) } }
    var snapshot: [Int32: [Int64: String]] { sends.withLock { $0 } }
}
