import Core
import NIOCore
import Store
import TestSupport
import Testing

/// TERN_QUERY_DLQ_MESSAGE / TERN_RESEND_DLQ_MESSAGE on the processor table: what a copy keeps and drops, where it
/// goes, and the refusals.
@Suite struct DeadLetterQueueProcessorTests {
    /// A dead letter as POP revive writes it, carrying every kind of bookkeeping a copy must not inherit.
    static func deadLetter(body: String, originTopic: String) -> MessageToStore {
        MessageToStore(
            topic: "%DLQ%G", queueId: 0, flag: 7, body: ByteBuffer(string: body),
            properties: [
                ("UNIQ_KEY", "UK-\(body)"), ("TAGS", "TagA"), ("KEYS", "k1 k2"), ("color", "blue"),
                ("RETRY_TOPIC", "NotTheOrigin"), ("ORIGIN_MESSAGE_ID", "FIRST-HOP"), ("DLQ_ORIGIN_TOPIC", originTopic),
                ("DLQ_ORIGIN_MESSAGE_ID", "ORIGIN-\(body)"), ("1ST_POP_TIME", "1"), ("DELAY", "-1"),
                ("REAL_TOPIC", "%RETRY%G"), ("REAL_QID", "0"), ("TIMER_DELIVER_MS", "1"), ("TRAN_MSG", "true"),
                ("RECONSUME_TIME", "3"), ("MAX_RECONSUME_TIMES", "3"), ("WAIT", "false"), ("CLUSTER", "Old"),
            ],
            sysFlag: SysFlag.compressed | SysFlag.transactionCommit, bornTimestamp: 1, bornHost: .loopbackIPv4,
            reconsumeTimes: 5)
    }

    func fixture(withDeadLetters bodies: [(String, String)]) async throws -> BrokerFixture {
        let fixture = try BrokerFixture()
        fixture.broker.topics.update(TopicConfig(topicName: "Orders", readQueueNums: 1, writeQueueNums: 1))
        fixture.broker.topics.update(TopicConfig(topicName: "%DLQ%G", readQueueNums: 1, writeQueueNums: 1))
        for (body, origin) in bodies {
            let result = await withCheckedContinuation { continuation in
                fixture.store.putMessage(Self.deadLetter(body: body, originTopic: origin)) {
                    continuation.resume(returning: $0)
                }
            }
            #expect(result.status == .putOK)
        }
        return fixture
    }

    func request(_ code: RequestCode, _ fields: [String: String]) -> RemotingCommand {
        .request(code, extFields: fields)
    }

    @Test func aCopyKeepsTheMessageAndDropsTheTripThroughRetryAndTheDLQ() async throws {
        let fixture = try await fixture(withDeadLetters: [("poison", "Orders")])
        defer { fixture.directory.remove() }
        let listed = try #require(await fixture.call(request(.ternQueryDeadLetterMessages, ["consumerGroup": "G"])))
        #expect(listed.code == ResponseCode.success.rawValue, "\(listed.remark ?? "")")
        let listBody = try #require(listed.body)
        let page = try DeadLetterMessageList(jsonBody: listBody)
        let dead = try #require(page.messages.first)
        #expect(dead.originTopic == "Orders", "DLQ_ORIGIN_TOPIC wins over RETRY_TOPIC")
        #expect(dead.originMsgId == "ORIGIN-poison")
        #expect(dead.msgId == "UK-poison" && dead.reconsumeTimes == 5 && dead.bodySize == 6)
        #expect(dead.tags == "TagA" && dead.keys == "k1 k2")

        let resent = try #require(
            await fixture.call(
                request(.ternResendDeadLetterMessages, ["consumerGroup": "G", "msgId": "UK-poison"])))
        #expect(resent.code == ResponseCode.success.rawValue, "\(resent.remark ?? "")")
        let resentBody = try #require(resent.body)
        let entry = try #require(try DeadLetterResendResult(jsonBody: resentBody).results.first)
        #expect(entry.isSent && entry.topic == "Orders" && entry.msgId == "UK-poison")

        let copyOffset = try #require(MessageId.decodeOffsetMessageId(entry.offsetMsgId)).1
        let copy = try #require(fixture.store.message(at: copyOffset).flatMap { MessageRecord.decode($0) })
        #expect(copy.topic == "Orders")
        #expect(copy.body.map { String(buffer: $0) } == "poison")
        #expect(copy.flag == 7 && copy.reconsumeTimes == 0)
        #expect(copy.sysFlag & SysFlag.compressed != 0, "the body is still compressed")
        #expect(copy.sysFlag & SysFlag.transactionMask == 0)
        let names = Set(copy.properties.map(\.0))
        #expect(names == ["UNIQ_KEY", "TAGS", "KEYS", "color", "WAIT", "CLUSTER", "MSG_REGION", "TRACE_ON"])
        #expect(copy.property("WAIT") == "true" && copy.property("CLUSTER") != "Old")
    }

    @Test func aCopyIsNeverSentToAnOriginTopicThatNoLongerExists() async throws {
        let fixture = try await fixture(withDeadLetters: [("kept", "Orders"), ("orphan", "Deleted")])
        defer { fixture.directory.remove() }
        let single = try #require(
            await fixture.call(
                request(.ternResendDeadLetterMessages, ["consumerGroup": "G", "msgId": "UK-orphan"])))
        #expect(single.code == ResponseCode.topicNotExist.rawValue)
        #expect(single.remark?.contains("Deleted") == true)
        #expect(fixture.broker.topics.config("Deleted") == nil, "not auto-created")

        let all = try #require(
            await fixture.call(
                request(.ternResendDeadLetterMessages, ["consumerGroup": "G", "all": "true"])))
        #expect(all.code == ResponseCode.success.rawValue)
        let allBody = try #require(all.body)
        let result = try DeadLetterResendResult(jsonBody: allBody)
        #expect(result.results.map(\.isSent) == [true, false])
        #expect(result.results.last?.responseCode == ResponseCode.topicNotExist.rawValue)
        #expect(result.nextOffset == 2 && result.maxOffset == 2)
    }

    @Test func badRequestsAreRefusedWithTheirCode() async throws {
        let fixture = try await fixture(withDeadLetters: [("poison", "Orders")])
        defer { fixture.directory.remove() }
        let cases: [([String: String], RequestCode, ResponseCode)] = [
            (["consumerGroup": "G"], .ternResendDeadLetterMessages, .invalidParameter),
            (["consumerGroup": "G", "msgId": "x", "all": "true"], .ternResendDeadLetterMessages, .invalidParameter),
            (["consumerGroup": "G", "maxCount": "0"], .ternQueryDeadLetterMessages, .invalidParameter),
            (["consumerGroup": "G", "offset": "-1"], .ternQueryDeadLetterMessages, .invalidParameter),
            (["consumerGroup": "bad group"], .ternQueryDeadLetterMessages, .invalidParameter),
            (["consumerGroup": "NoSuchGroup"], .ternQueryDeadLetterMessages, .subscriptionGroupNotExist),
            (["consumerGroup": "G", "msgId": "UNKNOWN"], .ternResendDeadLetterMessages, .queryNotFound),
        ]
        for (fields, code, expected) in cases {
            let response = try #require(await fixture.call(request(code, fields)))
            #expect(response.code == expected.rawValue, "\(fields): \(response.code) \(response.remark ?? "")")
        }
    }
}
