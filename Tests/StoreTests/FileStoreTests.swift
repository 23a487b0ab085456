import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Behaviour specific to the on-disk store: segments, reopening, recovery, locking, retention.
@Suite struct FileStoreTests {
    static let logger = Logger(label: "tern.store.test")

    static func configuration(_ directory: TemporaryDirectory) -> StoreConfiguration {
        var configuration = StoreConfiguration(storePathRootDir: directory.path)
        configuration.mappedFileSizeCommitLog = 8 * 1024
        configuration.mappedFileSizeConsumeQueue = 10 * 20
        configuration.maxHashSlotNum = 64
        configuration.maxIndexNum = 50
        return configuration
    }

    static func open(_ configuration: StoreConfiguration) throws -> FileMessageStore {
        let store = try FileMessageStore.open(configuration: configuration, logger: logger)
        store.start()
        return store
    }

    static func bodies(_ store: FileMessageStore, topic: String = "TopicTest", queueId: Int32 = 0) -> [String] {
        var result: [String] = []
        var offset = store.minOffset(topic: topic, queueId: queueId)
        while true {
            let read = store.messages(topic: topic, queueId: queueId, offset: offset, maxCount: 32, maxBytes: 1 << 20,
                                      filter: nil)
            guard read.status == .found else { return result }
            result += read.messages.compactMap { MessageRecord.decode($0)?.body.map { String(buffer: $0) } }
            offset = read.nextBeginOffset
        }
    }

    @Test func segmentsRollWithBlankRecordsAndReopenIntact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        var expected: [String] = []
        do {
            let store = try Self.open(configuration)
            for index in 0..<200 {
                let body = "message-\(index)-" + String(repeating: "x", count: index % 50)
                #expect(put(store, message(body: body, keys: "k\(index)")).status == .putOK)
                expected.append(body)
            }
            #expect(Self.bodies(store) == expected)
            store.shutdown()
        }
        let names = FileSystem.segmentNames(directory.path + "/commitlog")
        #expect(names.count > 3)
        #expect(names.first == "00000000000000000000")
        #expect(names.dropFirst().first == "00000000000000008192")
        #expect(!FileSystem.exists(directory.path + "/abort"))
        let reopened = try Self.open(configuration)
        #expect(Self.bodies(reopened) == expected)
        #expect(reopened.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(200))
        let next = put(reopened, message(body: "after"))
        #expect(next.queueOffset == QueueOffset(200))
        let hits = reopened.queryMessages(topic: "TopicTest", key: "k7", maxCount: 4, beginTimestamp: 0,
                                          endTimestamp: .max)
        #expect(hits.messages.count == 1)
        reopened.shutdown()
    }

    /// An unclean stop right after a checkpoint: the index files it covers are kept (not rebuilt), recovery
    /// re-dispatches only past them, and no key is indexed twice, in a full file or in the partly filled newest one.
    @Test func uncleanStopKeepsTheCheckpointedIndexWithoutDuplicates() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        let store = try Self.open(configuration)
        // 49 entries per index file (maxIndexNum 50): two full files and a partly filled one.
        for number in 0..<120 { _ = put(store, message(body: "indexed-\(number)", keys: "key-\(number)")) }
        store.shutdown()
        let indexFiles = Self.indexFileNames(directory)
        #expect(indexFiles.count == 3)
        // A crash leaves the abort file; nothing was indexed after the shutdown's checkpoint.
        close(Glibc.open(directory.path + "/abort", O_CREAT | O_WRONLY, 0o644))
        let reopened = try Self.open(configuration)
        #expect(Self.indexFileNames(directory) == indexFiles)
        for number in 0..<120 {
            let hits = reopened.queryMessages(topic: "TopicTest", key: "key-\(number)", maxCount: 4,
                                              beginTimestamp: 0, endTimestamp: .max)
            #expect(hits.messages.count == 1, "key-\(number): \(hits.messages.count) hits")
        }
        reopened.shutdown()
    }

    /// The commit log lost its tail after the index saw it (a power failure under async flush): the new records
    /// written at the lost offsets must be found by their own keys, and the lost records' keys must not lead to them.
    @Test func indexEntriesPastALostTailAreDroppedAndRebuilt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        let store = try Self.open(configuration)
        let results = (0..<20).map { put(store, message(body: "old-body-\($0)", keys: "old-\($0)")) }
        store.shutdown()
        // Everything from record 15 on never reached the disk; the index (flushed at shutdown) still has them.
        let lostFrom = results[15].physicalOffset.rawValue
        let lostBytes = Int(results[19].physicalOffset.rawValue - lostFrom) + results[19].wroteBytes
        try FileSystem.overwrite(directory.path + "/commitlog/00000000000000000000", at: Int(lostFrom),
                                 with: [UInt8](repeating: 0, count: lostBytes))
        close(Glibc.open(directory.path + "/abort", O_CREAT | O_WRONLY, 0o644))
        let reopened = try Self.open(configuration)
        #expect(reopened.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(15))
        let replacements = (15..<20).map { put(reopened, message(body: "new-body-\($0)", keys: "new-\($0)")) }
        #expect(replacements.first?.physicalOffset.rawValue == lostFrom)
        for number in 15..<20 {
            let hits = reopened.queryMessages(topic: "TopicTest", key: "new-\(number)", maxCount: 4, beginTimestamp: 0,
                                              endTimestamp: .max)
            #expect(hits.messages.compactMap { MessageRecord.decode($0)?.body.map { String(buffer: $0) } }
                        == ["new-body-\(number)"], "new-\(number)")
            let stale = reopened.queryMessages(topic: "TopicTest", key: "old-\(number)", maxCount: 4,
                                               beginTimestamp: 0, endTimestamp: .max)
            #expect(stale.messages.isEmpty, "old-\(number) leads to \(stale.messages.count) records")
        }
        for number in 0..<15 {
            let hits = reopened.queryMessages(topic: "TopicTest", key: "old-\(number)", maxCount: 4,
                                              beginTimestamp: 0, endTimestamp: .max)
            #expect(hits.messages.count == 1, "old-\(number)")
        }
        reopened.shutdown()
    }

    static func indexFileNames(_ directory: TemporaryDirectory) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/index")) ?? []).sorted()
    }

    @Test func secondOpenOfTheSameStoreIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.open(Self.configuration(directory))
        #expect(throws: StoreError.self) { try FileMessageStore.open(configuration: Self.configuration(directory),
                                                                     logger: Self.logger) }
        store.shutdown()
    }

    @Test func syncFlushCompletesAfterTheBytesAreDurable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Self.configuration(directory)
        configuration.flushDiskType = .sync
        let store = try Self.open(configuration)
        let results = (0..<20).map { put(store, message(body: "durable-\($0)")) }
        #expect(results.allSatisfy { $0.status == .putOK })
        #expect(Self.bodies(store).count == 20)
        store.shutdown()
    }

    /// Writes `count` messages, stops uncleanly (abort file left behind) and returns the commit log path.
    static func writeAndAbandon(_ configuration: StoreConfiguration, count: Int) throws -> [PutMessageResult] {
        let store = try Self.open(configuration)
        let results = (0..<count).map { put(store, message(body: "m\($0)-" + String(repeating: "y", count: 40))) }
        store.shutdown()
        // Simulate an unclean stop: the abort file is what a crash leaves behind.
        let abort = Glibc.open(configuration.storePathRootDir + "/abort", O_CREAT | O_WRONLY, 0o644)
        close(abort)
        return results
    }

    @Test func recoveryTruncatesATornLastRecord() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        let results = try Self.writeAndAbandon(configuration, count: 30)
        let last = try #require(results.last)
        let path = directory.path + "/commitlog/00000000000000000000"
        // A torn write: the second half of the record (body included) never reached the disk.
        let tornAt = last.physicalOffset.rawValue + Int64(last.wroteBytes / 2)
        try FileSystem.overwrite(path, at: Int(tornAt), with: [UInt8](repeating: 0, count: last.wroteBytes / 2))
        let store = try Self.open(configuration)
        #expect(store.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(29))
        #expect(store.message(at: last.physicalOffset) == nil)
        #expect(store.statistics().commitLogMaxOffset == last.physicalOffset)
        let next = put(store, message(body: "replacement"))
        #expect(next.physicalOffset == last.physicalOffset)
        #expect(next.queueOffset == QueueOffset(29))
        store.shutdown()
    }

    /// A damaged record followed by good ones is not a torn tail: truncating there (as RocketMQ does) would drop
    /// every acknowledged record after it. Recovery keeps them all; reads refuse the damaged one.
    @Test func recoveryKeepsTheRecordsAfterADamagedOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        let results = try Self.writeAndAbandon(configuration, count: 30)
        let victim = results[10]
        let path = directory.path + "/commitlog/00000000000000000000"
        // Flip one byte of the body: the CRC check must catch it.
        let bodyPosition = Int(victim.physicalOffset.rawValue) + 84 + 4 + 1
        try FileSystem.overwrite(path, at: bodyPosition, with: [0xFF])
        let store = try Self.open(configuration)
        #expect(store.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(30))
        #expect(Self.bodies(store).count == 29)
        let expected = (0..<30).filter { $0 != 10 }.map { "m\($0)-" + String(repeating: "y", count: 40) }
        #expect(Self.bodies(store) == expected)
        #expect(store.message(at: victim.physicalOffset) == nil)
        #expect(store.message(at: results[11].physicalOffset) != nil)
        #expect(put(store, message(body: "again")).queueOffset == QueueOffset(30))
        store.shutdown()
        let reopened = try Self.open(configuration)
        #expect(Self.bodies(reopened).last == "again")
        #expect(reopened.maxOffset(topic: "TopicTest", queueId: 0) == QueueOffset(31))
        reopened.shutdown()
    }

    @Test func recoveryRebuildsDeletedConsumeQueues() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = Self.configuration(directory)
        _ = try Self.writeAndAbandon(configuration, count: 25)
        FileSystem.removeAll(directory.path + "/consumequeue")
        let store = try Self.open(configuration)
        #expect(Self.bodies(store).count == 25)
        store.shutdown()
    }

    @Test func retentionDeletesExpiredSegmentsButNeverTheActiveOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = FakeClock(1_700_000_000_000)
        var configuration = Self.configuration(directory)
        configuration.clock = clock.read
        configuration.deleteWhen = (0..<24).map { String($0) }.joined(separator: ";")
        configuration.diskUsedRatio = { _ in 0.1 }
        let store = try Self.open(configuration)
        for index in 0..<150 { _ = put(store, message(body: "old-\(index)-" + String(repeating: "z", count: 60))) }
        let maxOffset = store.statistics().commitLogMaxOffset.rawValue
        let activeStart = maxOffset - maxOffset % 8192
        #expect(activeStart >= 3 * 8192)
        #expect(store.cleanResources() == 0)
        clock.advance(by: 71 * 3_600_000)
        #expect(store.cleanResources() == 0)
        clock.advance(by: 2 * 3_600_000)
        let deleted = store.cleanResources()
        #expect(deleted == Int(activeStart / 8192))
        #expect(store.statistics().commitLogMinOffset == PhysicalOffset(activeStart))
        #expect(!FileSystem.segmentNames(directory.path + "/commitlog").contains("00000000000000000000"))
        let min = store.minOffset(topic: "TopicTest", queueId: 0)
        #expect(min > QueueOffset(0))
        let read = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(0), maxCount: 1,
                                  maxBytes: 1 << 20, filter: nil)
        #expect(read.status == .offsetTooSmall)
        #expect(read.nextBeginOffset == min)
        #expect(Self.bodies(store).allSatisfy { $0.hasPrefix("old-") })
        store.shutdown()
    }

    @Test func writesAreRefusedWhenTheDiskIsFull() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = Self.configuration(directory)
        configuration.diskUsedRatio = { _ in 0.95 }
        configuration.fileReservedTime = 10_000
        let store = try Self.open(configuration)
        store.cleanResources()
        let result = put(store, message())
        #expect(result.status == .diskFull)
        #expect(result.remark?.contains("diskSpaceWarningLevelRatio") == true)
        #expect(store.statistics().isWritable == false)
        store.shutdown()
    }
}
