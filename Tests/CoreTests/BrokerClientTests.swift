import Core
import Foundation
import Logging
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

@Suite struct BrokerClientTests {
    @Test func heartbeatRegistersTheConsumerAndNotifiesOtherMembers() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let first = FakeRequestContext(connectionID: "c1", remoteAddress: "10.0.0.1:4000")
        let second = FakeRequestContext(connectionID: "c2", remoteAddress: "10.0.0.2:4000")
        let response = try #require(
            await fixture.call(
                heartbeat(clientID: "10.0.0.1@1", group: "cg", topic: "T"),
                context: first))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(response.version == CoreVersion.remotingVersion)
        #expect(response.extFields["IS_SUPPORT_HEART_BEAT_V2"] == nil)
        #expect(fixture.broker.topics.config("%RETRY%cg")?.writeQueueNums == 1)
        #expect(fixture.broker.topics.config("%RETRY%cg")?.perm == .readWrite)
        #expect(fixture.broker.subscriptionGroups.config("cg")?.retryMaxTimes == 16)

        await fixture.call(heartbeat(clientID: "10.0.0.2@2", group: "cg", topic: "T"), context: second)
        let notified = first.channel.sentRequests.filter { $0.code == RequestCode.notifyConsumerIdsChanged.rawValue }
        #expect(notified.last?.extFields["consumerGroup"] == "cg")
        #expect(notified.last?.isOneway == true)
        #expect(second.channel.sentRequests.contains { $0.code == RequestCode.notifyConsumerIdsChanged.rawValue })

        // A repeated heartbeat changes nothing and notifies nobody.
        let before = first.channel.sentRequests.count
        await fixture.call(heartbeat(clientID: "10.0.0.2@2", group: "cg", topic: "T"), context: second)
        #expect(first.channel.sentRequests.count == before)

        let list = try #require(
            await fixture.call(
                .request(
                    .getConsumerListByGroup,
                    extFields: ["consumerGroup": "cg"])))
        #expect(list.body.flatMap(ConsumerListBody.decode)?.consumerIdList == ["10.0.0.1@1", "10.0.0.2@2"])

        fixture.broker.connectionClosed("c2")
        #expect(fixture.broker.consumers.clientIds(group: "cg") == ["10.0.0.1@1"])
        #expect(first.channel.sentRequests.count == before + 1)
    }

    @Test func consumerListOfAnUnknownGroupIsASystemError() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let response = try #require(
            await fixture.call(
                .request(
                    .getConsumerListByGroup,
                    extFields: ["consumerGroup": "nobody"])))
        #expect(response.code == ResponseCode.systemError.rawValue)
        #expect(response.remark == "no consumer for this group, nobody")
    }

    @Test func channelsExpireAfterTheirTimeout() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.call(heartbeat(clientID: "c", group: "cg", topic: "T"))
        fixture.clock.advance(milliseconds: 121_000)
        fixture.broker.runPeriodicWork(tick: 10)
        #expect(fixture.broker.consumers.clientIds(group: "cg").isEmpty)
    }

    @Test func unregisterRemovesTheClient() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let context = FakeRequestContext(connectionID: "c9")
        await fixture.call(heartbeat(clientID: "c9id", group: "cg", topic: "T"), context: context)
        let unregister = RemotingCommand.request(
            .unregisterClient,
            extFields: [
                "clientID": "c9id",
                "consumerGroup": "cg",
            ])
        let response = try #require(await fixture.call(unregister, context: FakeRequestContext(connectionID: "c9")))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(fixture.broker.consumers.clientIds(group: "cg").isEmpty)
    }

    @Test func offsetsArePersistedAcrossAManagerReload() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let update = RemotingCommand.request(
            .updateConsumerOffset,
            extFields: [
                "consumerGroup": "cg", "topic": "T", "queueId": "2", "commitOffset": "12",
            ], oneway: true)
        let context = FakeRequestContext()
        fixture.broker.processors[update.code]?.process(update, context: context)
        #expect(context.allResponses.isEmpty, "oneway requests get no response")
        fixture.broker.shutdown()

        let text = try String(contentsOfFile: fixture.directory.path + "/config/consumerOffset.json", encoding: .utf8)
        #expect(text == #"{"offsetTable":{"T@cg":{"2":12}}}"#)
        let reloaded = try BrokerFixture(directory: fixture.directory)
        reloaded.broker.start()
        defer { reloaded.broker.shutdown() }
        let query = RemotingCommand.request(
            .queryConsumerOffset,
            extFields: [
                "consumerGroup": "cg", "topic": "T", "queueId": "2",
            ])
        let response = try #require(await reloaded.call(query))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(response.extFields["offset"] == "12")
    }

    @Test func queryWithoutStoredOffsetFollowsTheQueryNotFoundRule() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let query = RemotingCommand.request(
            .queryConsumerOffset,
            extFields: [
                "consumerGroup": "new", "topic": "T", "queueId": "0",
            ])
        #expect(await fixture.call(query)?.extFields["offset"] == "0")
        var strict = query
        strict.extFields["setZeroIfNotFound"] = "false"
        #expect(await fixture.call(strict)?.code == ResponseCode.queryNotFound.rawValue)
    }

    @Test func queueOffsetLookups() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "O", readQueueNums: 1, writeQueueNums: 1))
        await fixture.send(topic: "O", body: "1")
        await fixture.send(topic: "O", body: "2")
        let fields = ["topic": "O", "queueId": "0"]
        #expect(await fixture.call(.request(.getMaxOffset, extFields: fields))?.extFields["offset"] == "2")
        #expect(await fixture.call(.request(.getMinOffset, extFields: fields))?.extFields["offset"] == "0")
        var search = fields
        search["timestamp"] = "0"
        #expect(await fixture.call(.request(.searchOffsetByTimestamp, extFields: search))?.extFields["offset"] == "0")
        let earliest = await fixture.call(.request(.getEarliestMessageStoreTime, extFields: fields))
        #expect(earliest?.extFields["timestamp"] == String(fixture.clock.read()))
        let missing = await fixture.call(.request(.getMaxOffset, extFields: ["topic": "O"]))
        #expect(missing?.code == ResponseCode.systemError.rawValue)
        #expect(missing?.remark?.contains("queueId") == true)
    }

    @Test func lockBatchGrantsQueuesToOneClientUntilExpiry() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let queue = MessageQueue(topic: "T", brokerName: "broker-a", queueId: 1)
        func lock(_ client: String) async -> [MessageQueue]? {
            let body = LockBatchRequestBody(consumerGroup: "cg", clientId: client, messageQueues: [queue]).encode()
            return await fixture.call(.request(.lockBatchMQ, body: body))?.body
                .flatMap(LockBatchResponseBody.decode)?.lockedQueues
        }
        #expect(await lock("a") == [queue])
        #expect(await lock("b") == [])
        fixture.clock.advance(milliseconds: 60_001)
        #expect(await lock("b") == [queue])
        let unlock = RemotingCommand.request(
            .unlockBatchMQ,
            body: LockBatchRequestBody(
                consumerGroup: "cg", clientId: "b", messageQueues: [queue]
            ).encode())
        #expect(await fixture.call(unlock)?.code == ResponseCode.success.rawValue)
        #expect(await lock("a") == [queue])
    }

    @Test func registerBrokerRequestCarriesTheTopicTable() throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let request = fixture.broker.registerBrokerRequest()
        #expect(request.code == RequestCode.registerBroker.rawValue)
        let header = try RegisterBrokerRequestHeader(extFields: request.extFields)
        #expect(header.brokerAddr == "127.0.0.1:10911")
        #expect(header.haServerAddr == "127.0.0.1:10912")
        #expect(header.clusterName == "DefaultCluster")
        let body = try #require(request.body)
        #expect(header.bodyCrc32 == CRC32.rocketMQChecksum(Array(body.readableBytesView)))
        let decoded = try RegisterBrokerBody(jsonBody: body)
        let table = decoded.topicConfigSerializeWrapper.topicConfigTable
        #expect(table["TBW102"]?.perm.rawValue == 7)
        #expect(table["TBW102"]?.writeQueueNums == 8)
        #expect(table["SCHEDULE_TOPIC_XXXX"]?.readQueueNums == 18)
        #expect(table["broker-a"] != nil && table["DefaultCluster"] != nil && table["SELF_TEST_TOPIC"] != nil)
    }

    @Test func autoCreatedTopicsNotifyAndPersist() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let changes = ChangeCounter()
        fixture.broker.setTopicsChangedHandler { changes.increment() }
        await fixture.send(topic: "Fresh", body: "x")
        #expect(changes.value == 1)
        fixture.broker.persistAll()
        let text = try String(contentsOfFile: fixture.directory.path + "/config/topics.json", encoding: .utf8)
        #expect(text.contains(#""Fresh":{"attributes":{},"order":false,"perm":6,"readQueueNums":4"#))
    }
}

final class ChangeCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
