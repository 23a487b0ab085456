import Core
import Foundation
import Logging
import TestSupport
import Testing

/// The pop-state log on real files: what a restarted store rebuilds from `config/popState/` after group commits,
/// torn or corrupt tails, compaction and a pre-log `popState.json`.
@Suite struct PopStateLogTests {
    static let queue = PopQueueKey(group: "GID_LOG", topic: "LogTopic", queueId: 1)

    /// A store on `configDirectory`, loaded as a broker does before serving.
    static func open(_ configDirectory: String, compactionThresholdBytes: Int = 1 << 20) -> PopStateStore {
        let store = PopStateStore(configDirectory: configDirectory, compactionThresholdBytes: compactionThresholdBytes,
                                  logger: Logger(label: "test.pop-log"))
        store.load()
        return store
    }

    /// Pops `count` messages at `startOffset` (popTime = startOffset, so keys are distinct) and returns the key.
    @discardableResult
    static func pop(_ store: PopStateStore, startOffset: Int64, count: Int = 4) -> PopCheckpointKey {
        let key = PopCheckpointKey(queue: queue, startOffset: startOffset, popTime: 1_000 + startOffset)
        #expect(store.tryLock(queue))
        store.commitPop(queue, nextOffset: startOffset + Int64(count), checkpoint: PopCheckpoint(
            key: key, invisibleTime: 60_000, reviveQueueId: 2,
            queueOffsets: (0..<Int64(count)).map { startOffset + $0 }))
        return key
    }

    /// Waits for the group commit covering everything done so far; true when it reached the disk.
    static func durable(_ store: PopStateStore) -> Bool {
        let done = BlockingSemaphore()
        let result = ResultBox()
        store.whenDurable { durable in
            result.set(durable)
            done.signal()
        }
        done.wait()
        return result.value
    }

    static func files(_ configDirectory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: configDirectory + "/popState")) ?? []).sorted()
    }

    static func logPath(_ configDirectory: String) -> String? {
        files(configDirectory).first { $0.hasPrefix("log.") }.map { configDirectory + "/popState/" + $0 }
    }

    @Test func durableChangesAreReplayedWithoutAShutdownFlush() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config)
        let first = Self.pop(store, startOffset: 0)
        let second = Self.pop(store, startOffset: 4)
        #expect(store.ack(first, offsets: [0, 2]) == .acked)
        #expect(store.ack(second, offsets: [4, 5, 6, 7]) == .acked)
        #expect(Self.durable(store))

        // No flush(), no shutdown: only what the group commits put on disk counts, as after SIGKILL.
        let restarted = Self.open(config)
        #expect(restarted.consumeOffset(Self.queue) == 8)
        #expect(restarted.checkpoints().count == 1)
        #expect(restarted.checkpoint(first)?.unackedOffsets == [1, 3])
        #expect(restarted.checkpoint(second) == nil)
    }

    @Test func aTornTailRecordIsDroppedAndEveryEarlierRecordKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config)
        let kept = Self.pop(store, startOffset: 0)
        #expect(Self.durable(store))
        let torn = Self.pop(store, startOffset: 4)
        #expect(Self.durable(store))
        let log = try #require(Self.logPath(config))
        let size = try #require(FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        // The last record is the second pop's progress: cut it mid-frame, as a crash mid-write would.
        try FileHandle(forUpdating: URL(fileURLWithPath: log)).truncate(atOffset: UInt64(size - 5))

        let restarted = Self.open(config)
        #expect(restarted.checkpoint(kept) != nil)
        // The torn pop keeps its checkpoint (logged first) but not its progress: its messages are popped again
        // and revived, never lost.
        #expect(restarted.checkpoint(torn) != nil)
        #expect(restarted.consumeOffset(Self.queue) == 4)
    }

    @Test func aCorruptRecordEndsReplayAndNewAppendsGoToAFreshLog() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config)
        let kept = Self.pop(store, startOffset: 0)
        #expect(Self.durable(store))
        let log = try #require(Self.logPath(config))
        let goodSize = try #require(FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
        let lost = Self.pop(store, startOffset: 4)
        #expect(Self.durable(store))
        // Flip one payload byte of the first record after `kept`: its CRC no longer matches.
        try FileSystem.overwrite(log, at: goodSize + 9, with: [0xFF])

        let restarted = Self.open(config)
        #expect(restarted.checkpoint(kept) != nil)
        #expect(restarted.checkpoint(lost) == nil)
        #expect(restarted.consumeOffset(Self.queue) == 4)
        #expect(Self.logPath(config) != log, "recovery starts a new generation instead of appending after damage")

        let later = Self.pop(restarted, startOffset: 4)
        #expect(Self.durable(restarted))
        let again = Self.open(config)
        #expect(Set(again.checkpoints().map(\.key)) == [kept, later])
        #expect(again.consumeOffset(Self.queue) == 8)
    }

    @Test func garbageAfterTheLastRecordIsIgnored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config)
        let key = Self.pop(store, startOffset: 0)
        #expect(store.ack(key, offsets: [3]) == .acked)
        #expect(Self.durable(store))
        let log = try #require(Self.logPath(config))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4, 5, 6, 7]))
        try handle.close()

        let restarted = Self.open(config)
        #expect(restarted.checkpoint(key)?.unackedOffsets == [0, 1, 2])
    }

    @Test func compactionRollsToASnapshotAndKeepsTheState() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config, compactionThresholdBytes: 512)
        var open: [PopCheckpointKey] = []
        for round in 0..<40 {
            let key = Self.pop(store, startOffset: Int64(round) * 4)
            if round % 3 == 0 {
                open.append(key)
            } else {
                #expect(store.ack(key, offsets: (0..<4).map { Int64(round * 4 + $0) }) == .acked)
            }
            #expect(Self.durable(store))
        }
        let files = Self.files(config)
        // Only the current generation is left: one snapshot and its log, both past the start-up generation 1.
        #expect(files.count == 2)
        #expect(files.allSatisfy { !$0.hasSuffix("00000000000000000001") })
        #expect(try FileManager.default.attributesOfItem(atPath: try #require(Self.logPath(config)))[.size]
                as? Int ?? .max < 512 + 256)

        let restarted = Self.open(config, compactionThresholdBytes: 512)
        #expect(Set(restarted.checkpoints().map(\.key)) == Set(open))
        #expect(restarted.consumeOffset(Self.queue) == 160)
    }

    @Test func shutdownFlushPersistsPopsThatNobodyWaitedFor() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        let store = Self.open(config)
        let key = Self.pop(store, startOffset: 0, count: 32)
        store.flush()
        let restarted = Self.open(config)
        #expect(restarted.checkpoint(key)?.queueOffsets == Array(0..<32))
        #expect(restarted.consumeOffset(Self.queue) == 32)
    }

    @Test func aPopStateJSONFromBeforeTheLogIsMigratedOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        let json = """
            {"version":1,"offsets":[{"c":"GID_LOG","t":"LogTopic","q":1,"o":42}],
             "checkpoints":[{"c":"GID_LOG","t":"LogTopic","q":1,"so":40,"pt":1000,"it":60000,"rq":3,
                             "d":[0,1],"bm":1,"ra":0}]}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: config + "/popState.json"))

        let store = Self.open(config)
        let key = PopCheckpointKey(queue: Self.queue, startOffset: 40, popTime: 1000)
        #expect(store.consumeOffset(Self.queue) == 42)
        #expect(store.checkpoint(key)?.unackedOffsets == [41])
        #expect(!FileManager.default.fileExists(atPath: config + "/popState.json"))
        let restarted = Self.open(config)
        #expect(restarted.checkpoint(key)?.unackedOffsets == [41])
    }
}

/// One Bool handed from a callback thread to the test.
private final class ResultBox: @unchecked Sendable {
    // Safe: written before `BlockingSemaphore.signal`, read after `wait`.
    private(set) var value = false
    func set(_ newValue: Bool) { value = newValue }
}
