import Store
import Core
import Foundation
import NIOCore
import Testing

@Test func topicRouteDataDecodesFastjsonDefaultOutputWithUnquotedBrokerIDs() throws {
    // Spec §3.1, "default" form, as a Java 4.x name server sends it.
    let text =
        #"{"brokerDatas":[{"brokerAddrs":{0:"127.0.1.10:10911",1:"127.0.1.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}"#
    let route = try TopicRouteData(jsonBytes: Array(text.utf8))
    #expect(
        route.brokerDatas == [
            BrokerData(
                cluster: "DefaultCluster", brokerName: "broker-a",
                brokerAddrs: [0: "127.0.1.10:10911", 1: "127.0.1.11:10911"])
        ])
    #expect(
        route.queueDatas == [
            QueueData(
                brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4,
                perm: .readWrite)
        ])
    #expect(route.filterServerTable.isEmpty)
    // Re-encoding gives both spec forms byte for byte.
    #expect(String(decoding: route.jsonBytes(brokerIDKeys: .unquoted), as: UTF8.self) == text)
    #expect(
        route.jsonString()
            == text.replacingOccurrences(of: "{0:", with: #"{"0":"#)
            .replacingOccurrences(of: ",1:", with: #","1":"#))
}

@Test func standardJSONRouteDecodesToo() throws {
    let text =
        #"{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"b","cluster":"c","zoneName":"z"}],"queueDatas":[{"brokerName":"b","perm":"7","readQueueNums":1,"topicSynFlag":1,"writeQueueNums":1}],"orderTopicConf":"b:1"}"#
    let route = try TopicRouteData(jsonBytes: Array(text.utf8))
    #expect(route.brokerDatas.first?.zoneName == "z")
    #expect(route.brokerDatas.first?.masterAddress == "10.0.0.1:10911")
    #expect(route.queueDatas.first?.perm == [.read, .write, .inherit])
    #expect(route.queueDatas.first?.topicSysFlag == 1)
    #expect(route.orderTopicConf == "b:1")
}

@Test func quotingPrePassLeavesStringsAndStandardJSONAlone() {
    let tricky = #"{"a":"{0:\"x\",1:2}",5:[1,-2,{-3:true}],"b":{"7":"q"}}"#
    let quoted = String(decoding: FastjsonCompatibility.quotingBareNumericKeys(Array(tricky.utf8)), as: UTF8.self)
    #expect(quoted == #"{"a":"{0:\"x\",1:2}","5":[1,-2,{"-3":true}],"b":{"7":"q"}}"#)
    let standard = #"{"x":[1,2,{"y":-1}],"z":"0:1"}"#
    #expect(
        String(decoding: FastjsonCompatibility.quotingBareNumericKeys(Array(standard.utf8)), as: UTF8.self)
            == standard)
}

@Test func unquotingTouchesOnlyBrokerAddrsKeys() {
    let text = #"{"brokerAddrs":{"0":"a:1","12":"b:2"},"other":{"0":"keep"},"s":"\"brokerAddrs\":{\"0\":1}"}"#
    let result = String(decoding: FastjsonCompatibility.unquotingBrokerIDKeys(Array(text.utf8)), as: UTF8.self)
    #expect(result == #"{"brokerAddrs":{0:"a:1",12:"b:2"},"other":{"0":"keep"},"s":"\"brokerAddrs\":{\"0\":1}"}"#)
}

@Test func topicConfigWrapperMatchesTheSpecExample() throws {
    // Spec §3.4.
    let text =
        #"{"dataVersion":{"counter":5,"stateVersion":0,"timestamp":1700000000123},"topicConfigTable":{"TopicTest":{"attributes":{},"order":false,"perm":6,"readQueueNums":16,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":16}}}"#
    let wrapper = try TopicConfigSerializeWrapper(jsonBytes: Array(text.utf8))
    #expect(wrapper.dataVersion == DataVersion(stateVersion: 0, timestamp: 1_700_000_000_123, counter: 5))
    #expect(wrapper.topicConfigTable == ["TopicTest": TopicConfig(topicName: "TopicTest")])
    #expect(wrapper.jsonString() == text)
}

@Test func registerBrokerBodyRoundTripsWithAttributes() throws {
    var config = TopicConfig(
        topicName: "T", readQueueNums: 2, writeQueueNums: 3, perm: .read,
        topicFilterType: .multiTag, topicSysFlag: 2, order: true,
        attributes: ["message.type": "FIFO"])
    config.attributes["a"] = "b"
    let body = RegisterBrokerBody(
        topicConfigSerializeWrapper: TopicConfigSerializeWrapper(
            topicConfigTable: ["T": config],
            dataVersion: DataVersion(counter: 3)),
        filterServerList: [])
    #expect(body.jsonString().hasPrefix(#"{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":"#))
    #expect(try RegisterBrokerBody(jsonBody: body.jsonBody()) == body)
}

@Test func registerBrokerHeaderRoundTripsThroughExtFields() throws {
    let header = RegisterBrokerRequestHeader(
        brokerName: "b", brokerAddr: "1.2.3.4:10911", clusterName: "c",
        haServerAddr: "1.2.3.4:10912", brokerId: 1,
        heartbeatTimeoutMillis: 30000, bodyCrc32: 77, zoneName: "z")
    #expect(header.extFields["compressed"] == "false")
    #expect(header.extFields["__ZONE_NAME"] == "z")
    #expect(try RegisterBrokerRequestHeader(extFields: header.extFields) == header)
    #expect(throws: ProtocolDecodingError.self) {
        try RegisterBrokerRequestHeader(extFields: ["brokerName": "b"])
    }
}

@Test func crc32MatchesTheStandardCheckValue() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.rocketMQChecksum(Array("123456789".utf8)) == 0x4BF4_3926)
}

@Test func kvTableClusterInfoAndTopicListDecode() throws {
    let kv = try KVTable(jsonBytes: Array(#"{"table":{"brokerVersion":"479","n":5}}"#.utf8))
    #expect(kv.table == ["brokerVersion": "479", "n": "5"])
    let cluster = try ClusterInfo(
        jsonBytes: Array(
            #"{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.1.10:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}"#
                .utf8))
    #expect(cluster.brokerAddrTable["broker-a"]?.brokerAddrs == [0: "127.0.1.10:10911"])
    #expect(cluster.clusterAddrTable == ["DefaultCluster": ["broker-a"]])
    let list = try TopicList(jsonBytes: Array(#"{"topicList":["b","a"]}"#.utf8))
    #expect(list.topicList == ["a", "b"] && list.brokerAddr == nil)
}

@Test func malformedBodiesThrowDecodingErrors() {
    #expect(throws: ProtocolDecodingError.self) { try TopicRouteData(jsonBytes: Array("[1,2]".utf8)) }
    #expect(throws: ProtocolDecodingError.self) { try TopicRouteData(jsonBytes: Array(#"{"brokerDatas":"#.utf8)) }
    #expect(throws: ProtocolDecodingError.self) {
        try BrokerData(jsonBytes: Array(#"{"brokerAddrs":{"x":"a"},"brokerName":"b"}"#.utf8))
    }
}
