import Core
import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct BrokerLongPollingTests {
    @Test func heldPullIsAnsweredWhenAMessageArrives() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let context = FakeRequestContext()
        let pull = try #require(fixture.broker.processors[RequestCode.pullMessage.rawValue])
        pull.process(fixture.pullRequest(topic: "Held", offset: 0, suspend: true), context: context)
        #expect(context.allResponses.isEmpty)
        #expect(fixture.broker.holdService.heldCount == 1)

        await fixture.send(topic: "Held", body: "wake up")
        let response = try #require(await context.response())
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(decodeRecords(response.body).first?.body.map { String(buffer: $0) } == "wake up")
        #expect(fixture.broker.holdService.heldCount == 0)
        #expect(context.allResponses.count == 1)
    }

    @Test func heldPullIgnoresMessagesItsFilterRejects() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let context = FakeRequestContext()
        let pull = try #require(fixture.broker.processors[RequestCode.pullMessage.rawValue])
        pull.process(
            fixture.pullRequest(topic: "Held", offset: 0, suspend: true, subscription: "TagA"),
            context: context)
        await fixture.send(topic: "Held", body: "other", tags: "TagB")
        #expect(context.allResponses.isEmpty)
        await fixture.send(topic: "Held", body: "mine", tags: "TagA")
        let response = try #require(await context.response())
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(decodeRecords(response.body).map { $0.property("TAGS") } == ["TagA"])
    }

    @Test func heldPullTimesOutWithPullNotFound() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let context = FakeRequestContext()
        let pull = try #require(fixture.broker.processors[RequestCode.pullMessage.rawValue])
        pull.process(
            fixture.pullRequest(topic: "Held", offset: 0, suspend: true, timeoutMillis: 15000),
            context: context)
        fixture.clock.advance(milliseconds: 14000)
        fixture.broker.holdService.checkHeldRequests()
        #expect(context.allResponses.isEmpty)
        fixture.clock.advance(milliseconds: 1000)
        fixture.broker.holdService.checkHeldRequests()
        let response = try #require(await context.response())
        #expect(response.code == ResponseCode.pullNotFound.rawValue)
        #expect(response.extFields["nextBeginOffset"] == "0")
        #expect(response.extFields["maxOffset"] == "0")
    }

    /// Issue 16: every wake-up re-abstracted the stored wake handler twice, so after ~90,000 wake-ups calling it
    /// overflowed the stack and the broker died with SIGSEGV. 150,000 held pulls must all be answered.
    @Test(.timeLimit(.minutes(2)))
    func manyWakeUpsLeaveTheWakeHandlerCallable() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let pull = try #require(fixture.broker.processors[RequestCode.pullMessage.rawValue])
        let request = fixture.pullRequest(topic: "Held", offset: 0, suspend: true, timeoutMillis: 1)
        let wakeUps = 150_000
        var answered = 0
        for _ in 0..<wakeUps {
            let context = FakeRequestContext()
            pull.process(request, context: context)
            fixture.clock.advance(milliseconds: 1)
            fixture.broker.holdService.checkHeldRequests()  // re-runs inline (the fixture's executor)
            if context.allResponses.first?.code == ResponseCode.pullNotFound.rawValue { answered += 1 }
        }
        #expect(answered == wakeUps)
        #expect(fixture.broker.holdService.heldCount == 0)
    }

    @Test func pullWithoutSuspendBitAnswersNotFoundAtOnce() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let response = try #require(await fixture.call(fixture.pullRequest(topic: "Held", offset: 0)))
        #expect(response.code == ResponseCode.pullNotFound.rawValue)
        #expect(fixture.broker.holdService.heldCount == 0)
    }

    @Test func shutdownAnswersHeldPulls() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        fixture.broker.topics.update(TopicConfig(topicName: "Held", readQueueNums: 1, writeQueueNums: 1))
        let context = FakeRequestContext()
        fixture.broker.processors[RequestCode.litePullMessage.rawValue]?
            .process(fixture.pullRequest(topic: "Held", offset: 0, suspend: true), context: context)
        fixture.broker.shutdown()
        #expect(await context.response()?.code == ResponseCode.pullNotFound.rawValue)
    }

    @Test func fileStoreWakesHeldPullsFromItsDispatcher() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-broker-file")
        defer { directory.remove() }
        var storeConfiguration = StoreConfiguration(storePathRootDir: directory.path + "/store")
        storeConfiguration.mappedFileSizeCommitLog = 1024 * 1024
        storeConfiguration.mappedFileSizeConsumeQueue = 1000 * 20
        let store = try FileMessageStore.open(configuration: storeConfiguration, logger: .init(label: "test.store"))
        store.start()
        defer { store.shutdown() }
        let fixture = try BrokerFixture(store: store, directory: directory)
        fixture.broker.topics.update(TopicConfig(topicName: "FileHeld", readQueueNums: 1, writeQueueNums: 1))
        let context = FakeRequestContext()
        fixture.broker.processors[RequestCode.pullMessage.rawValue]?
            .process(fixture.pullRequest(topic: "FileHeld", offset: 0, suspend: true), context: context)
        let sent = await fixture.send(topic: "FileHeld", body: "on disk", tags: "T")
        #expect(sent?.code == ResponseCode.success.rawValue)
        let response = try #require(await context.response())
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(decodeRecords(response.body).first?.body.map { String(buffer: $0) } == "on disk")
    }
}
