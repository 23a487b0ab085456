import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct ScheduleMessageServiceTests {
    @Test func delayLevelTableParsesUnitsAndClamps() throws {
        let table = try #require(DelayLevelTable(parsing: "1s 5s 2m 1h 1d"))
        #expect(table.delaysMilliseconds == [1000, 5000, 120_000, 3_600_000, 86_400_000])
        #expect(table.clamp(9) == 5)
        #expect(table.queueId(ofLevel: 1) == 0)
        #expect(DelayLevelTable(parsing: "1s 5x") == nil)
        #expect(DelayLevelTable.standard.maxLevel == 18)
        #expect(DelayLevelTable.standard.delay(ofLevel: 3) == 10_000)
    }

    @Test func delayedSendIsParkedThenDeliveredOnTimeNeverEarly() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        fixture.startServices()
        let response = await fixture.send(body: "later", properties: [("DELAY", "2")])  // level 2 = 5 s
        #expect(response?.code == ResponseCode.success.rawValue)
        #expect(response?.extFields["queueId"] == "1")

        let parked = try #require(fixture.records(topic: "SCHEDULE_TOPIC_XXXX", queueId: 1).first)
        #expect(parked.property("REAL_TOPIC") == "Orders")
        #expect(parked.property("REAL_QID") == "1")
        #expect(parked.property("DELAY") == "2")
        #expect(fixture.records().isEmpty)

        fixture.scheduler.advance(by: 4999)
        #expect(fixture.records().isEmpty, "delivered early")
        fixture.scheduler.advance(by: 1)
        let delivered = try #require(fixture.records().first)
        #expect(delivered.body.map { String(buffer: $0) } == "later")
        #expect(delivered.property("DELAY") == nil)
        #expect(delivered.property("UNIQ_KEY") == "ID-later")
        #expect(delivered.property("TAGS") == "T")
        #expect(delivered.property("REAL_TOPIC") == "Orders")
        #expect(delivered.tagsCode == TagsCode.hash("T"))
        #expect(fixture.broker.schedule.offset(ofLevel: 2) == 1)
        fixture.scheduler.advance(by: 60_000)
        #expect(fixture.records().count == 1, "delivered twice")
        fixture.stopServices()
    }

    @Test func levelsAboveTheMaximumClampToTheLastLevel() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        await fixture.send(body: "far", properties: [("DELAY", "40")])
        let parked = try #require(fixture.records(topic: "SCHEDULE_TOPIC_XXXX", queueId: 17).first)
        #expect(parked.property("DELAY") == "18")
    }

    @Test func offsetsSurviveARestartAndOverdueMessagesGoOutAtStart() async throws {
        let first = try ScheduleFixture()
        defer { first.directory.remove() }
        first.startServices()
        for index in 0..<3 {
            await first.send(body: "m\(index)", properties: [("DELAY", "1")])  // 1 s
            first.scheduler.advance(by: 400)
        }
        // t = 1.2 s: m0 (due 1.0 s) is out, m1 (1.4 s) and m2 (1.8 s) are not.
        #expect(first.bodies() == ["m0"])
        first.stopServices()
        let saved = try String(contentsOfFile: first.directory.path + "/config/delayOffset.json", encoding: .utf8)
        #expect(saved.contains("\"offsetTable\""))
        #expect(saved.contains("\"1\":1"))

        // Down for 300 ms: m1 becomes overdue while stopped, m2 is still ahead.
        first.scheduler.advance(by: 300)
        let second = try ScheduleFixture(store: first.store, scheduler: first.scheduler, directory: first.directory)
        #expect(second.broker.schedule.offset(ofLevel: 1) == 0)
        second.startServices()
        #expect(second.broker.schedule.offset(ofLevel: 1) == 1)
        second.scheduler.runDueJobs()
        #expect(second.bodies() == ["m0", "m1"])
        second.scheduler.advance(by: 299)
        #expect(second.bodies() == ["m0", "m1"], "m2 delivered early")
        second.scheduler.advance(by: 1)
        #expect(second.bodies() == ["m0", "m1", "m2"])
        second.stopServices()
    }

    @Test func sendBackParksTheRetryAtLevelThreePlusReconsumeTimes() async throws {
        let fixture = try ScheduleFixture()
        defer { fixture.directory.remove() }
        fixture.startServices()
        await fixture.send(body: "fragile", properties: [])
        let original = try #require(fixture.records().first)
        let request = RemotingCommand.request(
            .consumerSendMessageBack,
            extFields: [
                "offset": String(original.physicalOffset.rawValue), "group": "cg", "delayLevel": "0",
                "originTopic": "Orders", "maxReconsumeTimes": "16",
            ])
        let context = FakeRequestContext()
        fixture.broker.processors[request.code]?.process(request, context: context)
        #expect(await context.response()?.code == ResponseCode.success.rawValue)
        let parked = try #require(fixture.records(topic: "SCHEDULE_TOPIC_XXXX", queueId: 2).first)
        #expect(parked.property("REAL_TOPIC") == "%RETRY%cg")
        #expect(parked.property("DELAY") == "3")
        #expect(parked.reconsumeTimes == 1)

        fixture.scheduler.advance(by: 9_999)
        #expect(fixture.records(topic: "%RETRY%cg", queueId: 0).isEmpty)
        fixture.scheduler.advance(by: 1)
        let retry = try #require(fixture.records(topic: "%RETRY%cg", queueId: 0).first)
        #expect(retry.property("RETRY_TOPIC") == "Orders")
        #expect(retry.reconsumeTimes == 1)
        fixture.stopServices()
    }
}
