import Core
@testable import Gateway
import NIOCore
import Store
import Testing

@Suite struct MessageRoutesTests {
    static let sendOK = FakeProcessor(extFields: [
        "msgId": "7F00000100002A9F0000000000000000", "queueId": "2", "queueOffset": "41",
    ])

    @Test func sendsOneJSONMessageAsSendMessageV2() async throws {
        let send = FakeProcessor(extFields: ["msgId": "7F00000100002A9F0000000000000000", "queueId": "2",
                                             "queueOffset": "41"])
        try await withGateway(broker: [.sendMessageV2: send]) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", "/v1/topics/TopicTest/messages", json: """
                {"body":"héllo","tags":"TagA","keys":["k1","k2"],"properties":{"color":"blue","n":3}}
                """)
            #expect(response.status == 200)
            let json = try #require(response.json)
            #expect(json["queueId"]?.int64Value == 2)
            #expect(json["queueOffset"]?.int64Value == 41)
            #expect(json["offsetMessageId"]?.stringValue == "7F00000100002A9F0000000000000000")
            #expect(json["messageId"]?.stringValue?.utf8.count == 32)
            #expect(json["broker"]?.stringValue == "broker-a")
            #expect(json["status"]?.stringValue == "SEND_OK")
            let request = try #require(send.received.first)
            #expect(request.code == RequestCode.sendMessageV2.rawValue)
            #expect(request.extFields["b"] == "TopicTest")
            #expect(request.extFields["e"] == "-1")
            #expect(request.body.readableByteArray == Array("héllo".utf8))
            let properties = MessageProperties.dictionary(MessageProperties.decode(request.extFields["i"] ?? ""))
            #expect(properties["TAGS"] == "TagA")
            #expect(properties["KEYS"] == "k1 k2")
            #expect(properties["color"] == "blue")
            #expect(properties["n"] == "3")
            #expect(properties["UNIQ_KEY"] == json["messageId"]?.stringValue)
        }
    }

    @Test func sendsARawBodyAsIsWithTagsAndKeysFromTheQuery() async throws {
        let send = FakeProcessor(extFields: ["msgId": "X", "queueId": "0", "queueOffset": "0"])
        try await withGateway(broker: [.sendMessageV2: send]) { _, port in
            let payload: [UInt8] = [0, 1, 2, 255, 254]
            let response = try await HTTPTestClient(port: port).request(
                "POST", "/v1/topics/TopicTest/messages?tags=TagB&keys=a&keys=b&property.trace=on&delayLevel=3",
                body: payload, contentType: "application/octet-stream")
            #expect(response.status == 200)
            let request = try #require(send.received.first)
            #expect(request.body.readableByteArray == payload)
            let properties = MessageProperties.dictionary(MessageProperties.decode(request.extFields["i"] ?? ""))
            #expect(properties["TAGS"] == "TagB")
            #expect(properties["KEYS"] == "a b")
            #expect(properties["trace"] == "on")
            #expect(properties["DELAY"] == "3")
        }
    }

    @Test func sendsABatchAsOneSendBatchMessage() async throws {
        let send = FakeProcessor(extFields: ["msgId": "A,B,C", "queueId": "1", "queueOffset": "10"])
        try await withGateway(broker: [.sendBatchMessage: send]) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", "/v1/topics/TopicTest/messages", json: """
                [{"body":"one"},{"body":"dHdv","bodyEncoding":"base64","tags":"T"},{"body":"three"}]
                """)
            #expect(response.status == 200)
            let messages = try #require(response.json?["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages[2]["queueOffset"]?.int64Value == 12)
            #expect(messages[1]["offsetMessageId"]?.stringValue == "B")
            let request = try #require(send.received.first)
            #expect(request.extFields["m"] == "true")
            let template = MessageToStore(topic: "TopicTest", queueId: 0, body: ByteBuffer(), bornTimestamp: 0,
                                          bornHost: .loopbackIPv4)
            let decoded = try #require(BatchMessageDecoder.decode(request.body ?? ByteBuffer(), template: template))
            #expect(decoded.count == 3)
            #expect(decoded.map { Optional($0.body).readableByteArray } == [Array("one".utf8), Array("two".utf8),
                                                                 Array("three".utf8)])
        }
    }

    @Test func shardingKeyPicksTheSameQueueFromTheRoute() async throws {
        let send = FakeProcessor(extFields: ["msgId": "X", "queueId": "0", "queueOffset": "0"])
        let route = FakeProcessor(body: Array("""
            {"brokerDatas":[],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}
            """.utf8))
        try await withGateway(broker: [.sendMessageV2: send], nameServer: [.getRouteInfoByTopic: route]) { _, port in
            let client = try HTTPTestClient(port: port)
            for _ in 0..<2 {
                _ = try await client.request("POST", "/v1/topics/T/messages", json: #"{"body":"x","shardingKey":"order-42"}"#)
            }
            let queues = send.received.map { $0.extFields["e"] }
            let expected = String(Int(SendRoutes.javaHashCode("order-42").magnitude) % 4)
            #expect(queues == [expected, expected])
        }
    }

    @Test(arguments: [
        ("/v1/topics/T/messages", "{not json", "invalid_json", 400),
        ("/v1/topics/bad%20topic/messages", #"{"body":"x"}"#, "invalid_topic_name", 400),
        ("/v1/topics/T/messages", #"{"body":"x","tag":"typo"}"#, "invalid_parameter", 400),
        ("/v1/topics/T/messages", #"{"body":"!!","bodyEncoding":"base64"}"#, "invalid_encoding", 400),
        ("/v1/topics/T/messages", #"{"body":"x","properties":{"UNIQ_KEY":"mine"}}"#, "invalid_parameter", 400),
        ("/v1/topics/T/messages", #"{"body":"x","delayLevel":99}"#, "invalid_parameter", 400),
        ("/v1/topics/T/messages", "[]", "invalid_parameter", 400),
    ])
    func badSendsAreClientErrors(path: String, body: String, code: String, status: Int) async throws {
        try await withGateway(broker: [.sendMessageV2: Self.sendOK, .sendBatchMessage: Self.sendOK]) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", path, json: body)
            #expect(response.status == status)
            #expect(response.json?["code"]?.stringValue == code)
        }
    }

    @Test func batchesOverTheLimitAreRefused() async throws {
        try await withGateway(broker: [.sendBatchMessage: Self.sendOK], configure: { $0.maxBatchSize = 2 }) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", "/v1/topics/T/messages",
                                                                  json: #"[{"body":"a"},{"body":"b"},{"body":"c"}]"#)
            #expect(response.status == 413)
            #expect(response.json?["code"]?.stringValue == "batch_too_large")
        }
    }

    @Test(arguments: [
        (ResponseCode.topicNotExist, 404, "topic_not_found"), (.systemBusy, 503, "busy"),
        (.noPermission, 403, "no_permission"), (.messageIllegal, 400, "message_illegal"),
        (.systemError, 500, "broker_error"), (.serviceNotAvailable, 503, "service_unavailable"),
    ])
    func brokerFailuresMapOntoProblems(code: ResponseCode, status: Int, problem: String) async throws {
        try await withGateway(broker: [.sendMessageV2: FakeProcessor(code: code, remark: "nope")]) { _, port in
            let response = try await HTTPTestClient(port: port).request("POST", "/v1/topics/T/messages", json: #"{"body":"x"}"#)
            #expect(response.status == status)
            #expect(response.json?["code"]?.stringValue == problem)
            #expect(response.json?["remotingCode"]?.int64Value == Int64(code.rawValue))
            #expect(response.json?["detail"]?.stringValue?.contains("nope") == true)
        }
    }

    @Test func pullReturnsDecodedMessagesWithInflatedBodies() async throws {
        let compressed = bytes(hex: "785eedc7b11100101000b0557e365ee9385fd9de1a8aa44b5f739f513532daca1bddddddddddddddddddfda33f92fe316e")
        var body = try record(queueOffset: 5, body: Array("plain".utf8),
                              properties: [("TAGS", "TagA"), ("KEYS", "k1 k2"), ("UNIQ_KEY", "ABC"), ("color", "red")])
        body += try record(queueOffset: 6, body: compressed, properties: [("TAGS", "TagA")], sysFlag: 0x1)
        body += try record(queueOffset: 7, body: [0xFF, 0xFE], properties: [], physicalOffset: 500)
        let pull = FakeProcessor(extFields: ["nextBeginOffset": "8", "minOffset": "0", "maxOffset": "8",
                                             "suggestWhichBrokerId": "0"], body: body)
        try await withGateway(broker: [.pullMessage: pull]) { _, port in
            let response = try await HTTPTestClient(port: port).request(
                "GET", "/v1/topics/TopicTest/queues/0/messages?offset=5&maxCount=3&tag=TagA&group=g1")
            #expect(response.status == 200)
            let json = try #require(response.json)
            #expect(json["status"]?.stringValue == "FOUND")
            #expect(json["nextOffset"]?.int64Value == 8)
            #expect(json["maxOffset"]?.int64Value == 8)
            let messages = try #require(json["messages"]?.arrayValue)
            #expect(messages.count == 3)
            #expect(messages[0]["body"]?.stringValue == "plain")
            #expect(messages[0]["messageId"]?.stringValue == "ABC")
            #expect(messages[0]["keys"] == .array([.string("k1"), .string("k2")]))
            #expect(messages[0]["properties"]?["color"]?.stringValue == "red")
            #expect(messages[0]["storeTimestamp"]?.int64Value == 1_700_000_000_005)
            #expect(messages[1]["body"]?.stringValue == String(repeating: "compressed body ", count: 300))
            #expect(messages[2]["bodyEncoding"]?.stringValue == "base64")
            #expect(messages[2]["body"]?.stringValue == "//4=")
            #expect(messages[2]["offsetMessageId"]?.stringValue == "7F00000100002A9F00000000000001F4")
            let request = try #require(pull.received.first)
            #expect(request.extFields["consumerGroup"] == "g1")
            #expect(request.extFields["subscription"] == "TagA")
            #expect(request.extFields["queueOffset"] == "5")
            #expect(request.extFields["maxMsgNums"] == "3")
        }
    }

    @Test func messageLookupByOffsetIdUsesViewMessageById() async throws {
        let stored = try record(queueOffset: 0, body: Array("found".utf8), properties: [("UNIQ_KEY", "U1")],
                                physicalOffset: 256)
        let view = FakeProcessor(body: stored)
        try await withGateway(broker: [.viewMessageById: view]) { _, port in
            let client = try HTTPTestClient(port: port)
            let response = try await client.request("GET", "/v1/messages/7F00000100002A9F0000000000000100")
            #expect(response.status == 200)
            #expect(response.json?["body"]?.stringValue == "found")
            #expect(view.received.first?.extFields["offset"] == "256")
            let unknown = try await client.request("GET", "/v1/messages/nothex")
            #expect(unknown.status == 404)
            #expect(unknown.json?["code"]?.stringValue == "message_not_found")
        }
    }

    @Test func messageLookupByKeyFiltersOnKeys() async throws {
        var body = try record(queueOffset: 0, body: Array("a".utf8), properties: [("KEYS", "order-1 x")])
        body += try record(queueOffset: 1, body: Array("b".utf8), properties: [("KEYS", "order-10")])
        let query = FakeProcessor(extFields: ["indexLastUpdateTimestamp": "0", "indexLastUpdatePhyoffset": "0"],
                                  body: body)
        try await withGateway(broker: [.queryMessage: query]) { _, port in
            let response = try await HTTPTestClient(port: port).request("GET", "/v1/topics/TopicTest/messages?key=order-1")
            #expect(response.status == 200)
            #expect(response.json?["messages"]?.arrayValue?.count == 1)
            #expect(query.received.first?.extFields["key"] == "order-1")
        }
    }
}
