import Core
@testable import Gateway
import Testing

@Suite struct AdminRoutesTests {
    static let topics = FakeProcessor(body: Array("""
        {"dataVersion":{"counter":1,"stateVersion":0,"timestamp":1},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":2,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":2}}}
        """.utf8))

    @Test func routesComeFromTheNameServerWithFastjsonKeysRepaired() async throws {
        let route = FakeProcessor(body: Array("""
            {"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[]}
            """.utf8))
        try await withGateway(nameServer: [.getRouteInfoByTopic: route,
                                           .getBrokerClusterInfo: FakeProcessor(body: Array("{\"clusterAddrTable\":{}}".utf8))]) { _, port in
            let client = try HTTPTestClient(port: port)
            let response = try await client.request("GET", "/v1/topics/TopicTest/route")
            #expect(response.status == 200)
            #expect(response.json?["brokerDatas"]?[0]?["brokerAddrs"]?["0"]?.stringValue == "127.0.0.1:10911")
            #expect(try await client.request("GET", "/v1/cluster").status == 200)
        }
    }

    @Test func unknownTopicRouteIs404() async throws {
        try await withGateway(nameServer: [.getRouteInfoByTopic: FakeProcessor(code: .topicNotExist)]) { _, port in
            let response = try await HTTPTestClient(port: port).request("GET", "/v1/topics/Nope/route")
            #expect(response.status == 404)
            #expect(response.json?["code"]?.stringValue == "topic_not_found")
        }
    }

    @Test func topicsAreListedDescribedCreatedAndDeleted() async throws {
        let stats = FakeProcessor(body: Array("""
            {"offsetTable":{{"brokerName":"broker-a","queueId":1,"topic":"TopicTest"}:{"lastUpdateTimestamp":5,"maxOffset":9,"minOffset":2},{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:{"lastUpdateTimestamp":0,"maxOffset":0,"minOffset":0}},"topicPutTps":0.0}
            """.utf8))
        let create = FakeProcessor()
        let delete = FakeProcessor()
        try await withGateway(broker: [.getAllTopicConfig: Self.topics, .getTopicStatsInfo: stats,
                                       .updateAndCreateTopic: create, .deleteTopicInBroker: delete]) { _, port in
            let client = try HTTPTestClient(port: port)
            let list = try await client.request("GET", "/v1/topics")
            #expect(list.json?["topics"]?[0]?["name"]?.stringValue == "TopicTest")
            let described = try await client.request("GET", "/v1/topics/TopicTest")
            #expect(described.status == 200)
            #expect(described.json?["queues"]?[1]?["maxOffset"]?.int64Value == 9)
            #expect(described.json?["queues"]?[1]?["minOffset"]?.int64Value == 2)
            #expect(try await client.request("GET", "/v1/topics/Other").status == 404)
            let created = try await client.request("PUT", "/v1/topics/NewTopic", json: #"{"readQueueNums":4,"perm":6}"#)
            #expect(created.status == 200)
            #expect(create.received.first?.extFields["writeQueueNums"] == "4")
            #expect(try await client.request("DELETE", "/v1/topics/NewTopic").status == 204)
            #expect(delete.received.first?.extFields["topic"] == "NewTopic")
        }
    }

    @Test func consumerGroupsShowLagPerQueue() async throws {
        let groups = FakeProcessor(body: Array("""
            {"subscriptionGroupTable":{"g1":{"groupName":"g1","retryMaxTimes":5,"consumeEnable":true}}}
            """.utf8))
        let stats = FakeProcessor(body: Array("""
            {"consumeTps":0.0,"offsetTable":{"{\\"brokerName\\":\\"broker-a\\",\\"queueId\\":0,\\"topic\\":\\"T\\"}":{"brokerOffset":10,"consumerOffset":7,"lastTimestamp":1,"pullOffset":9}}}
            """.utf8))
        let update = FakeProcessor()
        try await withGateway(broker: [.getAllSubscriptionGroupConfig: groups, .getConsumeStats: stats,
                                       .updateAndCreateSubscriptionGroup: update]) { _, port in
            let client = try HTTPTestClient(port: port)
            #expect(try await client.request("GET", "/v1/consumer-groups").json?["groups"]?[0]?["name"]?.stringValue == "g1")
            let described = try await client.request("GET", "/v1/consumer-groups/g1")
            #expect(described.json?["maxReconsumeTimes"]?.int64Value == 5)
            #expect(described.json?["queues"]?[0]?["lag"]?.int64Value == 3)
            #expect(described.json?["totalLag"]?.int64Value == 3)
            let missing = try await client.request("GET", "/v1/consumer-groups/nope")
            #expect(missing.json?["code"]?.stringValue == "consumer_group_not_found")
            let put = try await client.request("PUT", "/v1/consumer-groups/g2", json: #"{"maxReconsumeTimes":3}"#)
            #expect(put.status == 200)
            let sent = try JSONParser.parse(try #require(update.received.first).body.readableByteArray)
            #expect(sent["retryMaxTimes"]?.int64Value == 3)
            #expect(sent["groupName"]?.stringValue == "g2")
        }
    }

    @Test func brokerRuntimeInfoIsTheKVTable() async throws {
        let runtime = FakeProcessor(body: Array(#"{"table":{"brokerVersionDesc":"V5_3_0","putTps":"1.0"}}"#.utf8))
        try await withGateway(broker: [.getBrokerRuntimeInfo: runtime]) { _, port in
            let response = try await HTTPTestClient(port: port).request("GET", "/v1/broker")
            #expect(response.json?["runtime"]?["brokerVersionDesc"]?.stringValue == "V5_3_0")
        }
    }
}
