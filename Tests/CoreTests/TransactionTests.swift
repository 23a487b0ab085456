import Core
import Logging
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct TransactionTests {
    struct Half {
        var commitLogOffset: Int64
        var queueOffset: Int64
        var uniqueKey: String
    }

    /// Sends a prepared message for `RealTopic` queue 1 from producer group `pg`.
    private func sendHalf(_ fixture: BrokerFixture, body: String) async throws -> Half {
        let properties = "UNIQ_KEY\u{1}TX-\(body)\u{2}TRAN_MSG\u{1}true\u{2}PGROUP\u{1}pg\u{2}TAGS\u{1}T\u{2}"
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": "RealTopic", "c": "TBW102", "d": "4", "e": "1", "f": "4", "g": "0", "h": "0",
                "i": properties,
            ], body: ByteBuffer(string: body))
        let response = try #require(await fixture.call(request))
        #expect(response.code == ResponseCode.success.rawValue)
        #expect(response.extFields["queueId"] == "1")
        let msgId = try #require(response.extFields["msgId"])
        return Half(
            commitLogOffset: try #require(Int64(msgId.suffix(16), radix: 16)),
            queueOffset: try #require(response.extFields["queueOffset"].flatMap { Int64($0) }),
            uniqueKey: "TX-\(body)")
    }

    private func endTransaction(
        _ fixture: BrokerFixture, _ half: Half, type: Int32, fromCheck: Bool = false, group: String = "pg"
    ) async -> RemotingCommand? {
        await fixture.call(
            .request(
                .endTransaction,
                extFields: [
                    "producerGroup": group, "tranStateTableOffset": String(half.queueOffset),
                    "commitLogOffset": String(half.commitLogOffset), "commitOrRollback": String(type),
                    "fromTransactionCheck": String(fromCheck), "msgId": half.uniqueKey,
                ]))
    }

    private func realBodies(_ fixture: BrokerFixture) async -> [DecodedMessage] {
        let response = await fixture.call(fixture.pullRequest(topic: "RealTopic", queueId: 1, offset: 0))
        return decodeRecords(response?.body)
    }

    private func registerProducer(_ fixture: BrokerFixture) -> FakeClientChannel {
        let channel = FakeClientChannel(connectionID: "producer-1")
        fixture.broker.producers.register(
            group: "pg",
            channel: ClientChannelInfo(
                channel: channel, connectionID: "producer-1", clientId: "p1", remoteAddress: "127.0.0.1:1",
                language: .java, version: 0, lastUpdateTimestamp: fixture.clock.read()))
        return channel
    }

    @Test func halfMessageIsInvisibleUntilCommittedAndConsumedOnce() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let half = try await sendHalf(fixture, body: "order-1")
        #expect(await realBodies(fixture).isEmpty)
        let stored = try #require(fixture.store.message(at: PhysicalOffset(half.commitLogOffset)))
        let decoded = try #require(MessageRecord.decode(stored))
        #expect(decoded.topic == "RMQ_SYS_TRANS_HALF_TOPIC")
        #expect(decoded.property("REAL_TOPIC") == "RealTopic")
        #expect(decoded.property("REAL_QID") == "1")
        #expect(decoded.sysFlag & SysFlag.transactionMask == 0)

        #expect(await endTransaction(fixture, half, type: 8)?.code == ResponseCode.success.rawValue)
        // A repeated commit (e.g. the producer's retry) is acknowledged but not applied again.
        #expect(await endTransaction(fixture, half, type: 8)?.code == ResponseCode.success.rawValue)
        #expect(await endTransaction(fixture, half, type: 12)?.code == ResponseCode.success.rawValue)
        let real = await realBodies(fixture)
        try #require(real.count == 1)
        #expect(real[0].body.map { String(buffer: $0) } == "order-1")
        #expect(real[0].sysFlag & SysFlag.transactionMask == SysFlag.transactionCommit)
        #expect(real[0].preparedTransactionOffset == half.commitLogOffset)
        #expect(real[0].property("TRAN_MSG") == nil)
        #expect(real[0].property("REAL_TOPIC") == nil)
        #expect(real[0].property("PGROUP") == "pg")
        #expect(fixture.store.maxOffset(topic: "RMQ_SYS_TRANS_OP_HALF_TOPIC", queueId: 0).rawValue == 1)
    }

    @Test func rollbackIsNeverDeliveredAndUnknownChangesNothing() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let half = try await sendHalf(fixture, body: "cancel")
        #expect(await endTransaction(fixture, half, type: 0)?.code == ResponseCode.success.rawValue)
        #expect(fixture.store.maxOffset(topic: "RMQ_SYS_TRANS_OP_HALF_TOPIC", queueId: 0).rawValue == 0)
        #expect(await endTransaction(fixture, half, type: 12)?.code == ResponseCode.success.rawValue)
        #expect(await endTransaction(fixture, half, type: 8)?.code == ResponseCode.success.rawValue)
        #expect(await realBodies(fixture).isEmpty)
        fixture.clock.advance(milliseconds: 60_000)
        #expect(fixture.broker.transactionCheck.check().checked == 0)
    }

    @Test func mismatchedRequestsAreSystemErrors() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let half = try await sendHalf(fixture, body: "x")
        let wrongGroup = await endTransaction(fixture, half, type: 8, group: "other")
        #expect(wrongGroup?.code == ResponseCode.systemError.rawValue)
        #expect(wrongGroup?.remark == "The producer group wrong")
        var missing = half
        missing.commitLogOffset = 999_999
        let notFound = await endTransaction(fixture, missing, type: 8)
        #expect(notFound?.code == ResponseCode.systemError.rawValue)
        #expect(notFound?.remark == "Find prepared transaction message failed")
        var wrongOffset = half
        wrongOffset.queueOffset = 7
        #expect(await endTransaction(fixture, wrongOffset, type: 8)?.code == ResponseCode.systemError.rawValue)
        #expect(await realBodies(fixture).isEmpty)
    }

    @Test func rejectTransactionMessageRefusesHalfMessages() async throws {
        let fixture = try BrokerFixture { $0.rejectTransactionMessage = true }
        defer { fixture.directory.remove() }
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": "RealTopic", "c": "TBW102", "d": "4", "e": "1", "f": "4", "g": "0", "h": "0",
                "i": "TRAN_MSG\u{1}true\u{2}",
            ], body: ByteBuffer(string: "x"))
        #expect(await fixture.call(request)?.code == ResponseCode.noPermission.rawValue)
    }

    @Test func unknownTransactionIsCheckedBackThenResolvedByTheProducer() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let channel = registerProducer(fixture)
        let half = try await sendHalf(fixture, body: "pending")
        #expect(await endTransaction(fixture, half, type: 0)?.code == ResponseCode.success.rawValue)
        // Younger than transactionTimeOut (6 s): not checked yet.
        fixture.clock.advance(milliseconds: 5_000)
        #expect(fixture.broker.transactionCheck.check().checked == 0)
        fixture.clock.advance(milliseconds: 2_000)
        #expect(fixture.broker.transactionCheck.check().checked == 1)
        let check = try #require(channel.sentRequests.first)
        #expect(check.code == RequestCode.checkTransactionState.rawValue)
        #expect(check.extFields["msgId"] == half.uniqueKey)
        #expect(check.extFields["transactionId"] == half.uniqueKey)
        #expect(check.extFields["topic"] == "RealTopic")
        #expect(check.extFields["bname"] == "broker-a")
        let copyOffset = try #require(check.extFields["commitLogOffset"].flatMap { Int64($0) })
        #expect(copyOffset != half.commitLogOffset)
        #expect(check.extFields["tranStateTableOffset"] == "1")
        let body = try #require(check.body.flatMap { MessageRecord.decode($0) })
        #expect(body.topic == "RealTopic")
        #expect(body.queueId == 1)
        #expect(body.property("TRANSACTION_CHECK_TIMES") == "1")
        #expect(body.offsetMessageId == check.extFields["offsetMsgId"])
        // Not asked again in the same interval: the fresh copy is younger than the timeout.
        #expect(fixture.broker.transactionCheck.check().checked == 0)

        let copy = Half(commitLogOffset: copyOffset, queueOffset: 1, uniqueKey: half.uniqueKey)
        #expect(await endTransaction(fixture, copy, type: 8, fromCheck: true)?.code == ResponseCode.success.rawValue)
        // The original copy belongs to the same transaction: a late commit for it is not applied twice.
        #expect(await endTransaction(fixture, half, type: 8)?.code == ResponseCode.success.rawValue)
        #expect(await realBodies(fixture).map { $0.body.map { String(buffer: $0) } } == ["pending"])
        fixture.clock.advance(milliseconds: 60_000)
        #expect(fixture.broker.transactionCheck.check().checked == 0)
        #expect(channel.sentRequests.count == 1)
    }

    @Test func halfMessageIsDiscardedAfterTransactionCheckMax() async throws {
        let fixture = try BrokerFixture { $0.transactionCheckMax = 2 }
        defer { fixture.directory.remove() }
        let channel = registerProducer(fixture)
        _ = try await sendHalf(fixture, body: "forgotten")
        for _ in 0..<2 {
            fixture.clock.advance(milliseconds: 30_000)
            #expect(fixture.broker.transactionCheck.check().checked == 1)
        }
        fixture.clock.advance(milliseconds: 30_000)
        #expect(fixture.broker.transactionCheck.check() == .init(checked: 0, discarded: 1, skipped: 0))
        #expect(channel.sentRequests.count == 2)
        #expect(fixture.store.maxOffset(topic: "TRANS_CHECK_MAX_TIME_TOPIC", queueId: 0).rawValue == 1)
        fixture.clock.advance(milliseconds: 30_000)
        #expect(fixture.broker.transactionCheck.check() == .init())
    }

    @Test func decisionsSurviveRecreatingTheServicesOverTheSameStore() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let committed = try await sendHalf(fixture, body: "c")
        let rolledBack = try await sendHalf(fixture, body: "r")
        let open = try await sendHalf(fixture, body: "o")
        #expect(await endTransaction(fixture, committed, type: 8)?.code == ResponseCode.success.rawValue)
        #expect(await endTransaction(fixture, rolledBack, type: 12)?.code == ResponseCode.success.rawValue)

        // A second broker over the same store rebuilds its state from the op and half topics.
        let restarted = try BrokerFixture(store: fixture.store, directory: fixture.directory)
        restarted.clock.advance(milliseconds: 10_000)
        #expect(restarted.broker.transactions.isDecided(halfOffset: committed.queueOffset, transactionId: "TX-c"))
        #expect(restarted.broker.transactions.isDecided(halfOffset: rolledBack.queueOffset, transactionId: "TX-r"))
        #expect(!restarted.broker.transactions.isDecided(halfOffset: open.queueOffset, transactionId: "TX-o"))
        #expect(await endTransaction(restarted, committed, type: 8)?.code == ResponseCode.success.rawValue)
        #expect(await endTransaction(restarted, rolledBack, type: 8)?.code == ResponseCode.success.rawValue)
        // Only the first commit reached the real queue (the restarted broker has not loaded topics.json, so read
        // the store directly).
        #expect(fixture.store.maxOffset(topic: "RealTopic", queueId: 1).rawValue == 1)
        let channel = registerProducer(restarted)
        #expect(restarted.broker.transactionCheck.check().checked == 1)
        #expect(channel.sentRequests.map { $0.extFields["msgId"] } == ["TX-o"])

        // And after the check-back copy (half offset 3) exists, a third instance checks only that copy, never the
        // superseded one at 2; the check names the newest copy (4).
        let third = try BrokerFixture(store: fixture.store, directory: fixture.directory)
        third.clock.advance(milliseconds: 60_000)
        let thirdChannel = registerProducer(third)
        #expect(third.broker.transactionCheck.check().checked == 1)
        #expect(thirdChannel.sentRequests.map { $0.extFields["tranStateTableOffset"] } == ["4"])
    }
}
