import Logging
@testable import Store
import TestSupport
import Synchronization
import Testing

/// A full disk must never kill the process (SIGBUS from storing into a mapped page the file system cannot back):
/// appends are refused with `diskFull`, consume queue and index dispatch pause and resume, reads keep working.
/// The tmpfs cases need root to mount; the broker-level cases are in `IntegrationTests/DiskFullTests`.
@Suite(.serialized) struct DiskFullTests {
    static func configuration(_ mount: TmpfsMount) -> StoreConfiguration {
        var configuration = StoreConfiguration(storePathRootDir: mount.path + "/store")
        configuration.mappedFileSizeCommitLog = 256 * 1024
        configuration.mappedFileSizeConsumeQueue = 1000 * 20
        configuration.maxHashSlotNum = 64
        configuration.maxIndexNum = 50
        // Only the file reservations act here: the guard's measurements are pinned to "plenty of space".
        configuration.diskMinFreeBytes = 0
        configuration.diskUsedRatio = { _ in 0.1 }
        configuration.cleanResourceInterval = .seconds(3600)
        return configuration
    }

    /// Regression (issue 15): a consume queue segment or index file created on a full disk was sized with a sparse
    /// `ftruncate` when `posix_fallocate` failed, and the dispatcher's first unit or entry written into it killed
    /// the process with SIGBUS. Now dispatch stops at that record and retries; the record waits in the commit log.
    @Test(.enabled(if: TmpfsMount.isAvailable, "mounting a tmpfs needs root"))
    func dispatchPausesWhileQueueAndIndexFilesCannotGetSpaceThenResumes() throws {
        let mount = try TmpfsMount(sizeBytes: 4 << 20)
        defer { mount.unmount() }
        let store = try FileStoreTests.open(Self.configuration(mount))
        defer { store.shutdown() }
        // Fill the current index file, so the next keyed message needs a new one (bounded: 50 entries a file).
        var before: [String] = []
        for number in 0..<100 {
            let isFull = store.index.state.withLock { $0.files.last?.isFull ?? false }
            if isFull { break }
            before.append("before-\(number)")
            #expect(put(store, message(body: before.last!, keys: "k-before-\(number)")).status == .putOK)
        }
        #expect(store.index.state.withLock { $0.files.last?.isFull ?? false })
        try mount.fillUp("filler")
        #expect(mount.freeBytes < 64 * 1024)

        // The active commit log segment's blocks were reserved when it was created, so appends are accepted. A
        // keyed message on an existing queue needs a new index file: the index dispatcher pauses, the message is
        // readable from its queue all the same.
        let indexed = DispatchVisibilityTests.putAcknowledged(store, message(body: "during-index", keys: "k-index"))
        #expect(indexed.status == .putOK)
        let indexStalled = eventually(timeout: .seconds(10)) { store.indexDispatcher.stalled.load(ordering: .relaxed) }
        #expect(indexStalled)
        #expect(eventually(timeout: .seconds(10)) { FileStoreTests.bodies(store) == before + ["during-index"] })
        #expect(store.queryMessages(topic: "TopicTest", key: "k-index", maxCount: 8, beginTimestamp: 0,
                                    endTimestamp: .max).messages.isEmpty)
        // A new topic's consume queue needs a new segment: the consume queue dispatcher pauses too.
        let during = DispatchVisibilityTests.putAcknowledged(
            store, message(topic: "NewTopic", body: "during", keys: "k-during"))
        #expect(during.status == .putOK)
        let queueStalled = eventually(timeout: .seconds(10)) { store.dispatcher.stalled.load(ordering: .relaxed) }
        #expect(queueStalled)
        #expect(FileStoreTests.bodies(store, topic: "NewTopic") == [])
        // Reads of what was stored before keep working, by queue and by key.
        #expect(FileStoreTests.bodies(store) == before + ["during-index"])
        #expect(store.queryMessages(topic: "TopicTest", key: "k-before-0", maxCount: 8, beginTimestamp: 0,
                                    endTimestamp: .max).messages.count == 1)

        mount.remove("filler")
        #expect(eventually(timeout: .seconds(10)) { FileStoreTests.bodies(store, topic: "NewTopic") == ["during"] })
        for (topic, key) in [("TopicTest", "k-index"), ("NewTopic", "k-during")] {
            #expect(eventually(timeout: .seconds(10)) {
                store.queryMessages(topic: topic, key: key, maxCount: 8, beginTimestamp: 0,
                                    endTimestamp: .max).messages.count == 1
            }, "key \(key)")
        }
        let stillStalled = store.dispatcher.stalled.load(ordering: .relaxed)
            || store.indexDispatcher.stalled.load(ordering: .relaxed)
        #expect(!stillStalled)
        #expect(FileStoreTests.bodies(store) == before + ["during-index"])
    }

    /// The commit log itself: once the active segment is full and the next cannot be reserved, appends are
    /// refused with `diskFull` and the reason; when the file system grows again they are accepted.
    @Test(.enabled(if: TmpfsMount.isAvailable, "mounting a tmpfs needs root"))
    func appendsAreRefusedWhenNoSegmentCanBeReservedAndResumeWhenSpaceReturns() throws {
        let mount = try TmpfsMount(sizeBytes: 2 << 20)
        defer { mount.unmount() }
        let store = try FileStoreTests.open(Self.configuration(mount))
        defer { store.shutdown() }
        let body = String(repeating: "x", count: 4000)
        var stored = 0
        var refusal: PutMessageResult?
        // 2 MiB hold fewer than 8 segments of 256 KiB (about 64 messages each): bounded well above that.
        for _ in 0..<2_000 {
            let result = DispatchVisibilityTests.putAcknowledged(store, message(body: body))
            guard result.status == .putOK else {
                refusal = result
                break
            }
            stored += 1
        }
        #expect(stored > 100)
        #expect(refusal?.status == .diskFull)
        #expect(refusal?.remark?.contains("No space left on device") == true, "\(refusal?.remark ?? "")")
        #expect(!store.statistics().isWritable)
        #expect(store.statistics().commitLogMaxOffset.rawValue > 0)
        #expect(eventually(timeout: .seconds(10)) { FileStoreTests.bodies(store).count == stored })

        try mount.resize(toBytes: 4 << 20)
        #expect(DispatchVisibilityTests.putAcknowledged(store, message(body: "after")).status == .putOK)
        #expect(eventually(timeout: .seconds(10)) { FileStoreTests.bodies(store).last == "after" })
        #expect(store.statistics().isWritable)
    }

    /// Recovery rebuilds consume queues from the commit log; on a full disk the units it cannot write are not
    /// dropped: the dispatcher starts at the first of them and writes them once space returns.
    @Test(.enabled(if: TmpfsMount.isAvailable, "mounting a tmpfs needs root"))
    func recoveryOnAFullDiskLeavesUndispatchedRecordsToTheDispatcher() throws {
        let mount = try TmpfsMount(sizeBytes: 4 << 20)
        defer { mount.unmount() }
        let configuration = Self.configuration(mount)
        let bodies = (0..<5).map { "stored-\($0)" }
        do {
            let store = try FileStoreTests.open(configuration)
            for body in bodies { #expect(put(store, message(body: body, keys: body)).status == .putOK) }
            store.shutdown()
        }
        FileSystem.removeAll(configuration.consumeQueuePath)
        // The pre-allocated next segment would be deleted by recovery (it lies past the end), freeing its space.
        let segments = FileSystem.segmentNames(configuration.commitLogPath)
        #expect(segments.count == 2)
        for name in segments.dropFirst() { FileSystem.removeAll(configuration.commitLogPath + "/" + name) }
        try mount.fillUp("filler")
        let store = try FileStoreTests.open(configuration)
        defer { store.shutdown() }
        let stalled = eventually(timeout: .seconds(10)) { store.dispatcher.stalled.load(ordering: .relaxed) }
        #expect(stalled)
        #expect(FileStoreTests.bodies(store) == [])
        mount.remove("filler")
        #expect(eventually(timeout: .seconds(10)) { FileStoreTests.bodies(store) == bodies })
    }

    /// The guard acts on free bytes, not only on the used ratio (a large disk can be 90 % used and fine, a small
    /// one 60 % used and unable to take one more segment).
    @Test func writesAreRefusedBelowTheFreeBytesFloor() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let free = FreeBytes(1 << 20)
        var configuration = FileStoreTests.configuration(directory)
        configuration.diskUsedRatio = { _ in 0.2 }
        configuration.diskFreeBytes = { _ in free.value }
        configuration.diskMinFreeBytes = 4 << 20
        let store = try FileStoreTests.open(configuration)
        defer { store.shutdown() }
        store.cleanResources()
        let refused = put(store, message())
        #expect(refused.status == .diskFull)
        #expect(refused.remark?.contains("diskMinFreeBytes") == true, "\(refused.remark ?? "")")
        #expect(store.statistics().isWritable == false)
        free.value = 8 << 20
        store.cleanResources()
        #expect(put(store, message()).status == .putOK)
        #expect(store.statistics().isWritable)
    }
}

/// A free-bytes figure the test changes while the store reads it.
private final class FreeBytes: Sendable {
    private let storage: Mutex<Int64>
    init(_ value: Int64) { storage = Mutex(value) }
    var value: Int64 {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
