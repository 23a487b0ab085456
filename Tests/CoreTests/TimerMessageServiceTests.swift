import Core
import Foundation
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

@Suite struct TimerMessageServiceTests {
    @Test func timerDelaySecondsIsParkedThenDeliveredOnTime() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        fixture.startServices()
        fixture.scheduler.advance(by: 300)  // not on a second boundary: due at +2.3 s fires at +3.0 s
        let sentAt = fixture.scheduler.now()
        let response = await fixture.send(body: "tick", properties: [("TIMER_DELAY_SEC", "2")])
        #expect(response?.code == ResponseCode.success.rawValue)
        let parked = try #require(fixture.records(topic: "rmq_sys_wheel_timer", queueId: 0).first)
        #expect(parked.property("REAL_TOPIC") == "Orders")
        #expect(parked.property("REAL_QID") == "1")
        #expect(parked.property("TIMER_OUT_MS") == String((sentAt + 2000) / 1000 * 1000))

        fixture.scheduler.advance(by: 1999)
        #expect(fixture.records().isEmpty, "delivered early")
        fixture.scheduler.advance(by: 1)  // due now; the wheel fires at the next second boundary
        fixture.scheduler.advance(by: 700)
        let delivered = try #require(fixture.records().first)
        #expect(delivered.storeTimestamp >= sentAt + 2000)
        #expect(delivered.storeTimestamp - (sentAt + 2000) <= 1000)
        #expect(delivered.property("TIMER_DELAY_SEC") == nil)
        #expect(delivered.property("UNIQ_KEY") == "ID-tick")
        #expect(fixture.broker.timer.deliveredCount == 1)
        fixture.scheduler.advance(by: 10_000)
        #expect(fixture.records().count == 1)
        fixture.stopServices()
    }

    @Test func absoluteDeliverTimeOnABoundaryFiresExactlyThen() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        fixture.startServices()
        let target = fixture.scheduler.now() + 3000
        await fixture.send(body: "abs", properties: [("TIMER_DELIVER_MS", String(target))])
        fixture.scheduler.advance(by: 2999)
        #expect(fixture.records().isEmpty)
        fixture.scheduler.advance(by: 1)
        #expect(fixture.records().first?.storeTimestamp == target)
        fixture.stopServices()
    }

    @Test func pastDeliverTimeIsStoredAtOnceAndTooFarIsIllegal() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        let now = fixture.scheduler.now()
        await fixture.send(body: "past", properties: [("TIMER_DELIVER_MS", String(now - 5))])
        #expect(fixture.bodies() == ["past"])
        let tooFar = await fixture.send(body: "far", properties: [("TIMER_DELAY_SEC", "259201")])
        #expect(tooFar?.code == ResponseCode.messageIllegal.rawValue)
        let both = await fixture.send(body: "both", properties: [("DELAY", "1"), ("TIMER_DELAY_SEC", "100")])
        #expect(both?.code == ResponseCode.success.rawValue)
        let parked = try #require(fixture.records(topic: "SCHEDULE_TOPIC_XXXX", queueId: 0).first)
        #expect(parked.property("TIMER_DELAY_SEC") == nil)
    }

    @Test func restartMidWayDeliversTheRestOnceAndNothingTwice() async throws {
        let first = try ScheduleFixture()
        defer { first.directory.remove() }
        first.startServices()
        let start = first.scheduler.now()
        for index in 1...10 {
            await first.send(body: "t\(index)", properties: [("TIMER_DELAY_MS", String(index * 1000))])
        }
        first.scheduler.advance(by: 5_500)
        #expect(first.bodies() == ["t1", "t2", "t3", "t4", "t5"])
        #expect(first.broker.timer.pendingCount == 5)
        first.stopServices()
        let checkpoint = try String(contentsOfFile: first.directory.path + "/config/timercheck.json", encoding: .utf8)
        #expect(checkpoint.contains("\"queueOffset\":5"))

        // Down across t6's and t7's due times.
        first.scheduler.advance(by: 2_000)
        let second = try ScheduleFixture(store: first.store, scheduler: first.scheduler, directory: first.directory)
        second.startServices()
        second.scheduler.runDueJobs()
        #expect(second.bodies() == ["t1", "t2", "t3", "t4", "t5", "t6", "t7"])
        #expect(second.broker.timer.pendingCount == 3)
        second.scheduler.advance(by: 499)
        #expect(second.bodies().count == 7, "t8 delivered early")
        second.scheduler.advance(by: 1)
        #expect(second.bodies().count == 8)
        second.scheduler.advance(by: 5_000)
        #expect(second.bodies() == (1...10).map { "t\($0)" })
        for record in second.records() {
            let index = Int64(record.property("UNIQ_KEY")?.dropFirst(4) ?? "") ?? 0
            #expect(record.storeTimestamp >= start + index * 1000, "early")
        }
        second.stopServices()
    }

    @Test func crashWithoutShutdownResumesFromTheLastTickCheckpoint() async throws {
        let first = try ScheduleFixture()
        defer { first.directory.remove() }
        first.startServices()
        for index in 1...4 {
            await first.send(body: "c\(index)", properties: [("TIMER_DELAY_MS", String(index * 1000))])
        }
        first.scheduler.advance(by: 2_000)  // the tick at +2 s wrote the checkpoint after c1, c2
        #expect(first.bodies() == ["c1", "c2"])
        // "Crash": no shutdown; the first broker's jobs never run again because its scheduler never advances.
        let clock = ManualTimerScheduler(startMilliseconds: first.scheduler.now())
        let second = try ScheduleFixture(store: first.store, scheduler: clock, directory: first.directory)
        second.startServices()
        second.scheduler.advance(by: 2_000)
        #expect(second.bodies() == ["c1", "c2", "c3", "c4"])
        second.stopServices()
    }
    @Test func deliveriesStoredAfterTheShutdownCheckpointAreNotDeliveredAgain() async throws {
        let first = try ScheduleFixture()
        defer { first.directory.remove() }
        let held = HeldCompletionStore(first.store, holdingTopic: "Orders")
        let fixture = try ScheduleFixture(store: held, scheduler: first.scheduler, directory: first.directory)
        fixture.startServices()
        for index in 1...3 {
            await fixture.send(body: "h\(index)", properties: [("TIMER_DELAY_MS", "1000")])
        }
        fixture.scheduler.advance(by: 1_000)
        #expect(fixture.bodies() == ["h1", "h2", "h3"])
        held.release(count: 2)
        // The store has not confirmed h3 yet when the service stops and writes its checkpoint.
        fixture.broker.schedule.shutdown()
        fixture.broker.timer.shutdown(drainTimeout: .zero)
        held.release(count: 1)

        let second = try ScheduleFixture(store: first.store, scheduler: first.scheduler, directory: first.directory)
        second.startServices()
        second.scheduler.runDueJobs()
        second.scheduler.advance(by: 2_000)
        #expect(second.bodies() == ["h1", "h2", "h3"], "delivered again after a graceful restart")
        second.stopServices()
    }
}

/// A store that stores at once but holds the put completions of one topic until the test releases them, as a slow
/// sync flush would.
final class HeldCompletionStore: MessageStore {
    private let inner: any MessageStore
    private let topic: String
    private let held = Mutex<[@Sendable () -> Void]>([])

    init(_ inner: any MessageStore, holdingTopic topic: String) {
        self.inner = inner
        self.topic = topic
    }

    /// Runs the oldest `count` held completions.
    func release(count: Int) {
        let due = held.withLock { held in
            let due = Array(held.prefix(count))
            held.removeFirst(min(count, held.count))
            return due
        }
        for completion in due { completion() }
    }

    func putMessage(_ message: MessageToStore, completion: @escaping @Sendable (PutMessageResult) -> Void) {
        guard message.topic == topic else { return inner.putMessage(message, completion: completion) }
        inner.putMessage(message) { [self] result in held.withLock { $0.append { completion(result) } } }
    }

    func putMessages(_ batch: [MessageToStore], completion: @escaping @Sendable (PutMessageResult) -> Void) {
        inner.putMessages(batch, completion: completion)
    }

    func messages(topic: String, queueId: Int32, offset: QueueOffset, maxCount: Int, maxBytes: Int,
                  filter: (any MessageFilter)?) -> GetMessageResult {
        inner.messages(topic: topic, queueId: queueId, offset: offset, maxCount: maxCount, maxBytes: maxBytes,
                       filter: filter)
    }

    func message(at offset: PhysicalOffset) -> ByteBuffer? { inner.message(at: offset) }

    func queryMessages(topic: String, key: String, maxCount: Int, beginTimestamp: Int64, endTimestamp: Int64)
        -> QueryMessageResult {
        inner.queryMessages(topic: topic, key: key, maxCount: maxCount, beginTimestamp: beginTimestamp,
                            endTimestamp: endTimestamp)
    }

    func maxOffset(topic: String, queueId: Int32) -> QueueOffset { inner.maxOffset(topic: topic, queueId: queueId) }
    func minOffset(topic: String, queueId: Int32) -> QueueOffset { inner.minOffset(topic: topic, queueId: queueId) }

    func offset(forTimestamp timestamp: Int64, topic: String, queueId: Int32, boundary: TimestampBoundary)
        -> QueueOffset {
        inner.offset(forTimestamp: timestamp, topic: topic, queueId: queueId, boundary: boundary)
    }

    func storeTimestamp(topic: String, queueId: Int32, offset: QueueOffset) -> Int64? {
        inner.storeTimestamp(topic: topic, queueId: queueId, offset: offset)
    }

    func earliestMessageTimestamp(topic: String, queueId: Int32) -> Int64? {
        inner.earliestMessageTimestamp(topic: topic, queueId: queueId)
    }

    func deleteTopics(_ topics: Set<String>) { inner.deleteTopics(topics) }
    func storedQueueCounts() -> [String: Int32] { inner.storedQueueCounts() }
    func addArrivalListener(_ listener: @escaping @Sendable (MessageArrival) -> Void) {
        inner.addArrivalListener(listener)
    }
    func statistics() -> StoreStatistics { inner.statistics() }
}
