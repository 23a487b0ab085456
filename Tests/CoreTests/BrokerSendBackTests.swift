import Core
import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct BrokerSendBackTests {
    /// Pulls everything in queue 0 of `topic` from offset 0.
    func records(_ fixture: BrokerFixture, topic: String) async -> [DecodedMessage] {
        decodeRecords(await fixture.call(fixture.pullRequest(group: "cg", topic: topic, offset: 0))?.body)
    }

    /// Retries wait in SCHEDULE_TOPIC_XXXX (level 3 + reconsumeTimes, queue = level - 1) for the retry topic.
    func parkedRetries(_ fixture: BrokerFixture, reconsumeTimes: Int32) async -> [DecodedMessage] {
        let request = fixture.pullRequest(group: "cg", topic: "SCHEDULE_TOPIC_XXXX", queueId: 2 + reconsumeTimes,
                                          offset: 0)
        return decodeRecords(await fixture.call(request)?.body).filter { $0.property("REAL_TOPIC") == "%RETRY%cg" }
    }

    func sendBack(_ fixture: BrokerFixture, _ record: DecodedMessage, maxReconsumeTimes: Int32) async
        -> RemotingCommand?
    {
        await fixture.call(
            .request(
                .consumerSendMessageBack,
                extFields: [
                    "offset": String(record.physicalOffset.rawValue), "group": "cg", "delayLevel": "0",
                    "originMsgId": record.property("UNIQ_KEY") ?? "", "originTopic": record.topic, "unitMode": "false",
                    "maxReconsumeTimes": String(maxReconsumeTimes),
                ]))
    }

    @Test func sendBackGoesToRetryThenToTheDeadLetterQueueAfterMax() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Orders", readQueueNums: 1, writeQueueNums: 1))
        await fixture.send(topic: "Orders", body: "fragile", tags: "T")
        let original = try #require(await records(fixture, topic: "Orders").first)

        #expect(await sendBack(fixture, original, maxReconsumeTimes: 2)?.code == ResponseCode.success.rawValue)
        let firstRetry = try #require(await parkedRetries(fixture, reconsumeTimes: 0).last)
        #expect(firstRetry.reconsumeTimes == 1)
        #expect(firstRetry.property("RETRY_TOPIC") == "Orders")
        #expect(firstRetry.property("ORIGIN_MESSAGE_ID") == original.offsetMessageId)
        #expect(firstRetry.property("UNIQ_KEY") == original.property("UNIQ_KEY"))
        #expect(firstRetry.body.map { String(buffer: $0) } == "fragile")

        _ = await sendBack(fixture, firstRetry, maxReconsumeTimes: 2)
        let secondRetry = try #require(await parkedRetries(fixture, reconsumeTimes: 1).last)
        #expect(secondRetry.reconsumeTimes == 2)
        #expect(secondRetry.property("RETRY_TOPIC") == "Orders")

        _ = await sendBack(fixture, secondRetry, maxReconsumeTimes: 2)
        #expect(await parkedRetries(fixture, reconsumeTimes: 2).isEmpty)
        let dead = try #require(await records(fixture, topic: "%DLQ%cg").first)
        #expect(dead.body.map { String(buffer: $0) } == "fragile")
        #expect(dead.property("RETRY_TOPIC") == "Orders")
        #expect(fixture.broker.topics.config("%DLQ%cg")?.perm == .readWrite)
    }

    @Test func negativeDelayLevelGoesStraightToTheDeadLetterQueue() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Orders", readQueueNums: 1, writeQueueNums: 1))
        await fixture.send(topic: "Orders", body: "poison")
        let original = try #require(await records(fixture, topic: "Orders").first)
        let response = await fixture.call(
            .request(
                .consumerSendMessageBack,
                extFields: [
                    "offset": String(original.physicalOffset.rawValue), "group": "cg", "delayLevel": "-1",
                ]))
        #expect(response?.code == ResponseCode.success.rawValue)
        #expect(await records(fixture, topic: "%DLQ%cg").count == 1)
    }

    @Test func sendBackOfAnUnknownOffsetFails() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let response = await fixture.call(
            .request(
                .consumerSendMessageBack,
                extFields: [
                    "offset": "999", "group": "cg", "delayLevel": "0",
                ]))
        #expect(response?.code == ResponseCode.systemError.rawValue)
        #expect(response?.remark == "look message by offset failed, 999")
    }
}
