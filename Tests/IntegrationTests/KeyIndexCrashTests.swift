import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

/// SIGKILL after bursts of keyed sends spread over many small commit-log segments, with a checkpoint between the
/// bursts: after restart every acknowledged message must be found by its KEYS value and by its UNIQ_KEY, not only
/// the ones the index had flushed (issues 14.2 and 15.4).
@Suite(.serialized) struct KeyIndexCrashTests {
    static let topic = "KeyCrashTopic"

    @Test func everyKeyIsFoundAfterSigkill() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-keycrash")
        defer { directory.remove() }
        let arguments = [
            "start", "--store-path", directory.path, "--namesrv-port", "0", "--broker-port", "0", "--no-http",
            "--log-level", "warning",
        ]
        // 8 KiB segments (≈ 25 records each): recovery has many to choose its start from. One index file holds
        // every key, as the default 20M-entry file would.
        let environment = [
            "TERN_MAPPED_FILE_SIZE_COMMIT_LOG": "8192", "TERN_MAX_INDEX_NUM": "5000", "TERN_MAX_HASH_SLOT_NUM": "512",
        ]
        let first = try TernProcess(storePath: directory.path, arguments: arguments, environment: environment)
        var sent: [(key: String, uniqueKey: String, body: String)] = []
        let client = try await RemotingTestClient(address: first.brokerAddress)
        let padding = String(repeating: "x", count: 200)
        func sendBurst(_ burst: Int) async throws {
            for index in 0..<50 {
                let key = "key-\(burst)-\(index)"
                let uniqueKey = "UNIQ\(burst)X\(index)"
                let body = "\(key) \(padding)"
                let response = try await client.send(
                    topic: Self.topic, queueId: Int32(index % 2), body: body,
                    keys: key, uniqueKey: uniqueKey)
                #expect(response.code == ResponseCode.success.rawValue, "send \(key): \(response.remark ?? "")")
                if response.code == ResponseCode.success.rawValue { sent.append((key, uniqueKey, body)) }
            }
        }
        // Bursts until the checkpoint is well past the first one: recovery after an unclean stop starts 3 s before
        // the checkpoint, so only then may it skip the segments of the first bursts. Each wait is bounded.
        try await sendBurst(0)
        let firstBurstEnd = Int64(Date().timeIntervalSince1970 * 1000)
        var burst = 1
        while burst < 12, Self.checkpointMinTimestamp(directory.path) < firstBurstEnd + 4000 {
            let burstStart = Int64(Date().timeIntervalSince1970 * 1000)
            try await sendBurst(burst)
            burst += 1
            let checkpointed = await eventually(timeout: .seconds(10)) {
                Self.checkpointMinTimestamp(directory.path) > burstStart
            }
            #expect(checkpointed, "no checkpoint after burst \(burst)")
        }
        #expect(Self.checkpointMinTimestamp(directory.path) >= firstBurstEnd + 4000, "checkpoint did not move on")
        // The kill lands right after a last burst, before its checkpoint.
        try await sendBurst(burst)
        await client.close()
        first.crash()
        #expect(sent.count == (burst + 1) * 50)

        let second = try TernProcess(storePath: directory.path, arguments: arguments, environment: environment)
        defer { second.stop() }
        let reader = try await RemotingTestClient(address: second.brokerAddress)
        var missingByKey: [String] = []
        var missingByUniqueKey: [String] = []
        for message in sent {
            let byKey = try await reader.queryMessages(topic: Self.topic, key: message.key)
            if !byKey.messages.contains(where: { $0.body.map { String(buffer: $0) } == message.body }) {
                missingByKey.append(message.key)
            }
            let byId = try await reader.queryMessages(topic: Self.topic, key: message.uniqueKey, byUniqueKey: true)
            if !byId.messages.contains(where: { $0.property(MessageProperties.uniqueKey) == message.uniqueKey }) {
                missingByUniqueKey.append(message.uniqueKey)
            }
        }
        await reader.close()
        #expect(missingByKey.count == 0, "\(missingByKey.count) of \(sent.count) keys lost: \(missingByKey.prefix(5))")
        #expect(
            missingByUniqueKey.count == 0,
            "\(missingByUniqueKey.count) of \(sent.count) ids lost: \(missingByUniqueKey.prefix(5))")
    }

    /// min(physicMsgTimestamp, logicsMsgTimestamp) of `<store>/checkpoint` (big-endian int64s at 0 and 8).
    static func checkpointMinTimestamp(_ storePath: String) -> Int64 {
        guard let data = FileManager.default.contents(atPath: storePath + "/checkpoint"), data.count >= 16 else {
            return 0
        }
        let values = (0..<2).map { slot in
            data[slot * 8..<slot * 8 + 8].reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        }
        return values.min() ?? 0
    }
}
