import Core
import Foundation
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

@Suite struct PopConcurrencyAndRestartTests {
    @Test func competingPoppersNeverHoldTheSameMessage() async {
        let harness = PopHarness(queues: 4)
        for index in 0..<200 { harness.send("m\(index)", queueId: Int32(index % 4)) }
        let keys = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var held: [String] = []
                    for _ in 0..<100 {  // bounded: 8 × 100 × 5 ≫ 200
                        let (_, popped) = harness.pop(max: 5)
                        held += popped.map { "\($0.message.queueId)@\($0.message.queueOffset)" }
                    }
                    return held
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(keys.count == 200)
        #expect(Set(keys).count == 200)
    }

    @Test func anyQueuePopsRotateAcrossQueues() {
        let harness = PopHarness(queues: 4)
        for queueId in 0..<4 { for _ in 0..<2 { harness.send("q\(queueId)", queueId: Int32(queueId)) } }
        let first = harness.pop(max: 1).1.map(\.message.queueId)
        let second = harness.pop(max: 1).1.map(\.message.queueId)
        let third = harness.pop(max: 1).1.map(\.message.queueId)
        #expect(Set(first + second + third).count == 3)
    }

    @Test func longPollIsAnsweredWhenAMessageArrives() {
        let harness = PopHarness()
        let context = RecordingContext()
        harness.service.popProcessor.process(harness.popRequest(pollTime: 15_000), context: context)
        #expect(context.all.isEmpty)
        #expect(harness.service.longPolling.parkedCount == 1)
        harness.send("late")
        let response = context.awaitResponse()
        #expect(response?.code == 0)
        #expect(response.map(PopHarness.decode)?.map(\.body) == ["late"])
        #expect(harness.service.longPolling.parkedCount == 0)
    }

    @Test func longPollEndsWithPollingTimeout() {
        let harness = PopHarness()
        let context = RecordingContext()
        harness.service.popProcessor.process(harness.popRequest(pollTime: 5_000), context: context)
        harness.clock.advance(5_001)
        harness.service.longPolling.expire(now: harness.clock.milliseconds)
        #expect(context.awaitResponse()?.code == ResponseCode.pollingTimeout.rawValue)
    }

    @Test func longPollIsFullPastTheLimit() {
        var configuration = PopConfiguration()
        configuration.maxPopPollingSize = 1
        let longPolling = PopLongPollingService(popPollingSize: 1024, maxPopPollingSize: 1)
        #expect(longPolling.park(group: "g", topic: "t", retryTopic: "r", queueId: -1, deadline: 1) {} == .parked)
        #expect(longPolling.park(group: "g", topic: "t", retryTopic: "r", queueId: -1, deadline: 1) {} == .full)
    }

    @Test func lateRequestIsRefusedWithPollingTimeout() {
        let harness = PopHarness()
        var request = harness.popRequest(pollTime: 1_000)
        request.extFields["bornTime"] = String(harness.clock.milliseconds - 2_000)
        #expect(harness.call(harness.service.popProcessor, request).code == ResponseCode.pollingTimeout.rawValue)
    }

    @Test func stateSurvivesRestart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = PopHarness(stateDirectory: directory.path + "/config")
        for index in 0..<3 { harness.send("m\(index)") }
        let (_, popped) = harness.pop(max: 2)
        #expect(harness.call(harness.service.ackProcessor, harness.ackRequest(popped[0])).code == 0)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/config/popState"))

        let restarted = harness.restarted()
        #expect(restarted.service.state.checkpoints().count == 1)
        // Progress survived: the next pop continues after the two popped messages.
        #expect(restarted.pop(max: 32).1.map(\.body) == ["m2"])
        restarted.expireAndRevive()
        // Only the un-acked message comes back; the acked one never does.
        #expect(restarted.pop().1.map(\.body).sorted() == ["m1", "m2"])
    }

    @Test func ackAfterRestartUsesThePersistedCheckpoint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let harness = PopHarness(stateDirectory: directory.path + "/config")
        harness.send("m0")
        let (_, popped) = harness.pop()
        let restarted = harness.restarted()
        #expect(restarted.call(restarted.service.ackProcessor, restarted.ackRequest(popped[0])).code == 0)
        let again = restarted.restarted()
        again.expireAndRevive()
        #expect(again.pop().1.isEmpty)
    }
}
