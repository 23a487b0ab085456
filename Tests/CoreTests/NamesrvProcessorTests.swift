import Core
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import TestSupport
import Testing

private let topicTest = TopicConfig(topicName: "TopicTest", readQueueNums: 4, writeQueueNums: 4)
private let tbw102 = TopicConfig(
    topicName: "TBW102", readQueueNums: 8, writeQueueNums: 8,
    perm: [.read, .write, .inherit])

/// The two fastjson outputs of spec §3.1 for broker-a (master .10, slave .11) serving TopicTest.
private let standardRoute =
    #"{"brokerDatas":[{"brokerAddrs":{"0":"127.0.1.10:10911","1":"127.0.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#
private let fastjsonDefaultRoute =
    #"{"brokerDatas":[{"brokerAddrs":{0:"127.0.1.10:10911",1:"127.0.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#

private func registerMasterAndSlave(_ harness: NamesrvHarness) {
    harness.register(brokerId: 0, brokerAddr: "127.0.1.10:10911", topics: [topicTest, tbw102])
    harness.register(
        brokerId: 1, brokerAddr: "127.0.1.11:10911", topics: [topicTest, tbw102],
        connectionID: "connection-2")
}

@Test func routeQueryAfterRegistrationReturnsTheStandardJSONToNewJavaClients() throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    let response = try #require(harness.route("TopicTest", version: 479))
    #expect(response.code == ResponseCode.success.rawValue)
    #expect(response.isResponse)
    #expect(response.remark == nil)
    #expect(response.bodyText == standardRoute)
}

@Test(arguments: [Int32(317), 333, 400])
func routeQueryAnswersOldClientsWithUnquotedBrokerIDs(version: Int32) throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    let response = try #require(harness.route("TopicTest", version: version))
    #expect(response.bodyText == fastjsonDefaultRoute)
}

@Test func acceptStandardJsonOnlyHeaderSelectsStandardJSONForOldVersions() throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    var request = RemotingCommand.request(
        .getRouteInfoByTopic,
        extFields: ["topic": "TopicTest", "acceptStandardJsonOnly": "true"])
    request.version = 317
    #expect(try #require(harness.send(request)).bodyText == standardRoute)
}

@Test func slaveRegistrationLearnsItsMaster() throws {
    let harness = NamesrvHarness()
    let master = try #require(
        harness.register(brokerId: 0, brokerAddr: "127.0.1.10:10911", topics: [topicTest, tbw102]))
    #expect(master.code == 0)
    #expect(master.extFields.isEmpty)
    let slave = try #require(
        harness.register(brokerId: 1, brokerAddr: "127.0.1.11:10911", topics: [topicTest, tbw102]))
    #expect(slave.extFields == ["masterAddr": "127.0.1.10:10911", "haServerAddr": "127.0.1.10:10912"])
}

@Test func unknownTopicIsTopicNotExistWithJavasRemark() throws {
    let harness = NamesrvHarness()
    let response = try #require(harness.route("NoSuchTopic"))
    #expect(response.code == ResponseCode.topicNotExist.rawValue)
    #expect(response.code == 17)
    #expect(response.body == nil)
    #expect(
        response.remark == "No topic route info in name server for the topic: NoSuchTopic"
            + "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.")
}

@Test func brokersExpireAfter120SecondsWithoutHeartbeat() throws {
    let harness = NamesrvHarness()
    harness.register(topics: [topicTest, tbw102])
    harness.clock.advance(by: .seconds(119))
    #expect(harness.nameServer.routeInfoManager.scanNotActiveBrokers().isEmpty)
    #expect(harness.route("TopicTest")?.code == 0)

    harness.clock.advance(by: .seconds(2))
    let expired = harness.nameServer.routeInfoManager.scanNotActiveBrokers()
    #expect(expired == [BrokerAddrInfo(clusterName: "DefaultCluster", brokerAddr: "127.0.1.10:10911")])
    #expect(harness.route("TopicTest")?.code == 17)
    let cluster = try ClusterInfo(jsonBody: try #require(harness.send(.request(.getBrokerClusterInfo))?.body))
    #expect(cluster.brokerAddrTable.isEmpty && cluster.clusterAddrTable.isEmpty)
}

@Test func heartbeatsKeepABrokerAlive() throws {
    let harness = NamesrvHarness()
    harness.register(topics: [topicTest, tbw102])
    harness.clock.advance(by: .seconds(100))
    // Brokers send BROKER_HEARTBEAT oneway: no response.
    let heartbeat = RemotingCommand.request(
        .brokerHeartbeat,
        extFields: ["clusterName": "DefaultCluster", "brokerAddr": "127.0.1.10:10911", "brokerName": "broker-a"],
        oneway: true)
    #expect(harness.send(heartbeat) == nil)
    harness.clock.advance(by: .seconds(100))
    #expect(harness.nameServer.routeInfoManager.scanNotActiveBrokers().isEmpty)
    #expect(harness.route("TopicTest")?.code == 0)
}

@Test func theScheduledScanExpiresBrokersOnTheEventLoop() throws {
    let harness = NamesrvHarness()
    let loop = EmbeddedEventLoop()
    try harness.nameServer.start(scanningOn: loop)
    defer { harness.nameServer.shutdown() }
    harness.register(topics: [topicTest, tbw102])
    harness.clock.advance(by: .seconds(121))
    #expect(harness.route("TopicTest")?.code == 0)
    loop.advanceTime(by: .seconds(5))
    #expect(harness.route("TopicTest")?.code == 17)
}

@Test func closingTheRegisteringConnectionUnregistersTheBroker() {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    harness.nameServer.connectionClosed(connectionID: "connection-2")
    #expect(harness.route("TopicTest")?.bodyText.contains("127.0.1.11") == false)
    #expect(harness.route("TopicTest")?.bodyText.contains("127.0.1.10") == true)
}

@Test func unregisterRemovesTheBrokerAndItsTopics() throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    let unregister = { (id: Int64, address: String) in
        harness.send(
            .request(
                .unregisterBroker,
                extFields: [
                    "brokerName": "broker-a", "brokerAddr": address, "clusterName": "DefaultCluster",
                    "brokerId": String(id),
                ]))
    }
    #expect(unregister(1, "127.0.1.11:10911")?.code == 0)
    let afterSlave = try TopicRouteData(jsonBody: try #require(harness.route("TopicTest")?.body))
    #expect(afterSlave.brokerDatas.first?.brokerAddrs == [0: "127.0.1.10:10911"])

    #expect(unregister(0, "127.0.1.10:10911")?.code == 0)
    #expect(harness.route("TopicTest")?.code == 17)
    let topics = try TopicList(jsonBody: try #require(harness.send(.request(.getAllTopicListFromNameserver))?.body))
    #expect(topics.topicList.isEmpty)
}

@Test func unregisterWithoutMandatoryFieldsIsASystemError() throws {
    let harness = NamesrvHarness()
    let response = try #require(harness.send(.request(.unregisterBroker, extFields: ["brokerName": "broker-a"])))
    #expect(response.code == ResponseCode.systemError.rawValue)
    #expect(response.remark == "the custom field <clusterName> is null")
}

@Test func deleteTopicRemovesItsRouteEverywhereOrPerCluster() throws {
    let harness = NamesrvHarness()
    harness.register(topics: [topicTest, tbw102])
    harness.register(
        brokerName: "broker-b", brokerAddr: "127.0.1.20:10911", cluster: "OtherCluster",
        topics: [topicTest, tbw102])

    let deleteInOther = RemotingCommand.request(
        .deleteTopicInNamesrv,
        extFields: ["topic": "TopicTest", "clusterName": "OtherCluster"])
    #expect(harness.send(deleteInOther)?.code == 0)
    let route = try TopicRouteData(jsonBody: try #require(harness.route("TopicTest")?.body))
    #expect(route.queueDatas.map(\.brokerName) == ["broker-a"])

    #expect(harness.send(.request(.deleteTopicInNamesrv, extFields: ["topic": "TopicTest"]))?.code == 0)
    #expect(harness.route("TopicTest")?.code == 17)
    #expect(harness.route("TBW102")?.code == 0)
}

@Test func clusterInfoListsBrokersAndClusters() throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    var request = RemotingCommand.request(.getBrokerClusterInfo)
    request.version = 479
    let response = try #require(harness.send(request))
    #expect(response.code == 0)
    #expect(
        response.bodyText
            == #"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{"0":"127.0.1.10:10911","1":"127.0.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#
    )
}

@Test func topicListsByClusterAndSystem() throws {
    let harness = NamesrvHarness()
    harness.register(topics: [topicTest, tbw102])
    harness.register(
        brokerName: "broker-b", brokerAddr: "127.0.1.20:10911", cluster: "OtherCluster",
        topics: [TopicConfig(topicName: "OnlyB"), tbw102])
    let byCluster = try #require(harness.send(.request(.getTopicsByCluster, extFields: ["cluster": "OtherCluster"])))
    #expect(byCluster.bodyText == #"{"topicList":["OnlyB","TBW102"]}"#)
    let system = try #require(harness.send(.request(.getSystemTopicListFromNameserver)))
    #expect(
        system.bodyText
            == #"{"brokerAddr":"127.0.1.10:10911","topicList":["DefaultCluster","OtherCluster","broker-a","broker-b"]}"#
    )
}

@Test func writePermissionCanBeWipedAndRestored() throws {
    let harness = NamesrvHarness()
    harness.register(topics: [topicTest, tbw102])
    let wipe = try #require(harness.send(.request(.wipeWritePermOfBroker, extFields: ["brokerName": "broker-a"])))
    #expect(wipe.extFields == ["wipeTopicCount": "2"])
    let wiped = try TopicRouteData(jsonBody: try #require(harness.route("TopicTest")?.body))
    #expect(wiped.queueDatas.first?.perm == .read)
    let add = try #require(harness.send(.request(.addWritePermOfBroker, extFields: ["brokerName": "broker-a"])))
    #expect(add.extFields == ["addTopicCount": "2"])
    let restored = try TopicRouteData(jsonBody: try #require(harness.route("TBW102")?.body))
    #expect(restored.queueDatas.first?.perm == .readWrite)
}

@Test func registrationWithABadChecksumIsRefused() throws {
    let harness = NamesrvHarness()
    let header = RegisterBrokerRequestHeader(
        brokerName: "broker-a", brokerAddr: "10.0.0.1:10911",
        clusterName: "c", haServerAddr: "10.0.0.1:10912", brokerId: 0,
        bodyCrc32: 12345)
    let request = RemotingCommand.request(
        .registerBroker, extFields: header.extFields,
        body: RegisterBrokerBody().jsonBody())
    let response = try #require(harness.send(request))
    #expect(response.code == 1)
    #expect(response.remark == "crc32 not match")
}

@Test func firstRegistrationWithASingleTopicIsRefusedAsInJava() throws {
    let harness = NamesrvHarness()
    let response = try #require(harness.register(topics: [topicTest]))
    #expect(response.code == 1)
    #expect(response.remark == "register broker failed")
}

@Test func queryDataVersionReportsChangesAndReturnsTheStoredVersion() throws {
    let harness = NamesrvHarness()
    let registered = DataVersion(timestamp: 1_700_000_000_000, counter: 1)
    harness.register(topics: [topicTest, tbw102], dataVersion: registered)
    let query = { (version: DataVersion) in
        harness.send(
            .request(
                .queryDataVersion,
                extFields: [
                    "brokerName": "broker-a", "brokerAddr": "127.0.1.10:10911", "clusterName": "DefaultCluster",
                    "brokerId": "0",
                ], body: version.jsonBody()))
    }
    let same = try #require(query(registered))
    #expect(same.extFields == ["changed": "false"])
    #expect(try DataVersion(jsonBody: try #require(same.body)) == registered)
    #expect(query(DataVersion(timestamp: 1_700_000_000_500, counter: 2))?.extFields == ["changed": "true"])
}

@Test func registerTopicInNamesrvAcceptsAFastjsonDefaultBody() throws {
    let harness = NamesrvHarness()
    registerMasterAndSlave(harness)
    let body =
        #"{"brokerDatas":[{"brokerAddrs":{0:"127.0.1.10:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":2,"topicSysFlag":0,"writeQueueNums":2}]}"#
    let request = RemotingCommand.request(
        .registerTopicInNamesrv, extFields: ["topic": "NewTopic"],
        body: ByteBuffer(string: body))
    #expect(harness.send(request)?.code == 0)
    let route = try TopicRouteData(jsonBody: try #require(harness.route("NewTopic")?.body))
    #expect(
        route.queueDatas == [QueueData(brokerName: "broker-a", readQueueNums: 2, writeQueueNums: 2, perm: .readWrite)])
}

@Test func kvConfigPutGetListDeleteAndPersist() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let path = directory.path + "/namesrv/kvConfig.json"
    let harness = NamesrvHarness(configuration: NamesrvConfiguration(kvConfigPath: path))
    let put = RemotingCommand.request(
        .putKVConfig,
        extFields: [
            "namespace": "ORDER_TOPIC_CONFIG",
            "key": "TopicOrder", "value": "broker-a:4",
        ])
    #expect(harness.send(put)?.code == 0)
    let get = try #require(
        harness.send(
            .request(
                .getKVConfig,
                extFields: [
                    "namespace": "ORDER_TOPIC_CONFIG",
                    "key": "TopicOrder",
                ])))
    #expect(get.code == 0 && get.extFields == ["value": "broker-a:4"])
    let list = try #require(
        harness.send(.request(.getKVListByNamespace, extFields: ["namespace": "ORDER_TOPIC_CONFIG"])))
    #expect(list.bodyText == #"{"table":{"TopicOrder":"broker-a:4"}}"#)
    // Registration returns the ORDER_TOPIC_CONFIG namespace to the broker.
    #expect(harness.register(topics: [topicTest, tbw102])?.bodyText == #"{"table":{"TopicOrder":"broker-a:4"}}"#)

    harness.nameServer.kvConfigManager.flush()
    let saved = try String(contentsOfFile: path, encoding: .utf8)
    #expect(saved == #"{"configTable":{"ORDER_TOPIC_CONFIG":{"TopicOrder":"broker-a:4"}}}"#)
    let reloaded = KVConfigManager(path: path, logger: Logger(label: "test"))
    try reloaded.load()
    #expect(reloaded.value(namespace: "ORDER_TOPIC_CONFIG", key: "TopicOrder") == "broker-a:4")

    let delete = RemotingCommand.request(
        .deleteKVConfig,
        extFields: [
            "namespace": "ORDER_TOPIC_CONFIG",
            "key": "TopicOrder",
        ])
    #expect(harness.send(delete)?.code == 0)
    let missing = try #require(
        harness.send(
            .request(
                .getKVConfig,
                extFields: [
                    "namespace": "ORDER_TOPIC_CONFIG",
                    "key": "TopicOrder",
                ])))
    #expect(missing.code == ResponseCode.queryNotFound.rawValue)
    #expect(missing.remark == "No config item, Namespace: ORDER_TOPIC_CONFIG Key: TopicOrder")
    let noNamespace = try #require(harness.send(.request(.getKVListByNamespace, extFields: ["namespace": "nope"])))
    #expect(noNamespace.code == 22 && noNamespace.remark == "No config item, Namespace: nope")
}

@Test func otherCodesAreNotSupported() throws {
    let harness = NamesrvHarness()
    #expect(harness.nameServer.processorTable[RequestCode.sendMessage.rawValue] == nil)
    let response = try #require(harness.send(.request(.sendMessage)))
    #expect(response.code == ResponseCode.requestCodeNotSupported.rawValue)
    #expect(response.remark == " request type 10 not supported")
}
