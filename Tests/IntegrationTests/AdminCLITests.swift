import Core
import Foundation
import TestSupport
import Testing

/// `tern admin` against a real `tern start`: the JSON-lines contract of docs/ADMIN.md and the exit statuses.
@Suite(.serialized) struct AdminCLITests {
    private func admin(_ node: TernProcess, namesrv: String? = nil, _ arguments: String...) throws -> AdminRun {
        try AdminRun.run(namesrv: namesrv ?? node.namesrvAddress, arguments)
    }

    @Test func topicLifecycleMessagesOffsetsAndGroupsThroughTheCLI() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-admin")
        defer { directory.remove() }
        let node = try TernProcess.withoutHTTP(storePath: directory.path)
        defer { node.stop() }

        let created = try admin(node, "topic", "create", "--topic", "AdminOrders", "--queues", "4")
        #expect(created.status == 0, "\(created.stderr)")
        let route = try admin(node, "topic", "route", "--topic", "AdminOrders")
        #expect(route.lines.first?["queueDatas"]?.arrayValue?.first?["writeQueueNums"] == .number("4"))

        let client = try await RemotingTestClient(address: node.brokerAddress)
        let target = try await client.send(topic: "AdminOrders", queueId: 1, body: "find-me", keys: "order-42 extra")
        _ = try await client.send(topic: "AdminOrders", queueId: 2, body: "same", keys: "order-42")
        _ = try await client.send(topic: "AdminOrders", queueId: 2, body: "other", keys: "order-43")
        await client.close()

        // The offset id of the send answer finds the message; its UNIQ_KEY (added by the broker) finds it too.
        let offsetID = try #require(target.extFields["msgId"])
        let byOffsetID = try admin(node, "message", "--id", offsetID)
        #expect(byOffsetID.status == 0, "\(byOffsetID.stderr)")
        let found = try #require(byOffsetID.lines.first)
        #expect(found["offsetMsgId"]?.stringValue == offsetID)
        #expect(found["keys"]?.stringValue == "order-42 extra")
        #expect(found["body"]?.stringValue == "find-me")
        let uniqueKey = try #require(found["properties"]?["UNIQ_KEY"]?.stringValue)
        #expect(found["msgId"]?.stringValue == uniqueKey)
        let byUniqueKey = try admin(node, "message", "--id", uniqueKey)
        #expect(byUniqueKey.lines.map { $0["offsetMsgId"]?.stringValue } == [offsetID])

        // The key index may lag the commit log briefly; retry within a deadline.
        var byKey = try admin(node, "message", "--key", "order-42", "--topic", "AdminOrders")
        let deadline = ContinuousClock.now + .seconds(10)
        while byKey.lines.count != 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            byKey = try admin(node, "message", "--key", "order-42", "--topic", "AdminOrders")
        }
        #expect(byKey.lines.map { $0["queueId"]?.int64Value } == [1, 2])

        let missing = try admin(node, "message", "--id", String(repeating: "0", count: 32))
        #expect(missing.status == 1 && missing.stdout.isEmpty)

        let reset = try admin(
            node, "offset", "reset", "--group", "AdminGroup", "--topic", "AdminOrders", "--timestamp=-1")
        #expect(reset.status == 0, "\(reset.stderr)")
        let progress = try admin(node, "consumer", "progress", "--group", "AdminGroup")
        #expect(progress.lines.count == 4)
        #expect(progress.lines.compactMap { $0["consumerOffset"]?.int64Value }.reduce(0, +) == 3)
        #expect(progress.lines.allSatisfy { $0["lag"]?.int64Value == 0 })

        let group = try admin(node, "group", "create", "--group", "AdminGroup", "--retry-max-times", "3")
        #expect(group.lines.first?["retryMaxTimes"]?.int64Value == 3)
        let groups = try admin(node, "group", "list")
        #expect(groups.lines.contains { $0["group"]?.stringValue == "AdminGroup" })

        let deleted = try admin(node, "topic", "delete", "--topic", "AdminOrders")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        let gone = try admin(node, "topic", "route", "--topic", "AdminOrders")
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("not found"))
        let unreachable = try admin(node, namesrv: "127.0.0.1:1", "topic", "list")
        #expect(unreachable.status == 2)
    }
}
