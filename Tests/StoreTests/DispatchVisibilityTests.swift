import Dispatch
import NIOCore
@testable import Store
import Synchronization
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Once a put's completion reports `.putOK`, a reader on another thread must find the message through
/// `messages(...)` after a short asynchronous dispatch, and `maxOffset` must never promise an offset `messages`
/// cannot read. The polls below are bounded by a generous deadline and only the end state is asserted.
@Suite struct DispatchVisibilityTests {
    static let deadline = Duration.seconds(20)

    /// Puts without `settle` (which would also wait for the index): returns the completion's result.
    static func putAcknowledged(_ store: FileMessageStore, _ message: MessageToStore) -> PutMessageResult {
        let box = ResultBox()
        store.putMessage(message) { box.set($0) }
        return box.wait()
    }

    /// Polls until `offset` is readable or the deadline passes; returns the last read.
    static func pollUntilReadable(_ store: FileMessageStore, topic: String, queueId: Int32,
                                  offset: Int64) -> GetMessageResult {
        let end = ContinuousClock.now + deadline
        while true {
            let read = store.messages(topic: topic, queueId: queueId, offset: QueueOffset(offset), maxCount: 1,
                                      maxBytes: 1 << 20, filter: nil)
            if read.status == .found || ContinuousClock.now >= end { return read }
            usleep(500)
        }
    }

    /// Regression: building the index ran on the consume-queue dispatcher thread, so a slow index write (the first
    /// touches of a freshly created, sparse 420 MB index file take milliseconds each under load) held back the
    /// consume-queue units of every later record. A RocketMQ client pulling right after its sends then saw only
    /// the first message with `maxOffset` 1. Here the index is stalled outright: consume queues must not care.
    @Test func acknowledgedPutsBecomeReadableWhileTheIndexIsStalled() throws {
        let directory = try TemporaryDirectory(prefix: "tern-dispatch")
        defer { directory.remove() }
        let store = try FileStoreTests.open(FileStoreTests.configuration(directory))
        defer { store.shutdown() }
        let count = 3
        let seen = store.index.state.withLock { _ -> (offsets: [Int64], maxOffset: Int64, storeMaxOffset: Int64) in
            for number in 0..<count {
                let result = Self.putAcknowledged(store, message(topic: "V4Topic", queueId: 2, body: "pull-\(number)",
                                                                 tags: "TagP", keys: "pk-\(number)"))
                #expect(result.status == .putOK)
                #expect(result.queueOffset == QueueOffset(Int64(number)))
            }
            // The last acknowledged offset readable means every earlier one is (units are written in order).
            _ = Self.pollUntilReadable(store, topic: "V4Topic", queueId: 2, offset: Int64(count - 1))
            let read = store.messages(topic: "V4Topic", queueId: 2, offset: QueueOffset(0), maxCount: 32,
                                      maxBytes: 1 << 20, filter: nil)
            return (read.queueOffsets.map(\.rawValue), read.maxOffset.rawValue,
                    store.maxOffset(topic: "V4Topic", queueId: 2).rawValue)
        }
        #expect(seen.offsets == [0, 1, 2])
        #expect(seen.maxOffset == 3)
        #expect(seen.storeMaxOffset == 3)
        let all = store.messages(topic: "V4Topic", queueId: 2, offset: QueueOffset(0), maxCount: 32,
                                 maxBytes: 1 << 20, filter: nil)
        #expect(all.messages.compactMap { MessageRecord.decode($0)?.body.map { String(buffer: $0) } }
                    == ["pull-0", "pull-1", "pull-2"])
        // The index catches up once it is free again.
        store.waitUntilDispatched()
        for number in 0..<count {
            let found = store.queryMessages(topic: "V4Topic", key: "pk-\(number)", maxCount: 8, beginTimestamp: 0,
                                            endTimestamp: .max)
            #expect(found.messages.count == 1, "key pk-\(number)")
        }
    }

    /// Concurrent writers each check, right after their completion fired, that their message is readable at its
    /// queue offset, and that every offset below the reported `maxOffset` is readable too (segment rolls included:
    /// 8 KiB commit log segments, 10-unit consume queue segments, 50-entry index files).
    @Test func everyAcknowledgedPutIsReadableAndMaxOffsetAgreesWithMessages() throws {
        let directory = try TemporaryDirectory(prefix: "tern-dispatch")
        defer { directory.remove() }
        let store = try FileStoreTests.open(FileStoreTests.configuration(directory))
        defer { store.shutdown() }
        let writers = 4
        let perWriter = 60
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: writers) { writer in
            for number in 0..<perWriter {
                let body = "w\(writer)-\(number)"
                let result = Self.putAcknowledged(store, message(topic: "Visible", queueId: 1, body: body,
                                                                 keys: "k-\(body)"))
                guard result.status == .putOK else {
                    failures.withLock { $0.append("\(body): \(result.status)") }
                    continue
                }
                let offset = result.queueOffset.rawValue
                let read = Self.pollUntilReadable(store, topic: "Visible", queueId: 1, offset: offset)
                let readBody = read.messages.first.flatMap { MessageRecord.decode($0)?.body.map { String(buffer: $0) } }
                if read.status != .found || read.queueOffsets != [QueueOffset(offset)] || readBody != body {
                    failures.withLock { $0.append("\(body)@\(offset): \(read.status) \(readBody ?? "nil")") }
                }
                let maxOffset = store.maxOffset(topic: "Visible", queueId: 1).rawValue
                let last = store.messages(topic: "Visible", queueId: 1, offset: QueueOffset(maxOffset - 1), maxCount: 1,
                                          maxBytes: 1 << 20, filter: nil)
                if maxOffset <= offset || last.status != .found || last.maxOffset.rawValue < maxOffset {
                    failures.withLock {
                        $0.append("maxOffset \(maxOffset) after \(offset): \(last.status) max \(last.maxOffset)")
                    }
                }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(store.maxOffset(topic: "Visible", queueId: 1) == QueueOffset(Int64(writers * perWriter)))
    }
}
