import NIOCore
import Store
import Synchronization
import TestSupport
import Testing

/// Behaviour every `MessageStore` must share (STYLE §6): written once, run against each implementation.
@Suite struct MessageStoreContractTests {
    @Test(arguments: StoreKind.implemented)
    func putAssignsConsecutiveQueueOffsetsAndOffsetIds(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        let first = put(store, message())
        let second = put(store, message())
        let other = put(store, message(queueId: 1))
        #expect(first.status == .putOK && second.status == .putOK && other.status == .putOK)
        #expect(first.queueOffset == QueueOffset(0))
        #expect(second.queueOffset == QueueOffset(1))
        #expect(other.queueOffset == QueueOffset(0))
        #expect(second.physicalOffset == first.physicalOffset + Int64(first.wroteBytes))
        #expect(first.messageIds == [MessageId.offsetMessageId(storeHost: localStoreHost,
                                                                physicalOffset: first.physicalOffset)])
        #expect(store.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(2))
        #expect(store.minOffset(topic: "TopicTest", queueId: 0) == QueueOffset(0))
        #expect(store.maxOffset(topic: "Nope", queueId: 0) == QueueOffset(0))
    }

    @Test(arguments: StoreKind.implemented)
    func storedRecordsDecodeWithAssignedFields(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        _ = put(store, message(body: "zero"))
        let result = put(store, message(body: "one", tags: "TagA"))
        let bytes = try #require(store.message(at: result.physicalOffset))
        let decoded = try #require(MessageRecord.decode(bytes))
        #expect(decoded.physicalOffset == result.physicalOffset)
        #expect(decoded.queueOffset == QueueOffset(1))
        #expect(decoded.storeTimestamp == result.storeTimestamp)
        #expect(decoded.isBodyCRCValid)
        #expect(decoded.body == ByteBuffer(string: "one"))
        #expect(decoded.tagsCode == TagsCode.hash("TagA"))
        #expect(store.message(at: result.physicalOffset + 1) == nil)
    }

    @Test(arguments: StoreKind.implemented)
    func readStatusesFollowRocketMQ(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        func get(_ offset: Int64) -> GetMessageResult {
            store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(offset), maxCount: 32,
                           maxBytes: 1 << 20, filter: nil)
        }
        #expect(get(0).status == .noMessageInQueue)
        for index in 0..<3 { _ = put(store, message(body: "m\(index)")) }
        let found = get(1)
        #expect(found.status == .found)
        #expect(found.messages.count == 2)
        #expect(found.queueOffsets == [QueueOffset(1), QueueOffset(2)])
        #expect(found.nextBeginOffset == QueueOffset(3))
        #expect(found.maxOffset == QueueOffset(3))
        #expect(get(3).status == .offsetOverflowOne)
        #expect(get(3).nextBeginOffset == QueueOffset(3))
        #expect(get(9).status == .offsetOverflowBadly)
        #expect(get(9).nextBeginOffset == QueueOffset(3))
    }

    @Test(arguments: StoreKind.implemented)
    func maxCountAndMaxBytesLimitABatchButNeverBelowOneMessage(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        for _ in 0..<5 { _ = put(store, message(body: "0123456789")) }
        let two = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(0), maxCount: 2,
                                 maxBytes: 1 << 20, filter: nil)
        #expect(two.messages.count == 2 && two.nextBeginOffset == QueueOffset(2))
        let tiny = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(0), maxCount: 32,
                                  maxBytes: 1, filter: nil)
        #expect(tiny.messages.count == 1 && tiny.nextBeginOffset == QueueOffset(1))
    }

    @Test(arguments: StoreKind.implemented)
    func tagFilterSkipsOnTheConsumeQueue(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        _ = put(store, message(tags: "TagB"))
        _ = put(store, message(tags: "TagA"))
        _ = put(store, message(tags: "TagB"))
        let filter = TagsCodeFilter(expression: "TagA || TagC")
        let result = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(0), maxCount: 32,
                                    maxBytes: 1 << 20, filter: filter)
        #expect(result.status == .found)
        #expect(result.queueOffsets == [QueueOffset(1)])
        #expect(result.nextBeginOffset == QueueOffset(3))
        let none = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(2), maxCount: 32,
                                  maxBytes: 1 << 20, filter: filter)
        #expect(none.status == .noMatchedMessage)
        #expect(none.nextBeginOffset == QueueOffset(3))
    }

    @Test(arguments: StoreKind.implemented)
    func batchesGetConsecutiveOffsetsAndOneIdPerMessage(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        _ = put(store, message())
        let result = putBatch(store, [message(body: "a"), message(body: "b"), message(body: "c")])
        #expect(result.status == .putOK)
        #expect(result.queueOffset == QueueOffset(1))
        #expect(result.messageIds.count == 3)
        let read = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(1), maxCount: 32,
                                  maxBytes: 1 << 20, filter: nil)
        let bodies = read.messages.compactMap { MessageRecord.decode($0)?.body.map { String(buffer: $0) } }
        #expect(bodies == ["a", "b", "c"])
        let mixed = putBatch(store, [message(queueId: 0), message(queueId: 1)])
        #expect(mixed.status == .messageIllegal)
    }

    @Test(arguments: StoreKind.implemented)
    func oversizedBodyIsIllegal(kind: StoreKind) throws {
        let harness = try kind.make { $0.maxMessageSize = 16 }
        let result = put(harness.store, message(body: String(repeating: "x", count: 17)))
        #expect(result.status == .messageIllegal)
        #expect(harness.store.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(0))
    }

    @Test(arguments: StoreKind.implemented)
    func preparedTransactionsAreNotInTheConsumeQueue(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        let half = put(store, message(sysFlag: SysFlag.transactionPrepared))
        #expect(half.status == .putOK)
        #expect(store.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(0))
        #expect(store.message(at: half.physicalOffset) != nil)
    }

    @Test(arguments: StoreKind.implemented)
    func queryByKeyReturnsNewestFirstWithinTheWindow(kind: StoreKind) throws {
        let clock = FakeClock(1_000_000)
        let harness = try kind.make { $0.clock = clock.read }
        let store = harness.store
        let old = put(store, message(body: "old", keys: "order-1 other"))
        clock.advance(by: 10_000)
        let new = put(store, message(body: "new", keys: "order-1"))
        _ = put(store, message(body: "unrelated", keys: "order-2"))
        let both = store.queryMessages(topic: "TopicTest", key: "order-1", maxCount: 10, beginTimestamp: 0,
                                       endTimestamp: Int64.max)
        let offsets = both.messages.compactMap { MessageRecord.decode($0)?.physicalOffset }
        #expect(offsets == [new.physicalOffset, old.physicalOffset])
        let windowed = store.queryMessages(topic: "TopicTest", key: "order-1", maxCount: 10,
                                           beginTimestamp: 1_005_000, endTimestamp: Int64.max)
        #expect(windowed.messages.count == 1)
        let other = store.queryMessages(topic: "TopicTest", key: "other", maxCount: 10, beginTimestamp: 0,
                                        endTimestamp: Int64.max)
        #expect(other.messages.count == 1)
        #expect(store.queryMessages(topic: "Else", key: "order-1", maxCount: 10, beginTimestamp: 0,
                                    endTimestamp: Int64.max).messages.isEmpty)
    }

    @Test(arguments: StoreKind.implemented)
    func offsetsByTimestamp(kind: StoreKind) throws {
        let clock = FakeClock(1_000)
        let harness = try kind.make { $0.clock = clock.read }
        let store = harness.store
        for _ in 0..<4 {
            _ = put(store, message())
            clock.advance(by: 100)
        }
        // Store times: 1000, 1100, 1200, 1300.
        #expect(store.offset(forTimestamp: 1150, topic: "TopicTest", queueId: 0, boundary: .lower) == QueueOffset(2))
        #expect(store.offset(forTimestamp: 1150, topic: "TopicTest", queueId: 0, boundary: .upper) == QueueOffset(1))
        #expect(store.offset(forTimestamp: 1100, topic: "TopicTest", queueId: 0, boundary: .lower) == QueueOffset(1))
        #expect(store.offset(forTimestamp: 9999, topic: "TopicTest", queueId: 0, boundary: .lower) == QueueOffset(4))
        #expect(store.storeTimestamp(topic: "TopicTest", queueId: 0, offset: QueueOffset(3)) == 1300)
        #expect(store.earliestMessageTimestamp(topic: "TopicTest", queueId: 0) == 1000)
    }

    @Test(arguments: StoreKind.implemented)
    func arrivalListenersHearEveryDispatchedMessage(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        let arrivals = Mutex<[MessageArrival]>([])
        let semaphore = BlockingSemaphoreBox()
        store.addArrivalListener { arrival in
            arrivals.withLock { $0.append(arrival) }
            semaphore.value.signal()
        }
        _ = put(store, message(tags: "TagA"))
        _ = put(store, message(queueId: 3))
        semaphore.value.wait()
        semaphore.value.wait()
        let seen = arrivals.withLock { $0 }
        #expect(seen.map(\.queueId).sorted() == [0, 3])
        #expect(seen.first { $0.queueId == 0 }?.tagsCode == TagsCode.hash("TagA"))
        #expect(seen.allSatisfy { $0.queueOffset == QueueOffset(0) })
    }

    @Test(arguments: StoreKind.implemented)
    func deletedTopicsLoseTheirQueues(kind: StoreKind) throws {
        let harness = try kind.make()
        let store = harness.store
        _ = put(store, message(topic: "Gone"))
        _ = put(store, message(topic: "Kept"))
        store.deleteTopics(["Gone"])
        #expect(store.maxOffset(topic: "Gone", queueId: 0) == QueueOffset(0))
        #expect(store.maxOffset(topic: "Kept", queueId: 0) == QueueOffset(1))
    }
}
