import Core
@testable import Gateway
import NIOCore
import Store
import Testing

@Suite struct ConsumerRoutesTests {
    @Test func popWithoutAProcessorIsNotImplemented() async throws {
        try await withGateway { _, port in
            let client = try HTTPTestClient(port: port)
            let pop = try await client.request("POST", "/v1/topics/T/pop?group=g")
            #expect(pop.status == 501)
            #expect(pop.json?["code"]?.stringValue == "not_implemented")
            #expect(pop.json?["detail"]?.stringValue?.contains("POP_MESSAGE") == true)
        }
    }

    @Test func popReturnsReceiptHandlesThatAckAndChangeInvisibility() async throws {
        var body = try record(topic: "T", queueId: 1, queueOffset: 10, body: Array("m0".utf8), properties: [])
        body += try record(topic: "T", queueId: 1, queueOffset: 11, body: Array("m1".utf8), properties: [])
        let pop = FakeProcessor(extFields: ["popTime": "1700000000000", "invisibleTime": "30000", "reviveQid": "3",
                                            "restNum": "0", "startOffsetInfo": "0 1 10", "msgOffsetInfo": "0 1 10,11"],
                                body: body)
        let ack = FakeProcessor()
        let batchAck = FakeProcessor()
        let change = FakeProcessor(extFields: ["popTime": "1700000005000", "invisibleTime": "60000", "reviveQid": "3"])
        try await withGateway(broker: [.popMessage: pop, .ackMessage: ack, .batchAckMessage: batchAck,
                                       .changeMessageInvisibleTime: change]) { _, port in
            let client = try HTTPTestClient(port: port)
            let popped = try await client.request("POST", "/v1/topics/T/pop?group=g&maxCount=2&invisibleTimeMs=30000")
            #expect(popped.status == 200)
            let messages = try #require(popped.json?["messages"]?.arrayValue)
            #expect(messages.count == 2)
            let handles = messages.compactMap { $0["receiptHandle"]?.stringValue }
            #expect(handles.count == 2)
            let decoded = try ReceiptHandle(encoded: handles[1])
            #expect(decoded.extraInfo == "10 1700000000000 30000 3 0 broker-a 1 11")
            #expect(pop.received.first?.extFields["invisibleTime"] == "30000")

            let single = try await client.request("POST", "/v1/ack", json: #"{"receiptHandle":"\#(handles[0])"}"#)
            #expect(single.status == 200)
            #expect(ack.received.first?.extFields["offset"] == "10")
            #expect(ack.received.first?.extFields["extraInfo"] == "10 1700000000000 30000 3 0 broker-a 1 10")

            let many = try await client.request("POST", "/v1/ack",
                                          json: #"{"receiptHandles":["\#(handles[0])","\#(handles[1])"]}"#)
            #expect(many.status == 200)
            #expect(many.json?["acknowledged"]?.int64Value == 2)
            let batch = try JSONParser.parse(try #require(batchAck.received.first).body.readableByteArray)
            #expect(batch["acks"]?[0]?["b"]?.stringValue == "Aw==")
            #expect(batch["acks"]?[0]?["so"]?.int64Value == 10)
            #expect(batch["brokerName"]?.stringValue == "broker-a")

            let renewed = try await client.request("POST", "/v1/change-invisible-time",
                                             json: #"{"receiptHandle":"\#(handles[1])","invisibleTimeMs":60000}"#)
            #expect(renewed.status == 200)
            let newHandle = try ReceiptHandle(encoded: try #require(renewed.json?["receiptHandle"]?.stringValue))
            #expect(newHandle.extraInfo == "11 1700000005000 60000 3 0 broker-a 1 11")
        }
    }

    @Test func malformedOrExpiredReceiptHandlesAreClientErrors() async throws {
        try await withGateway(broker: [.ackMessage: FakeProcessor(code: .noMessage)]) { _, port in
            let client = try HTTPTestClient(port: port)
            let bad = try await client.request("POST", "/v1/ack", json: #"{"receiptHandle":"garbage"}"#)
            #expect(bad.status == 400)
            #expect(bad.json?["code"]?.stringValue == "bad_receipt_handle")
            let handle = ReceiptHandle(topic: "T", realTopic: "T", group: "g",
                                       extraInfo: "1 2 3 4 0 broker-a 0 1").encoded
            let expired = try await client.request("POST", "/v1/ack", json: #"{"receiptHandle":"\#(handle)"}"#)
            #expect(expired.status == 409)
            #expect(expired.json?["code"]?.stringValue == "receipt_handle_expired")
        }
    }

    @Test func offsetsAreReadCommittedAndReset() async throws {
        let query = FakeProcessor { request, context in
            let known = request.extFields["queueId"] == "0"
            context.respond(request.response(known ? .success : .queryNotFound,
                                             extFields: known ? ["offset": "17"] : [:]))
        }
        let update = FakeProcessor()
        let search = FakeProcessor(extFields: ["offset": "5"])
        let route = FakeProcessor(body: Array("""
            {"brokerDatas":[],"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":2,"writeQueueNums":2}]}
            """.utf8))
        try await withGateway(broker: [.queryConsumerOffset: query, .updateConsumerOffset: update,
                                       .searchOffsetByTimestamp: search],
                              nameServer: [.getRouteInfoByTopic: route]) { _, port in
            let client = try HTTPTestClient(port: port)
            let read = try await client.request("GET", "/v1/consumer-groups/g/topics/T/queues/0/offset")
            #expect(read.json?["offset"]?.int64Value == 17)
            let missing = try await client.request("GET", "/v1/consumer-groups/g/topics/T/queues/1/offset")
            #expect(missing.status == 404)
            #expect(missing.json?["code"]?.stringValue == "offset_not_found")
            let commit = try await client.request("PUT", "/v1/consumer-groups/g/topics/T/queues/1/offset",
                                            json: #"{"offset":99}"#)
            #expect(commit.status == 200)
            #expect(update.received.first?.extFields["commitOffset"] == "99")
            let reset = try await client.request("POST", "/v1/consumer-groups/g/topics/T/offsets/reset",
                                           json: #"{"timestamp":1700000000000}"#)
            #expect(reset.status == 200)
            #expect(reset.json?["offsets"]?.arrayValue?.count == 2)
            #expect(search.received.count == 2)
            #expect(update.received.count == 3)
        }
    }
}
