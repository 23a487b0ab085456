import Core
import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct BrokerSendPullTests {
    @Test func sendThenPullReturnsTheExactRecords() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let sent = try #require(await fixture.send(topic: "TopicTest", body: "Hello", tags: "TagA"))
        #expect(sent.code == ResponseCode.success.rawValue)
        #expect(sent.extFields["queueId"] == "0")
        #expect(sent.extFields["queueOffset"] == "0")
        #expect(sent.extFields["MSG_REGION"] == "DefaultRegion")
        #expect(sent.extFields["TRACE_ON"] == "true")
        #expect(sent.extFields["transactionId"] == "ID-Hello")
        let msgId = try #require(sent.extFields["msgId"])
        #expect(msgId == "7F00000100002A9F0000000000000000")
        #expect(fixture.broker.topics.config("TopicTest")?.writeQueueNums == 4)

        let pulled = try #require(await fixture.call(fixture.pullRequest(topic: "TopicTest", offset: 0)))
        #expect(pulled.code == ResponseCode.success.rawValue)
        #expect(pulled.extFields["nextBeginOffset"] == "1")
        #expect(pulled.extFields["maxOffset"] == "1")
        #expect(pulled.extFields["minOffset"] == "0")
        #expect(pulled.extFields["suggestWhichBrokerId"] == "0")
        let records = decodeRecords(pulled.body)
        try #require(records.count == 1)
        #expect(records[0].topic == "TopicTest")
        #expect(records[0].body.map { String(buffer: $0) } == "Hello")
        #expect(records[0].offsetMessageId == msgId)
        #expect(records[0].property("TAGS") == "TagA")
        #expect(records[0].property("UNIQ_KEY") == "ID-Hello")
        #expect(records[0].property("CLUSTER") == "DefaultCluster")
    }

    @Test func cppStyleNumericExtFieldsAreAcceptedOnSendV2() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let header =
            #"{"code":310,"language":"CPP","version":333,"opaque":7,"flag":0,"remark":"","extFields":"#
            + #"{"a":"pg","b":"CppTopic","c":"TBW102","d":4,"e":-1,"f":0,"g":"1700000000000","h":0,"#
            + #""i":"TAGS\u0001T\u0002","j":"0","k":"false","l":16,"m":"false","AccessKey":"","Signature":""}}"# + "\n"
        var request = try RemotingCommand(jsonHeader: ByteBuffer(string: header))
        request.body = ByteBuffer(string: "from c++")
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(response.opaque == 7)
        let queueId = try #require(response.extFields["queueId"].flatMap { Int32($0) })
        #expect((0..<4).contains(queueId))
        #expect(response.extFields["msgId"]?.count == 32)
        // The broker generated a UNIQ_KEY because the C++ request carried none.
        let pulled = try #require(
            await fixture.call(fixture.pullRequest(topic: "CppTopic", queueId: queueId, offset: 0)))
        #expect(decodeRecords(pulled.body).first?.property("UNIQ_KEY")?.count == 32)
    }

    @Test func sendsThatLeaveTheQueueToTheBrokerAreSpreadRoundRobin() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        var perQueue: [String: Int] = [:]
        for index in 0..<8 {
            let sent = try #require(await fixture.send(topic: "SpreadTopic", body: "m\(index)", queueId: -1))
            #expect(sent.code == ResponseCode.success.rawValue)
            perQueue[sent.extFields["queueId"] ?? "none", default: 0] += 1
        }
        #expect(perQueue == ["0": 2, "1": 2, "2": 2, "3": 2])
    }

    @Test func batchOnV2WithMTrueStoresEachElement() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let elements = ["one", "two", "three"].map {
            MessageToStore(
                topic: "Batch", queueId: 0, body: ByteBuffer(string: $0),
                properties: [("UNIQ_KEY", "U-\($0)")], bornTimestamp: 0, bornHost: .loopbackIPv4)
        }
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": "Batch", "c": "TBW102", "d": "4", "e": "1", "f": "0", "g": "0", "h": "0", "m": "true",
            ], body: BatchMessageDecoder.encode(elements))
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(response.extFields["msgId"]?.split(separator: ",").count == 3)
        let pulled = try #require(await fixture.call(fixture.pullRequest(topic: "Batch", queueId: 1, offset: 0)))
        let records = decodeRecords(pulled.body)
        #expect(records.compactMap { $0.body.map { String(buffer: $0) } } == ["one", "two", "three"])
        #expect(records.map { $0.property("UNIQ_KEY") } == ["U-one", "U-two", "U-three"])
    }

    @Test(arguments: [
        (["a": "pg", "e": "0"], ResponseCode.systemError, "topic"),
        (["a": "pg", "b": "T", "e": "x"], ResponseCode.systemError, "queueId"),
        (["a": "pg", "b": "bad topic", "e": "0"], ResponseCode.invalidParameter, "illegal"),
        (["a": "pg", "b": "SCHEDULE_TOPIC_XXXX", "e": "0"], ResponseCode.noPermission, "forbidden"),
        (["a": "pg", "b": "NoTemplate", "c": "Missing", "e": "0"], ResponseCode.topicNotExist, "NoTemplate"),
        (["a": "pg", "b": "T", "e": "9"], ResponseCode.invalidParameter, "queueId[9]"),
        (["a": "pg", "b": "%RETRY%g", "e": "0", "m": "true"], ResponseCode.messageIllegal, "retry"),
        // A bad one-letter value is named by its long name; a long name wins over the one-letter one.
        (["a": "pg", "b": "T", "e": "0", "f": "zz"], ResponseCode.systemError, "<sysFlag>"),
        (["producerGroup": "pg", "topic": "bad topic", "b": "T", "queueId": "0"], ResponseCode.invalidParameter,
         "illegal"),
    ])
    func badSendsAreRefusedWithARemarkNamingTheProblem(
        fields: [String: String], code: ResponseCode,
        remarkPart: String
    ) async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let request = RemotingCommand.request(.sendMessageV2, extFields: fields, body: ByteBuffer(string: "x"))
        let response = try #require(await fixture.call(request))
        #expect(response.code == code.rawValue)
        #expect(response.remark?.contains(remarkPart) == true, "remark: \(response.remark ?? "nil")")
    }

    @Test(arguments: [
        // (messages in queue, requested offset, subscription, expected code, expected nextBeginOffset)
        (0, Int64(0), "*", ResponseCode.pullNotFound, "0"),
        (0, Int64(5), "*", ResponseCode.pullOffsetMoved, "0"),
        (3, Int64(0), "*", ResponseCode.success, "3"),
        (3, Int64(3), "*", ResponseCode.pullNotFound, "3"),
        // An offset past the end moves the consumer to the max offset (spec pull outcome table, RocketMQ 5.x).
        (3, Int64(7), "*", ResponseCode.pullOffsetMoved, "3"),
        (3, Int64(0), "TagB", ResponseCode.pullRetryImmediately, "3"),
        (3, Int64(1), "TagA || TagB", ResponseCode.success, "3"),
    ])
    func pullOutcomeTable(
        count: Int, offset: Int64, subscription: String, code: ResponseCode,
        next: String
    ) async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Pulled", readQueueNums: 1, writeQueueNums: 1))
        for index in 0..<count { await fixture.send(topic: "Pulled", body: "m\(index)", tags: "TagA") }
        let request = fixture.pullRequest(topic: "Pulled", offset: offset, subscription: subscription)
        let response = try #require(await fixture.call(request))
        #expect(response.code == code.rawValue)
        #expect(response.extFields["nextBeginOffset"] == next)
        #expect(response.extFields["minOffset"] == "0")
        #expect(response.extFields["maxOffset"] == String(count))
        #expect(response.extFields["suggestWhichBrokerId"] == "0")
    }

    @Test func pullWithoutSubscriptionBitUsesTheHeartbeatSubscription() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Sub", readQueueNums: 1, writeQueueNums: 1))
        await fixture.send(topic: "Sub", body: "a", tags: "TagA")
        var request = fixture.pullRequest(topic: "Sub", offset: 0)
        request.extFields["sysFlag"] = "0"
        let before = try #require(await fixture.call(request))
        #expect(before.code == ResponseCode.subscriptionNotExist.rawValue)
        await fixture.call(heartbeat(clientID: "c1", group: "cg", topic: "Sub", expression: "TagB"))
        let filtered = try #require(await fixture.call(request))
        #expect(filtered.code == ResponseCode.pullRetryImmediately.rawValue)
    }
}

/// A Java-style heartbeat body for one push consumer.
func heartbeat(clientID: String, group: String, topic: String, expression: String = "*") -> RemotingCommand {
    let tags =
        expression == "*"
        ? ""
        : expression.split(separator: "|").map { "\"\($0.trimmingCharacters())\"" }
            .filter { $0 != "\"\"" }.joined(separator: ",")
    let body =
        #"{"clientID":"\#(clientID)","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET","#
        + #""consumeType":"CONSUME_PASSIVELY","groupName":"\#(group)","messageModel":"CLUSTERING","#
        + #""subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"TAG","#
        + #""subString":"\#(expression)","subVersion":1700000000000,"tagsSet":[\#(tags)],"topic":"\#(topic)"}],"#
        + #""unitMode":false}],"producerDataSet":[{"groupName":"CLIENT_INNER_PRODUCER"}]}"#
    return .request(.heartBeat, body: ByteBuffer(string: body))
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
