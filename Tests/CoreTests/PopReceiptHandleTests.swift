import Core
import Testing

@Suite struct PopReceiptHandleTests {
    let info = PopExtraInfo(checkpointOffset: 40, popTime: 1_700_000_000_000, invisibleTime: 60_000,
                            reviveQueueId: 3, retryMark: .retryV1, brokerName: "broker-a", queueId: 2,
                            queueOffset: 42)

    @Test func extraInfoRoundTripsInJavaOrder() {
        #expect(info.description == "40 1700000000000 60000 3 1 broker-a 2 42")
        #expect(PopExtraInfo(info.description) == info)
        // The proxy's 9th field (commit-log offset) is accepted.
        #expect(PopExtraInfo(info.description + " 12345") == info)
    }

    @Test func handleRoundTripsAndIsURLSafe() throws {
        let handle = PopReceiptHandle(extraInfo: info).encoded
        #expect(!handle.contains("=") && !handle.contains("+") && !handle.contains("/"))
        #expect(try PopReceiptHandle(parsing: handle).extraInfo == info)
        #expect(try PopReceiptHandle(parsing: handle).visibleAgainAt == 1_700_000_060_000)
    }

    @Test(arguments: ["", "not base64!", "QQ", String(repeating: "A", count: 600)])
    func malformedHandleIsRejected(handle: String) {
        #expect(throws: PopReceiptHandleError.self) { try PopReceiptHandle(parsing: handle) }
    }

    @Test func handleWithBadFieldsIsRejected() {
        let encoded = PopReceiptHandle(extraInfo: info).encoded
        let tampered = PopReceiptHandle(extraInfo: PopExtraInfo(
            checkpointOffset: 50, popTime: 1, invisibleTime: 1, reviveQueueId: 0, retryMark: .normal,
            brokerName: "b", queueId: 0, queueOffset: 42)).encoded  // queueOffset before checkpointOffset
        #expect(throws: Never.self) { try PopReceiptHandle(parsing: encoded) }
        do {
            _ = try PopReceiptHandle(parsing: tampered)
            Issue.record("accepted a handle whose offset precedes its checkpoint")
        } catch {
            #expect(error.kind == .malformedFields)
        }
    }

    @Test func retryMarkNamesTopics() {
        #expect(PopRetryMark.retryV1.realTopic(topic: "T", group: "G") == "%RETRY%G_T")
        #expect(PopRetryMark.retryV2.realTopic(topic: "T", group: "G") == "%RETRY%G+T")
        #expect(PopRetryMark(topic: "%RETRY%G+T") == .retryV2)
        #expect(PopRetryMark(topic: "%RETRY%G_T") == .retryV1)
        #expect(PopRetryMark(topic: "T") == .normal)
    }
}
