import Core
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct AdminGroupAndBrokerInfoTests {
    @Test func createListAndDeleteASubscriptionGroup() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        var config = SubscriptionGroupConfig(groupName: "billing")
        config.retryMaxTimes = 3
        let writer = JSONWriter()
        config.write(to: writer)
        let created = try #require(
            await fixture.call(
                .request(.updateAndCreateSubscriptionGroup, body: ByteBuffer(bytes: writer.bytes()))))
        #expect(created.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.subscriptionGroups.config("billing")?.retryMaxTimes == 3)

        let all = try #require(await fixture.call(.request(.getAllSubscriptionGroupConfig)))
        let wrapper = try SubscriptionGroupWrapper(jsonBody: try #require(all.body))
        #expect(wrapper.subscriptionGroupTable["billing"]?.retryMaxTimes == 3)
        #expect(wrapper.subscriptionGroupTable["TOOLS_CONSUMER"] != nil)

        fixture.broker.offsets.commitOffset(group: "billing", topic: "T", queueId: 0, offset: 5)
        let deleted = try #require(
            await fixture.call(
                .request(.deleteSubscriptionGroup, extFields: ["groupName": "billing", "cleanOffset": "true"])))
        #expect(deleted.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.subscriptionGroups.config("billing") == nil)
        #expect(fixture.broker.offsets.offsets(group: "billing", topic: "T").isEmpty)
    }

    @Test(arguments: ["", "not json", #"{"retryMaxTimes":3}"#, #"{"groupName":"bad group"}"#])
    func updateGroupRejectsABadBody(body: String) async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let response = try #require(
            await fixture.call(.request(.updateAndCreateSubscriptionGroup, body: ByteBuffer(string: body))))
        #expect(response.code == ResponseCode.invalidParameter.rawValue)
    }

    @Test func deleteGroupNeedsAGroupNameAndToleratesUnknownGroups() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let missing = try #require(await fixture.call(.request(.deleteSubscriptionGroup)))
        #expect(missing.code == ResponseCode.systemError.rawValue)
        #expect(missing.remark == "the custom field <groupName> is null")
        let unknown = try #require(
            await fixture.call(.request(.deleteSubscriptionGroup, extFields: ["groupName": "nobody"])))
        #expect(unknown.code == ResponseCode.success.rawValue)
    }

    @Test func runtimeInfoIsAKVTableWithTheKeysClusterListReads() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.send(topic: "T", body: "x")
        let response = try #require(await fixture.call(.request(.getBrokerRuntimeInfo)))
        #expect(response.code == ResponseCode.success.rawValue)
        let table = try KVTable(jsonBody: try #require(response.body)).table
        #expect(table["brokerVersion"] == String(CoreVersion.remotingVersion))
        #expect(table["msgPutTotalTodayNow"] == "1")
        for key in [
            "brokerVersionDesc", "putTps", "getTransferredTps", "earliestMessageTimeStamp", "commitLogDiskRatio",
        ] {
            #expect(table[key] != nil, "missing \(key)")
        }
    }

    @Test func brokerConfigIsPropertiesTextWithAVersionHeader() async throws {
        let fixture = try BrokerFixture { $0.brokerName = "broker-x" }
        defer { fixture.directory.remove() }
        let response = try #require(await fixture.call(.request(.getBrokerConfig)))
        #expect(response.code == ResponseCode.success.rawValue)
        let text = String(buffer: try #require(response.body))
        #expect(text.split(separator: "\n").contains("brokerName=broker-x"))
        #expect(text.split(separator: "\n").contains("brokerClusterName=DefaultCluster"))
        let version = try DataVersion(jsonBytes: Array(try #require(response.extFields["version"]).utf8))
        #expect(version.timestamp == fixture.clock.read())
    }
}
