import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

/// `tern admin dlq` against a real `tern start`: messages a consumer failed (CONSUMER_SEND_MSG_BACK) reach
/// `%DLQ%<group>`, are listed with their origin, and come back to the origin topic as consumable copies.
@Suite(.serialized) struct DeadLetterCLITests {
    private func admin(_ node: TernProcess, _ arguments: String...) throws -> AdminRun {
        try AdminRun.run(namesrv: node.namesrvAddress, arguments)
    }

    /// CONSUMER_SEND_MSG_BACK of the record at `commitLogOffset` for `group`.
    private func sendBack(
        _ client: RemotingTestClient, commitLogOffset: Int64, group: String, delayLevel: Int32,
        topic: String
    ) async throws -> RemotingCommand {
        try await client.client.request(
            .request(
                .consumerSendMessageBack,
                extFields: [
                    "offset": String(commitLogOffset), "group": group, "delayLevel": String(delayLevel),
                    "originTopic": topic, "unitMode": "false",
                ]), timeout: .seconds(10))
    }

    /// The one message at `offset` of queue `queueId`; the consume queue is built asynchronously after the send is
    /// answered, so this polls for up to 10 s.
    private func message(_ client: RemotingTestClient, topic: String, queueId: Int32, offset: Int64) async throws
        -> DecodedMessage
    {
        let deadline = ContinuousClock.now + .seconds(10)
        var pulled = try await client.pull(topic: topic, queueId: queueId, offset: offset, maxCount: 1)
        while pulled.messages.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            pulled = try await client.pull(topic: topic, queueId: queueId, offset: offset, maxCount: 1)
        }
        return try #require(pulled.messages.first, "no message at \(topic):\(queueId):\(offset), code \(pulled.code)")
    }

    @Test func failedMessagesAreListedAndResentToTheirOriginTopicUnchanged() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-dlq")
        defer { directory.remove() }
        let node = try TernProcess.withoutHTTP(storePath: directory.path)
        defer { node.stop() }
        let client = try await RemotingTestClient(address: node.brokerAddress)
        defer { Task { await client.close() } }

        // retryMaxTimes 0: the first send-back of a fresh message (reconsumeTimes 0) is already a dead letter.
        let group = try admin(node, "group", "create", "--group", "DlqGroup", "--retry-max-times", "0")
        #expect(group.status == 0, "\(group.stderr)")
        let properties = [("TAGS", "TagPoison"), ("KEYS", "order-7 order-8"), ("color", "blue")]
        let first = try await client.send(topic: "DlqOrigin", queueId: 0, body: "poison-1", properties: properties)
        let second = try await client.send(topic: "DlqOrigin", queueId: 0, body: "poison-2", properties: properties)
        #expect(first.code == ResponseCode.success.rawValue && second.code == ResponseCode.success.rawValue)
        let original = try await message(client, topic: "DlqOrigin", queueId: 0, offset: 0)
        let other = try await message(client, topic: "DlqOrigin", queueId: 0, offset: 1)
        // One through the group's retry limit, one through delayLevel -1 (the client asking for the DLQ).
        let back1 = try await sendBack(
            client, commitLogOffset: original.physicalOffset.rawValue, group: "DlqGroup",
            delayLevel: 0, topic: "DlqOrigin")
        let back2 = try await sendBack(
            client, commitLogOffset: other.physicalOffset.rawValue, group: "DlqGroup",
            delayLevel: -1, topic: "DlqOrigin")
        #expect(back1.code == ResponseCode.success.rawValue && back2.code == ResponseCode.success.rawValue)

        // Dead letters become listable once the DLQ's consume queue has them (built asynchronously).
        var listed = try admin(node, "dlq", "list", "--group", "DlqGroup")
        let deadline = ContinuousClock.now + .seconds(10)
        while listed.lines.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            listed = try admin(node, "dlq", "list", "--group", "DlqGroup")
        }
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.lines.count == 2, "\(listed.stdout)")
        let dead = try #require(listed.lines.first)
        let uniqueKey = try #require(original.property("UNIQ_KEY"))
        #expect(dead["msgId"]?.stringValue == uniqueKey)
        #expect(dead["originTopic"]?.stringValue == "DlqOrigin")
        #expect(dead["originMsgId"]?.stringValue == original.offsetMessageId)
        #expect(dead["tags"]?.stringValue == "TagPoison")
        #expect(dead["keys"]?.stringValue == "order-7 order-8")
        #expect(dead["bodySize"]?.int64Value == 8)
        #expect(dead["queueOffset"]?.int64Value == 0)
        #expect(listed.lines.last?["queueOffset"]?.int64Value == 1)
        let paged = try admin(node, "dlq", "list", "--group", "DlqGroup", "--max", "1", "--offset", "1")
        #expect(paged.lines.map { $0["queueOffset"]?.int64Value } == [1])

        let resent = try admin(node, "dlq", "resend", "--group", "DlqGroup", "--msg-id", uniqueKey)
        #expect(resent.status == 0, "\(resent.stderr)")
        let result = try #require(resent.lines.first)
        #expect(resent.lines.count == 1)
        #expect(result["sent"] == .bool(true))
        #expect(result["topic"]?.stringValue == "DlqOrigin")
        #expect(result["msgId"]?.stringValue == uniqueKey)
        #expect(result["dlqOffsetMsgId"]?.stringValue == dead["offsetMsgId"]?.stringValue)
        let copyQueue = try #require(result["queueId"]?.int64Value)
        let copyOffset = try #require(result["queueOffset"]?.int64Value)

        // The consumer of the origin topic gets the message as it was first sent.
        let copy = try await message(client, topic: "DlqOrigin", queueId: Int32(copyQueue), offset: copyOffset)
        #expect(copy.body.map { String(buffer: $0) } == "poison-1")
        #expect(copy.property("TAGS") == "TagPoison")
        #expect(copy.property("KEYS") == "order-7 order-8")
        #expect(copy.propertiesDictionary == original.propertiesDictionary)
        #expect(copy.reconsumeTimes == 0)
        #expect(copy.offsetMessageId == result["offsetMsgId"]?.stringValue)

        // Re-sending again stores a second copy with the same message id; the DLQ keeps both dead letters.
        let again = try admin(node, "dlq", "resend", "--group", "DlqGroup", "--msg-id", uniqueKey)
        #expect(again.lines.first?["msgId"]?.stringValue == uniqueKey)
        #expect(again.lines.first?["offsetMsgId"]?.stringValue != result["offsetMsgId"]?.stringValue)
        #expect(try admin(node, "dlq", "list", "--group", "DlqGroup").lines.count == 2)

        // An offset id works too, and --all re-sends every dead letter in DLQ order.
        let byOffsetID = try admin(
            node, "dlq", "resend", "--group", "DlqGroup", "--msg-id",
            dead["offsetMsgId"]?.stringValue ?? "")
        #expect(byOffsetID.lines.first?["sent"] == .bool(true), "\(byOffsetID.stderr)")
        let all = try admin(node, "dlq", "resend", "--group", "DlqGroup", "--all")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.lines.map { $0["dlqQueueOffset"]?.int64Value } == [0, 1])
        #expect(all.lines.allSatisfy { $0["sent"] == .bool(true) })
        let lastCopy = try await message(
            client, topic: "DlqOrigin", queueId: Int32(all.lines[1]["queueId"]?.int64Value ?? 0),
            offset: all.lines[1]["queueOffset"]?.int64Value ?? -1)
        #expect(lastCopy.body.map { String(buffer: $0) } == "poison-2")
        #expect(lastCopy.propertiesDictionary == other.propertiesDictionary)

        let missing = try admin(node, "dlq", "resend", "--group", "DlqGroup", "--msg-id", "NOT-A-DEAD-LETTER")
        #expect(missing.status == 1 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("no message with id NOT-A-DEAD-LETTER"))
        let unknownGroup = try admin(node, "dlq", "list", "--group", "NoSuchGroup")
        #expect(unknownGroup.status == 1)
        #expect(unknownGroup.stderr.contains("not found"))
        let usage = try admin(node, "dlq", "resend", "--group", "DlqGroup")
        #expect(usage.status != 0 && usage.stdout.isEmpty)
    }
}
