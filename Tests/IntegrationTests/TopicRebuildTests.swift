import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

/// topics.json unusable and no .bak: the broker must rebuild the topics from the consume queues on disk, so stored
/// messages stay reachable instead of answering "topic not exist" (issue 15.3).
@Suite(.serialized) struct TopicRebuildTests {
    @Test func topicsAreRebuiltFromTheConsumeQueuesWhenTopicsJSONIsLost() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-topics")
        defer { directory.remove() }
        let arguments = [
            "start", "--store-path", directory.path, "--namesrv-port", "0", "--broker-port", "0", "--no-http",
            "--log-level", "warning",
        ]
        let topic = "ForgottenTopic"
        let first = try TernProcess(storePath: directory.path, arguments: arguments)
        let client = try await RemotingTestClient(address: first.brokerAddress)
        for index in 0..<30 {
            let response = try await client.send(topic: topic, queueId: Int32(index % 3), body: "kept-\(index)")
            try #require(response.code == ResponseCode.success.rawValue)
        }
        await client.close()
        #expect(first.stop() == 0)

        let configDirectory = directory.path + "/config"
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: configDirectory + "/topics.json"))
        try? FileManager.default.removeItem(atPath: configDirectory + "/topics.json.bak")

        let second = try TernProcess(storePath: directory.path, arguments: arguments)
        defer { second.stop() }
        let reader = try await RemotingTestClient(address: second.brokerAddress)
        var bodies: Set<String> = []
        for queueId in Int32(0)..<3 {
            let result = try await reader.pull(topic: topic, queueId: queueId, offset: 0)
            #expect(result.code == ResponseCode.success.rawValue, "queue \(queueId): code \(result.code)")
            for message in result.messages { if let body = message.body { bodies.insert(String(buffer: body)) } }
        }
        await reader.close()
        #expect(bodies == Set((0..<30).map { "kept-\($0)" }))
        #expect(second.standardError.contains("topics rebuilt from the consume queues"), "no warning logged")
        // The rebuilt table is written back, with the queue count the directories show.
        let rewritten = try #require(FileManager.default.contents(atPath: configDirectory + "/topics.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: rewritten) as? [String: Any])
        let table = try #require(json["topicConfigTable"] as? [String: Any])
        let config = try #require(table[topic] as? [String: Any])
        #expect(config["readQueueNums"] as? Int == 3)
        #expect(config["writeQueueNums"] as? Int == 3)
    }
}
