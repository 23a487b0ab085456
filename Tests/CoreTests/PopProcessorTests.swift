import Core
import NIOCore
import Store
import Testing

@Suite struct PopProcessorTests {
    @Test func popReturnsMessagesWithHeadersAndHidesThem() {
        let harness = PopHarness()
        for index in 0..<3 { harness.send("m\(index)") }
        let response = harness.call(harness.service.popProcessor, harness.popRequest())
        #expect(response.code == 0)
        #expect(response.extFields["startOffsetInfo"] == "0 0 0")
        #expect(response.extFields["msgOffsetInfo"] == "0 0 0,1,2")
        #expect(response.extFields["restNum"] == "0")
        #expect(response.extFields["invisibleTime"] == "30000")
        #expect(PopHarness.decode(response).map(\.body) == ["m0", "m1", "m2"])
        #expect(harness.pop().code == ResponseCode.pullNotFound.rawValue)
    }

    @Test func maxMessagesAbove32IsInvalid() {
        let harness = PopHarness()
        let response = harness.call(harness.service.popProcessor, harness.popRequest(max: 33))
        #expect(response.code == ResponseCode.invalidParameter.rawValue)
    }

    @Test func unknownTopicIsRefused() {
        let harness = PopHarness()
        var request = harness.popRequest()
        request.extFields["topic"] = "Nope"
        #expect(harness.call(harness.service.popProcessor, request).code == ResponseCode.topicNotExist.rawValue)
    }

    @Test func ackedMessageIsNeverRedeliveredAndUnackedOneComesBackWithReconsumeTimesPlusOne() {
        let harness = PopHarness()
        harness.send("acked")
        harness.send("lost")
        let (_, popped) = harness.pop()
        #expect(harness.call(harness.service.ackProcessor, harness.ackRequest(popped[0])).code == 0)
        harness.expireAndRevive()
        let (code, again) = harness.pop()
        #expect(code == 0)
        #expect(again.map(\.body) == ["lost"])
        #expect(again.first?.message.reconsumeTimes == 1)
        #expect(again.first?.message.topic == PopHarness.topic)
        #expect(again.first.flatMap { PopExtraInfo($0.extraInfo) }?.retryMark == .retryV1)
        // The retry copy is acked through the same path (retry mark ⇒ retry topic).
        #expect(harness.call(harness.service.ackProcessor, harness.ackRequest(again[0])).code == 0)
        harness.expireAndRevive()
        #expect(harness.pop().1.isEmpty)
    }

    @Test func ackOfOffsetOutsideQueueIsNoMessage() {
        let harness = PopHarness()
        harness.send("x")
        let (_, popped) = harness.pop()
        var request = harness.ackRequest(popped[0])
        request.extFields["offset"] = "7"
        #expect(harness.call(harness.service.ackProcessor, request).code == ResponseCode.noMessage.rawValue)
    }

    @Test func batchAckAcknowledgesEveryBit() {
        let harness = PopHarness()
        for index in 0..<4 { harness.send("m\(index)") }
        let (_, popped) = harness.pop()
        let info = PopExtraInfo(popped[0].extraInfo)!
        // Bits {0, 3} ⇒ byte 0x09 ⇒ "CQ==".
        let body = """
            {"acks":[{"c":"\(PopHarness.group)","t":"\(PopHarness.topic)","r":"0","so":\(info.checkpointOffset),\
            "q":0,"rq":\(info.reviveQueueId),"pt":\(info.popTime),"it":\(info.invisibleTime),"b":"CQ=="}],\
            "brokerName":"broker-a"}
            """
        let request = RemotingCommand.request(.batchAckMessage, body: ByteBuffer(string: body))
        #expect(harness.call(harness.service.ackProcessor, request).code == 0)
        harness.expireAndRevive()
        #expect(harness.pop().1.map(\.body) == ["m1", "m2"])
    }

    @Test func changeInvisibleTimeExtendsAndReleases() throws {
        let harness = PopHarness()
        harness.send("slow")
        let (_, popped) = harness.pop(invisibleTime: 10_000)
        let extended = harness.call(harness.service.changeInvisibleTimeProcessor,
                                    harness.changeInvisibleRequest(popped[0], invisibleTime: 60_000))
        #expect(extended.code == 0)
        #expect(extended.extFields["invisibleTime"] == "60000")
        harness.expireAndRevive(after: 20_000)
        #expect(harness.pop().1.isEmpty, "still invisible after the original 10 s")
        // The old receipt is spent; the new one (built from the response) releases the message now.
        let old = harness.call(harness.service.changeInvisibleTimeProcessor,
                               harness.changeInvisibleRequest(popped[0], invisibleTime: 0))
        #expect(old.code == ResponseCode.noMessage.rawValue)
        let info = try #require(PopExtraInfo(popped[0].extraInfo)).changed(
            popTime: Int64(extended.extFields["popTime"]!)!, invisibleTime: 60_000,
            reviveQueueId: Int32(extended.extFields["reviveQid"]!)!)
        let renewed = PoppedMessage(message: popped[0].message, extraInfo: info.description)
        let released = harness.call(harness.service.changeInvisibleTimeProcessor,
                                    harness.changeInvisibleRequest(renewed, invisibleTime: 0))
        #expect(released.code == 0)
        harness.expireAndRevive(after: 1)
        #expect(harness.pop().1.map(\.body) == ["slow"])
    }

    @Test func messageGoesToDeadLetterQueueAfterRetryMaxTimes() {
        let harness = PopHarness(retryMaxTimes: 2)
        harness.send("poison")
        var deliveries: [Int32] = []
        for _ in 0..<5 {
            let (_, popped) = harness.pop()
            deliveries += popped.map(\.message.reconsumeTimes)
            harness.expireAndRevive()
        }
        #expect(deliveries == [0, 1, 2])
        let dlq = PopRetryMark.deadLetterTopic(group: PopHarness.group)
        #expect(harness.store.maxOffset(topic: dlq, queueId: 0).rawValue == 1)
        let record = harness.store.messages(topic: dlq, queueId: 0, offset: QueueOffset(0), maxCount: 1,
                                            maxBytes: .max, filter: nil).messages.first
        let decoded = record.flatMap { MessageRecord.decode($0) }
        #expect(decoded?.reconsumeTimes == 3)
        #expect(decoded?.property("DLQ_ORIGIN_TOPIC") == PopHarness.topic)
    }
}
