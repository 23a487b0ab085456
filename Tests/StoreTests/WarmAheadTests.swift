import Logging
@testable import Store
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The commit log populates pages ahead of appends in the background, and nothing while the broker is idle.
/// Residency is read through `mincore` on a mapping of the segment file (it reports which pages the page cache holds,
/// whoever faulted them in); how far the warm-up got is read from the append state, because the kernel's own
/// read-around (`read_ahead_kb`) also populates pages near the first write.
@Suite struct WarmAheadTests {
    static let segmentSize = 256 << 20
    static let window = 8 << 20

    static func configuration(_ directory: TemporaryDirectory) -> StoreConfiguration {
        var configuration = StoreConfiguration(storePathRootDir: directory.path)
        configuration.mappedFileSizeCommitLog = segmentSize
        return configuration
    }

    /// How many 4 KiB pages of `[start, end)` of the first commit log segment are in the page cache.
    static func residentPages(_ directory: TemporaryDirectory, from start: Int, to end: Int) -> Int {
        let path = directory.path + "/commitlog/00000000000000000000"
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return -1 }
        defer { close(descriptor) }
        guard let base = mmap(nil, segmentSize, PROT_READ, MAP_SHARED, descriptor, 0), base != MAP_FAILED else {
            return -1
        }
        defer { munmap(base, segmentSize) }
        var vector = [UInt8](repeating: 0, count: (end - start) / 4096)
        guard mincore(base + start, end - start, &vector) == 0 else { return -1 }
        return vector.filter { $0 & 1 == 1 }.count
    }

    static func started(_ directory: TemporaryDirectory) throws -> FileMessageStore {
        let store = try FileMessageStore.open(configuration: configuration(directory),
                                              logger: Logger(label: "tern.store.test"))
        store.start()
        return store
    }

    @Test func anIdleStoreHasNoPagesPopulatedAhead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.started(directory)
        defer { store.shutdown() }
        #expect(Self.residentPages(directory, from: 0, to: Self.window) == 0)
    }

    @Test func appendsPopulateTheWindowAheadOfTheWritePosition() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try Self.started(directory)
        defer { store.shutdown() }
        #expect(store.commitLog.appendLock.withLock { $0.warmedTo } == 0)
        #expect(put(store, message(body: String(repeating: "x", count: 1000))).status == .putOK)
        let warmed = await eventually(timeout: .seconds(10)) {
            store.commitLog.appendLock.withLock { $0.warmedTo } >= Self.window
        }
        #expect(warmed, "one append starts populating the 8 MiB after it")
        #expect(Self.residentPages(directory, from: 0, to: Self.window) == Self.window / 4096)
        // The rest of the segment stays cold until appends come near it. Read-around may populate a few windows
        // beyond, so only the far half is checked.
        #expect(Self.residentPages(directory, from: Self.segmentSize / 2, to: Self.segmentSize) == 0)
    }
}
