import Core
import NIOCore
import Store
import TestSupport
import Testing

@Suite struct AdminQueryMessageTests {
    private func query(
        _ fixture: BrokerFixture, topic: String = "Orders", key: String, maxNum: String = "64", unique: Bool = false
    ) async throws -> RemotingCommand {
        var extFields = [
            "topic": topic, "key": key, "maxNum": maxNum, "beginTimestamp": "0", "endTimestamp": String(Int64.max),
        ]
        if unique { extFields["_UNIQUE_KEY_QUERY"] = "true" }
        return try #require(await fixture.call(.request(.queryMessage, extFields: extFields)))
    }

    @Test func queryByKeyAndByUniqueKeyAnswersTheStoredRecords() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.send(
            topic: "Orders", body: "first", queueId: 1,
            properties: [("KEYS", "order-42 extra"), ("UNIQ_KEY", "AAAA0001"), ("color", "red")])
        await fixture.send(
            topic: "Orders", body: "second", queueId: 2, properties: [("KEYS", "order-42"), ("UNIQ_KEY", "AAAA0002")])
        await fixture.send(topic: "Orders", body: "third", properties: [("KEYS", "order-43")])

        let byKey = try await query(fixture, key: "order-42")
        #expect(byKey.code == ResponseCode.success.rawValue)
        #expect(byKey.extFields["indexLastUpdateTimestamp"] != nil)
        #expect(byKey.extFields["indexLastUpdatePhyoffset"] != nil)
        let records = decodeRecords(byKey.body)
        #expect(Set(records.map { $0.property("UNIQ_KEY") }) == ["AAAA0001", "AAAA0002"])

        let byUnique = try await query(fixture, key: "AAAA0001", maxNum: "0", unique: true)
        #expect(byUnique.code == ResponseCode.success.rawValue)
        let found = try #require(decodeRecords(byUnique.body).first)
        #expect(found.queueId == 1)
        #expect(found.property("color") == "red")
        #expect(found.body.map { String(buffer: $0) } == "first")
    }

    @Test func queryMissAnswersQueryNotFoundWithTheIndexHeader() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        let miss = try await query(fixture, key: "nothing")
        #expect(miss.code == ResponseCode.queryNotFound.rawValue)
        #expect(miss.remark == "can not find message, maybe time range not correct")
        #expect(miss.extFields["indexLastUpdatePhyoffset"] != nil)
        let missingField = try #require(
            await fixture.call(.request(.queryMessage, extFields: ["topic": "Orders", "key": "k"])))
        #expect(missingField.code == ResponseCode.systemError.rawValue)
    }

    @Test func viewMessageByIdReadsTheRecordAtTheOffsetOfAnOffsetMessageId() async throws {
        let fixture = try BrokerFixture()
        defer { fixture.directory.remove() }
        await fixture.send(topic: "Orders", body: "one", properties: [])
        let sent = try #require(await fixture.send(topic: "Orders", body: "two", properties: [("KEYS", "k")]))
        let messageId = try #require(sent.extFields["msgId"])
        let (_, offset) = try #require(MessageId.decodeOffsetMessageId(messageId))
        let response = try #require(
            await fixture.call(.request(.viewMessageById, extFields: ["offset": String(offset.rawValue)])))
        #expect(response.code == ResponseCode.success.rawValue)
        let record = try #require(decodeRecords(response.body).first)
        #expect(record.offsetMessageId == messageId)
        #expect(record.body.map { String(buffer: $0) } == "two")

        let missing = try #require(await fixture.call(.request(.viewMessageById, extFields: ["offset": "999999"])))
        #expect(missing.code == ResponseCode.systemError.rawValue)
        #expect(missing.remark == "can not find message by the offset, 999999")
    }
}
