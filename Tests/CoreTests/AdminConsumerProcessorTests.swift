import Core
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct AdminConsumerProcessorTests {
    /// A topic with 2 queues, 3 messages on queue 0 (store times t, t+10, t+20) and 1 on queue 1.
    private func fixtureWithMessages() async throws -> BrokerFixture {
        let fixture = try BrokerFixture()
        await fixture.call(fixture.createTopicRequest("Orders", queues: 2))
        for index in 0..<3 {
            await fixture.send(topic: "Orders", body: "m\(index)", queueId: 0, properties: [])
            fixture.clock.advance(milliseconds: 10)
        }
        await fixture.send(topic: "Orders", body: "q1", queueId: 1, properties: [])
        return fixture
    }

    @Test func consumeStatsReportBrokerAndConsumerOffsetsPerQueue() async throws {
        let fixture = try await fixtureWithMessages()
        defer { fixture.directory.remove() }
        fixture.broker.offsets.commitOffset(group: "cg", topic: "Orders", queueId: 0, offset: 2)
        let start = fixture.clock.read() - 30

        for extFields in [["consumerGroup": "cg"], ["consumerGroup": "cg", "topic": "Orders"]] {
            let response = try #require(await fixture.call(.request(.getConsumeStats, extFields: extFields)))
            #expect(response.code == ResponseCode.success.rawValue)
            let stats = try ConsumeStats(jsonBody: try #require(response.body))
            let queue0 = try #require(
                stats.offsetTable[MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 0)])
            #expect(
                queue0 == OffsetWrapper(brokerOffset: 3, consumerOffset: 2, pullOffset: 2, lastTimestamp: start + 10))
            #expect(queue0.lag == 1)
            let queue1 = try #require(
                stats.offsetTable[MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 1)])
            #expect(queue1 == OffsetWrapper(brokerOffset: 1, consumerOffset: 0, pullOffset: 0, lastTimestamp: 0))
        }

        let unknown = try #require(
            await fixture.call(.request(.getConsumeStats, extFields: ["consumerGroup": "nobody"])))
        #expect(unknown.code == ResponseCode.success.rawValue)
        #expect(try ConsumeStats(jsonBody: try #require(unknown.body)).offsetTable.isEmpty)
        let missing = try #require(await fixture.call(.request(.getConsumeStats)))
        #expect(missing.code == ResponseCode.systemError.rawValue)
        #expect(missing.remark == "the custom field <consumerGroup> is null")
    }

    @Test func consumerConnectionListDescribesTheLiveGroup() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let context = FakeRequestContext(connectionID: "c1", remoteAddress: "10.0.0.1:4000")
        await fixture.call(heartbeat(clientID: "10.0.0.1@1", group: "cg", topic: "Orders"), context: context)
        let response = try #require(
            await fixture.call(.request(.getConsumerConnectionList, extFields: ["consumerGroup": "cg"])))
        #expect(response.code == ResponseCode.success.rawValue)
        let connection = try ConsumerConnection(jsonBody: try #require(response.body))
        #expect(connection.connectionSet.map(\.clientId) == ["10.0.0.1@1"])
        #expect(connection.connectionSet.first?.clientAddr == "10.0.0.1:4000")
        #expect(connection.messageModel == .clustering)
        #expect(connection.consumeType == .consumePassively)
        #expect(connection.subscriptionTable["Orders"]?.subString == "*")

        let offline = try #require(
            await fixture.call(.request(.getConsumerConnectionList, extFields: ["consumerGroup": "gone"])))
        #expect(offline.code == ResponseCode.consumerNotOnline.rawValue)
        #expect(offline.remark == "the consumer group[gone] not online")
    }

    @Test func topicConsumedByWhoJoinsLiveSubscribersAndCommittedGroups() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.call(heartbeat(clientID: "c", group: "live", topic: "Orders"))
        fixture.broker.offsets.commitOffset(group: "offline", topic: "Orders", queueId: 0, offset: 1)
        fixture.broker.offsets.commitOffset(group: "other", topic: "Else", queueId: 0, offset: 1)
        let response = try #require(
            await fixture.call(.request(.queryTopicConsumeByWho, extFields: ["topic": "Orders"])))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(try GroupList(jsonBody: try #require(response.body)).groupList == ["live", "offline"])
    }

    @Test func resetOffsetByTimestampCommitsAndNotifiesLiveConsumers() async throws {
        let fixture = try await fixtureWithMessages()
        defer { fixture.directory.remove() }
        let context = FakeRequestContext(connectionID: "c1")
        await fixture.call(heartbeat(clientID: "c1", group: "cg", topic: "Orders"), context: context)
        fixture.broker.offsets.commitOffset(group: "cg", topic: "Orders", queueId: 0, offset: 3)
        let timestamp = fixture.clock.read() - 20  // the store time of the second message on queue 0

        let response = try #require(
            await fixture.call(
                .request(
                    .invokeBrokerToResetOffset,
                    extFields: ["topic": "Orders", "group": "cg", "timestamp": String(timestamp), "isForce": "true"])))
        #expect(response.code == ResponseCode.success.rawValue)
        let body = try ResetOffsetBody(jsonBody: try #require(response.body))
        #expect(body.offsetTable[MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 0)] == 1)
        #expect(body.offsetTable[MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 1)] == 0)
        #expect(fixture.broker.offsets.queryOffset(group: "cg", topic: "Orders", queueId: 0) == 1)
        #expect(fixture.broker.offsets.queryOffset(group: "cg", topic: "Orders", queueId: 1) == 0)

        let notice = try #require(
            context.channel.sentRequests.last { $0.code == RequestCode.resetConsumerClientOffset.rawValue })
        #expect(notice.isOneway)
        #expect(notice.extFields["topic"] == "Orders")
        #expect(notice.extFields["group"] == "cg")
        #expect(try ResetOffsetBody(jsonBody: try #require(notice.body)) == body)
    }

    @Test func resetOffsetToLatestAndOneExactQueueAndWithoutForce() async throws {
        let fixture = try await fixtureWithMessages()
        defer { fixture.directory.remove() }
        func reset(_ extFields: [String: String]) async throws -> ResetOffsetBody {
            var fields = ["topic": "Orders", "group": "cg"]
            fields.merge(extFields) { $1 }
            let response = try #require(await fixture.call(.request(.invokeBrokerToResetOffset, extFields: fields)))
            #expect(response.code == ResponseCode.success.rawValue)
            return try ResetOffsetBody(jsonBody: try #require(response.body))
        }
        let latest = try await reset(["timestamp": "-1"])
        #expect(latest.offsetTable.values.sorted() == [1, 3])
        let exact = try await reset(["timestamp": "0", "queueId": "0", "offset": "2"])
        #expect(exact.offsetTable == [MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 0): 2])
        #expect(fixture.broker.offsets.queryOffset(group: "cg", topic: "Orders", queueId: 0) == 2)
        // Without force a queue only moves backwards, so queue 0 stays at 2 rather than jumping to 3.
        let notForced = try await reset(["timestamp": "-1", "isForce": "false"])
        #expect(notForced.offsetTable[MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 0)] == 2)
    }

    @Test func resetOffsetOfAnUnknownTopicIsASystemError() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let response = try #require(
            await fixture.call(
                .request(.invokeBrokerToResetOffset, extFields: ["topic": "Nope", "group": "cg", "timestamp": "0"])))
        #expect(response.code == ResponseCode.systemError.rawValue)
        #expect(response.remark == "[reset-offset] reset offset failed, no topic in this broker. topic=Nope")
        let noTimestamp = try #require(
            await fixture.call(.request(.invokeBrokerToResetOffset, extFields: ["topic": "Nope", "group": "cg"])))
        #expect(noTimestamp.remark == "the custom field <timestamp> is null")
    }
}
