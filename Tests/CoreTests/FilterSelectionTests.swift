import Core
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct FilterSelectionTests {
    /// Sends five messages with property `n` = 0...4 and alternating tags.
    private func sendNumbered(_ fixture: BrokerFixture, topic: String) async {
        for n in 0..<5 {
            let properties = "UNIQ_KEY\u{1}ID-\(n)\u{2}n\u{1}\(n)\u{2}TAGS\u{1}\(n % 2 == 0 ? "even" : "odd")\u{2}"
            let request = RemotingCommand.request(
                .sendMessageV2,
                extFields: [
                    "a": "pg", "b": topic, "c": "TBW102", "d": "1", "e": "0", "f": "0", "g": "0", "h": "0",
                    "i": properties,
                ], body: ByteBuffer(string: "m\(n)"))
            await fixture.call(request)
        }
    }

    private func bodies(_ response: RemotingCommand?) -> [String] {
        decodeRecords(response?.body).compactMap { $0.body.map { String(buffer: $0) } }
    }

    @Test func pullWithRequestSubscriptionSelectsBySQL92() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await sendNumbered(fixture, topic: "SqlTopic")
        var request = fixture.pullRequest(topic: "SqlTopic", offset: 0, subscription: "n >= 1 AND TAGS = 'odd'")
        request.extFields["expressionType"] = "SQL92"
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(bodies(response) == ["m1", "m3"])
        #expect(response.extFields["nextBeginOffset"] == "5")
    }

    @Test func pullUsesTheHeartbeatSubscriptionWhenTheRequestHasNone() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await sendNumbered(fixture, topic: "SqlTopic")
        let heartbeat =
            #"{"clientID":"c1","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","#
            + #""consumeType":"CONSUME_PASSIVELY","groupName":"cg","messageModel":"CLUSTERING","#
            + #""subscriptionDataSet":[{"classFilterMode":false,"codeSet":[],"expressionType":"SQL92","#
            + #""subString":"n IN ('0', '4')","subVersion":1,"tagsSet":[],"topic":"SqlTopic"}],"unitMode":false}],"#
            + #""producerDataSet":[]}"#
        let registered = await fixture.call(.request(.heartBeat, body: ByteBuffer(string: heartbeat)))
        #expect(registered?.code == ResponseCode.success.rawValue)
        var request = fixture.pullRequest(topic: "SqlTopic", offset: 0)
        request.extFields["sysFlag"] = "0"
        #expect(bodies(await fixture.call(request)) == ["m0", "m4"])
    }

    @Test func invalidSQLOnPullIsSubscriptionParseFailed() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await sendNumbered(fixture, topic: "SqlTopic")
        var request = fixture.pullRequest(topic: "SqlTopic", offset: 0, subscription: "n >")
        request.extFields["expressionType"] = "SQL92"
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.subscriptionParseFailed.rawValue)
        #expect(response.remark?.contains("position 3") == true)
    }

    @Test func sql92IsRefusedWhenPropertyFilterIsDisabled() async throws {
        let fixture = try BrokerFixture { $0.enablePropertyFilter = false }
        defer { fixture.directory.remove() }
        await sendNumbered(fixture, topic: "SqlTopic")
        var request = fixture.pullRequest(topic: "SqlTopic", offset: 0, subscription: "n > 1")
        request.extFields["expressionType"] = "SQL92"
        #expect(await fixture.call(request)?.code == ResponseCode.systemError.rawValue)
    }

    @Test func popWithSQL92ExpressionSelectsByProperties() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await sendNumbered(fixture, topic: "SqlTopic")
        let request = RemotingCommand.request(
            .popMessage,
            extFields: [
                "consumerGroup": "pg-pop", "topic": "SqlTopic", "queueId": "0", "maxMsgNums": "32",
                "invisibleTime": "30000", "pollTime": "0", "bornTime": String(fixture.clock.read()), "initMode": "0",
                "expType": "SQL92", "exp": "n BETWEEN 2 AND 3",
            ])
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(bodies(response) == ["m2", "m3"])

        var invalid = request
        invalid.extFields["exp"] = "n BETWEEN"
        #expect(await fixture.call(invalid)?.code == ResponseCode.subscriptionParseFailed.rawValue)
    }

    @Test(arguments: [
        ("TAG", "TagA || TagB", ResponseCode.success),
        ("SQL92", "a > 1 AND b IS NOT NULL", ResponseCode.success),
        ("SQL92", "a > > 1", ResponseCode.subscriptionParseFailed),
    ])
    func checkClientConfigValidatesTheSubscription(type: String, expression: String, expected: ResponseCode)
        async throws
    {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let body =
            #"{"clientId":"c1","group":"cg","namespace":"","subscriptionData":{"classFilterMode":false,"#
            + #""codeSet":[],"expressionType":"\#(type)","subString":"\#(expression)","subVersion":1,"#
            + #""tagsSet":[],"topic":"T"}}"#
        let response = try #require(await fixture.call(.request(.checkClientConfig, body: ByteBuffer(string: body))))
        #expect(response.code == expected.rawValue)
        if expected == .subscriptionParseFailed { #expect(response.remark?.contains("position") == true) }
    }
}
