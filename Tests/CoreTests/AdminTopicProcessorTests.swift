import Core
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct AdminTopicProcessorTests {
    @Test func createUpdateAndDeleteATopicFireTheTopicsChangedHook() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let changes = ChangeCounter()
        fixture.broker.setTopicsChangedHandler { changes.increment() }

        let created = try #require(await fixture.call(fixture.createTopicRequest("Orders", queues: 4)))
        #expect(created.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.topics.config("Orders")?.readQueueNums == 4)
        #expect(fixture.broker.topics.config("Orders")?.perm == .readWrite)
        #expect(changes.value == 1)

        var update = fixture.createTopicRequest("Orders", queues: 8, perm: 4)
        update.extFields["attributes"] = "+message.type=NORMAL"
        #expect(await fixture.call(update)?.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.topics.config("Orders")?.writeQueueNums == 8)
        #expect(fixture.broker.topics.config("Orders")?.perm == .read)
        #expect(fixture.broker.topics.config("Orders")?.attributes == ["message.type": "NORMAL"])
        #expect(changes.value == 2)

        await fixture.send(topic: "Orders", body: "x", queueId: 1, properties: [("WAIT", "true")])
        fixture.broker.offsets.commitOffset(group: "cg", topic: "Orders", queueId: 1, offset: 1)
        let deleted = try #require(
            await fixture.call(.request(.deleteTopicInBroker, extFields: ["topic": "Orders"])))
        #expect(deleted.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.topics.config("Orders") == nil)
        #expect(fixture.broker.offsets.offsets(group: "cg", topic: "Orders").isEmpty)
        #expect(fixture.store.maxOffset(topic: "Orders", queueId: 1).rawValue == 0)
        #expect(changes.value == 3)
    }

    @Test(arguments: [
        ("bad topic!", "contains illegal characters"),
        ("TBW102", "is conflict with system topic"),
        ("SCHEDULE_TOPIC_XXXX", "is conflict with system topic"),
        ("rmq_sys_anything", "is conflict with system topic"),
    ])
    func invalidOrSystemTopicNamesAreRefused(topic: String, remark: String) async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let create = try #require(await fixture.call(fixture.createTopicRequest(topic)))
        #expect(create.code == ResponseCode.invalidParameter.rawValue)
        #expect(create.remark?.contains(remark) == true)
        let delete = try #require(await fixture.call(.request(.deleteTopicInBroker, extFields: ["topic": topic])))
        #expect(delete.code == ResponseCode.invalidParameter.rawValue)
    }

    @Test func createRejectsMissingFieldsAndBadQueueCounts() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        var missing = fixture.createTopicRequest("T")
        missing.extFields["perm"] = nil
        let noPerm = try #require(await fixture.call(missing))
        #expect(noPerm.code == ResponseCode.systemError.rawValue)
        #expect(noPerm.remark == "the custom field <perm> is null")
        let zero = try #require(await fixture.call(fixture.createTopicRequest("T", queues: 0)))
        #expect(zero.code == ResponseCode.invalidParameter.rawValue)
        var badAttribute = fixture.createTopicRequest("T")
        badAttribute.extFields["attributes"] = "message.type"
        #expect(await fixture.call(badAttribute)?.code == ResponseCode.invalidParameter.rawValue)
        #expect(fixture.broker.topics.config("T") == nil)
    }

    @Test func allTopicConfigListsEveryTopicAndCountsThemForPagingClients() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.call(fixture.createTopicRequest("Orders"))
        let plain = try #require(await fixture.call(.request(.getAllTopicConfig)))
        #expect(plain.code == ResponseCode.success.rawValue)
        #expect(plain.extFields["totalTopicNum"] == nil)
        let wrapper = try TopicConfigSerializeWrapper(jsonBody: try #require(plain.body))
        #expect(wrapper.topicConfigTable["Orders"]?.writeQueueNums == 4)
        #expect(wrapper.topicConfigTable["TBW102"] != nil)

        let paged = try #require(
            await fixture.call(.request(.getAllTopicConfig, extFields: ["topicSeq": "0", "maxTopicNum": "100"])))
        #expect(paged.extFields["totalTopicNum"] == String(wrapper.topicConfigTable.count))
    }

    @Test func topicConfigAnswersOneTopicOrTopicNotExist() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.call(fixture.createTopicRequest("Orders", queues: 2))
        let found = try #require(await fixture.call(.request(.getTopicConfig, extFields: ["topic": "Orders"])))
        #expect(found.code == ResponseCode.success.rawValue)
        #expect(try TopicConfig(jsonBody: try #require(found.body)).readQueueNums == 2)
        let missing = try #require(await fixture.call(.request(.getTopicConfig, extFields: ["topic": "Nope"])))
        #expect(missing.code == ResponseCode.topicNotExist.rawValue)
        #expect(missing.remark == "No topic in this broker. topic: Nope")
    }

    @Test func topicStatsReportMinMaxAndLastStoreTimePerQueue() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.call(fixture.createTopicRequest("Orders", queues: 2))
        await fixture.send(topic: "Orders", body: "a", queueId: 1, properties: [])
        fixture.clock.advance(milliseconds: 10)
        await fixture.send(topic: "Orders", body: "b", queueId: 1, properties: [])
        let response = try #require(await fixture.call(.request(.getTopicStatsInfo, extFields: ["topic": "Orders"])))
        #expect(response.code == ResponseCode.success.rawValue)
        let stats = try TopicStatsTable(jsonBody: try #require(response.body))
        #expect(stats.offsetTable.count == 2)
        let queue0 = MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 0)
        let queue1 = MessageQueue(topic: "Orders", brokerName: "broker-a", queueId: 1)
        #expect(stats.offsetTable[queue0] == TopicOffset(minOffset: 0, maxOffset: 0, lastUpdateTimestamp: 0))
        #expect(stats.offsetTable[queue1]?.maxOffset == 2)
        #expect(stats.offsetTable[queue1]?.lastUpdateTimestamp == fixture.clock.read())

        let missing = try #require(await fixture.call(.request(.getTopicStatsInfo, extFields: ["topic": "Nope"])))
        #expect(missing.code == ResponseCode.topicNotExist.rawValue)
        #expect(missing.remark == "topic[Nope] not exist")
    }
}
