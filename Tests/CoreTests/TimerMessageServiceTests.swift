import Core
import Foundation
import NIOCore
import Store
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
}
