import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

/// One flipped body byte in the first (not last) commit-log segment while the broker is stopped: after restart the
/// broker must never serve that record's wrong bytes, by pull, by key or by offset id, and must still serve every
/// other record (issue 15.2).
@Suite(.serialized) struct DamagedRecordTests {
    static let topic = "DamagedTopic"

    @Test func aDamagedBodyIsNeverServed() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-damaged")
        defer { directory.remove() }
        let arguments = [
            "start", "--store-path", directory.path, "--namesrv-port", "0", "--broker-port", "0", "--no-http",
            "--log-level", "warning",
        ]
        // 8 KiB segments: 60 records of ≈ 300 bytes fill three of them.
        let environment = ["TERN_MAPPED_FILE_SIZE_COMMIT_LOG": "8192"]
        let first = try TernProcess(storePath: directory.path, arguments: arguments, environment: environment)
        let client = try await RemotingTestClient(address: first.brokerAddress)
        let bodies = (0..<60).map { "body-\($0)-" + String(repeating: "z", count: 200) }
        for (index, body) in bodies.enumerated() {
            let response = try await client.send(topic: Self.topic, queueId: 0, body: body, keys: "key-\(index)")
            try #require(response.code == ResponseCode.success.rawValue)
        }
        let victimIndex = 5
        let victim = try #require(
            try await client.pull(
                topic: Self.topic, queueId: 0, offset: Int64(victimIndex),
                maxCount: 1
            ).messages.first)
        await client.close()
        #expect(first.stop() == 0)

        let segments = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/commitlog").sorted()
        #expect(segments.count >= 3)
        let segmentPath = directory.path + "/commitlog/" + segments[0]
        var bytes = try #require(FileManager.default.contents(atPath: segmentPath))
        let needle = Data(bodies[victimIndex].utf8)
        let range = try #require(bytes.range(of: needle))
        bytes[range.lowerBound + 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: segmentPath))

        let second = try TernProcess(storePath: directory.path, arguments: arguments, environment: environment)
        defer { second.stop() }
        let reader = try await RemotingTestClient(address: second.brokerAddress)
        // Pull: every record but the damaged one, each with its own body.
        var pulled: [Int64: String] = [:]
        var offset: Int64 = 0
        for _ in 0..<20 where offset < Int64(bodies.count) {
            let result = try await reader.pull(topic: Self.topic, queueId: 0, offset: offset)
            for message in result.messages {
                #expect(message.isBodyCRCValid, "queue offset \(message.queueOffset.rawValue) served damaged")
                pulled[message.queueOffset.rawValue] = message.body.map { String(buffer: $0) }
            }
            offset = max(offset + 1, result.nextOffset)
        }
        for (index, body) in bodies.enumerated() where index != victimIndex {
            #expect(pulled[Int64(index)] == body, "record \(index) not served")
        }
        #expect(pulled[Int64(victimIndex)] == nil)
        // By key: not found rather than the wrong body.
        let byKey = try await reader.queryMessages(topic: Self.topic, key: "key-\(victimIndex)")
        #expect(byKey.messages.allSatisfy { $0.isBodyCRCValid })
        #expect(byKey.messages.isEmpty)
        let neighbour = try await reader.queryMessages(topic: Self.topic, key: "key-\(victimIndex + 1)")
        #expect(neighbour.messages.first?.body.map { String(buffer: $0) } == bodies[victimIndex + 1])
        // By offset id (VIEW_MESSAGE_BY_ID): an error, not the record.
        let view = try await reader.client.request(
            .request(.viewMessageById, extFields: ["offset": String(victim.physicalOffset.rawValue)]),
            timeout: .seconds(10))
        #expect(view.code != ResponseCode.success.rawValue)
        #expect(view.body == nil || view.body?.readableBytes == 0)
        await reader.close()
        #expect(second.standardError.contains("body CRC mismatch"), "no log line for the damaged record")
    }
}
