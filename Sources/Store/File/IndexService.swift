import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The IndexFiles under `<root>/index`, named by creation time `yyyyMMddHHmmssSSS` (broker-internals §1.6).
/// Written by the index dispatcher thread (recovery before it starts), queried by any thread; one `Mutex`
/// serialises both (queries are rare).
final class IndexService: Sendable {
    struct State {
        var files: [IndexFile] = []
    }

    let directory: String
    let slotCount: Int
    let maxEntries: Int
    let clock: @Sendable () -> Int64
    let logger: Logger
    /// Internal rather than private so tests can stall the index (`DispatchVisibilityTests`).
    let state: Mutex<State>

    init(configuration: StoreConfiguration, logger: Logger) {
        directory = configuration.indexPath
        slotCount = configuration.maxHashSlotNum
        maxEntries = configuration.maxIndexNum
        clock = configuration.clock
        self.logger = logger
        state = Mutex(State())
    }

    var fileSize: Int { IndexFile.size(slotCount: slotCount, maxEntries: maxEntries) }

    /// Maps the existing files. After an unclean stop, files written past `indexTimestamp` (the checkpoint's
    /// `indexMsgTimestamp`: everything up to it was flushed) may hold torn or lost pages, so they and every newer
    /// file are destroyed; recovery then re-dispatches from `durableEndPhysicalOffset` to rebuild them.
    func load(cleanShutdown: Bool, indexTimestamp: Int64) throws(StoreError) {
        try FileSystem.makeDirectories(directory, as: StoreError.self)
        var loaded: [IndexFile] = []
        var destroyed = 0
        for name in FileSystem.list(directory) where name.count == 17 && name.allSatisfy(\.isNumber) {
            let path = directory + "/" + name
            guard FileSystem.fileSize(path) == fileSize else {
                logger.warning("index file has the wrong size, deleting", metadata: ["store.path": "\(path)"])
                FileSystem.remove(path)
                continue
            }
            let file = try MappedFile.open(path: path, startOffset: 0, size: fileSize, reserving: 0)
            let index = IndexFile(file: file, slotCount: slotCount, maxEntries: maxEntries)
            // Once one file is untrusted, later ones are too: their entries chain on from it.
            if !cleanShutdown && (destroyed > 0 || index.endTimestamp > indexTimestamp) {
                file.destroy()
                destroyed += 1
                continue
            }
            loaded.append(index)
        }
        if destroyed > 0 {
            logger.info("index files past the checkpoint dropped, rebuilding them from the commit log",
                        metadata: ["store.indexFiles": "\(destroyed)", "store.indexTimestamp": "\(indexTimestamp)"])
        }
        state.withLock { $0.files = loaded }
    }

    /// The physical offset of the last record the kept files index, or nil when there are none: recovery must
    /// re-dispatch every record from there on, or keys written after it are never found again.
    var durableEndPhysicalOffset: Int64? { state.withLock { $0.files.last?.endPhysicalOffset } }

    /// Destroys the newest files while they index a record at or past `offset` (the recovered end of the commit
    /// log); returns how many. Their entries would point at offsets new records reuse, and `put` would skip those.
    func dropFiles(indexingFrom offset: Int64) -> Int {
        state.withLock { state in
            var dropped = 0
            while let last = state.files.last, last.endPhysicalOffset >= offset {
                state.files.removeLast().file.destroy()
                dropped += 1
            }
            return dropped
        }
    }

    /// Indexes a message's keys; ROLLBACK records are not indexed. Returns the timestamp of a file that filled up
    /// (for the checkpoint's `indexMsgTimestamp`), if any.
    /// - Throws: `noSpace` (or `io`) when an index file cannot be created or its entries' blocks reserved; the
    ///   room for all of the message's keys is reserved before the first is written, so a retry does not add
    ///   duplicates.
    func put(keys: [String], physicalOffset: Int64, storeTimestamp: Int64) throws(StoreError) -> Int64? {
        guard !keys.isEmpty else { return nil }
        return try state.withLock { state throws(StoreError) -> Int64? in
            // Replays of already indexed records (recovery, the trailing dispatcher) add nothing.
            if let last = state.files.last, physicalOffset < last.endPhysicalOffset
                || (physicalOffset == last.endPhysicalOffset && last.indexCount > 1) {
                return nil
            }
            var filled: Int64?
            for (number, key) in keys.enumerated() {
                var file = try writableFile(&state, beginPhysicalOffset: physicalOffset, timestamp: storeTimestamp,
                                            filled: &filled)
                try file.reserve(entries: keys.count - number)
                if !file.put(key: key, physicalOffset: physicalOffset, storeTimestamp: storeTimestamp) {
                    file = try writableFile(&state, beginPhysicalOffset: physicalOffset, timestamp: storeTimestamp,
                                            filled: &filled)
                    try file.reserve(entries: keys.count - number)
                    _ = file.put(key: key, physicalOffset: physicalOffset, storeTimestamp: storeTimestamp)
                }
            }
            return filled
        }
    }

    private func writableFile(_ state: inout State, beginPhysicalOffset: Int64, timestamp: Int64,
                              filled: inout Int64?) throws(StoreError) -> IndexFile {
        if let last = state.files.last, !last.isFull { return last }
        let previous = state.files.last
        var name = Self.fileName(milliseconds: clock())
        var bump: Int64 = 1
        while FileSystem.exists(directory + "/" + name) {
            name = Self.fileName(milliseconds: clock() + bump)
            bump += 1
        }
        // The header and slot table are written at random; entries are appended, and reserved as they grow.
        let mapped = try MappedFile.open(path: directory + "/" + name, startOffset: 0, size: fileSize,
                                         reserving: IndexFile.headerSize + slotCount * 4)
        if let previous {
            previous.file.flush()
            filled = previous.endTimestamp
        }
        let index = IndexFile(file: mapped, slotCount: slotCount, maxEntries: maxEntries)
        index.initializeHeader(beginTimestamp: previous?.endTimestamp ?? timestamp,
                               beginPhysicalOffset: previous?.endPhysicalOffset ?? beginPhysicalOffset)
        state.files.append(index)
        return index
    }

    /// Candidate physical offsets for `key`, newest first, from files overlapping `[begin, end]`.
    func query(key: String, maxCount: Int, begin: Int64, end: Int64) -> (offsets: [Int64], lastTimestamp: Int64,
                                                                          lastPhysicalOffset: Int64) {
        state.withLock { state in
            var offsets: [Int64] = []
            for file in state.files.reversed() where offsets.count < maxCount {
                if file.endTimestamp < begin.subtractingSaturated(1000) { break }
                if file.beginTimestamp > end.addingSaturated(1000) { continue }
                offsets += file.query(key: key, maxCount: maxCount - offsets.count, begin: begin, end: end)
                if file.beginTimestamp < begin { break }
            }
            let last = state.files.last
            return (offsets, last?.endTimestamp ?? 0, last?.endPhysicalOffset ?? 0)
        }
    }

    /// Retention: deletes files whose end offset is below the commit log min offset, keeping the newest.
    func deleteExpired(commitLogMinOffset: Int64) {
        state.withLock { state in
            while state.files.count > 1, state.files[0].endPhysicalOffset < commitLogMinOffset {
                state.files.removeFirst().file.destroy()
            }
        }
    }

    /// Forces the newest file to disk (older ones were flushed when they filled) and answers the store time of its
    /// last entry: everything indexed up to that time is now durable (the checkpoint's `indexMsgTimestamp`).
    func flush() -> Int64? {
        state.withLock { state in
            guard let last = state.files.last else { return nil }
            let durable = last.endTimestamp
            last.file.flush()
            return durable
        }
    }

    static func fileName(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + pad(parts.tm_hour, 2)
            + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + pad(Int32(milliseconds % 1000), 3)
    }
}

extension Int64 {
    func addingSaturated(_ other: Int64) -> Int64 {
        let (value, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : value
    }

    func subtractingSaturated(_ other: Int64) -> Int64 {
        let (value, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other > 0 ? .min : .max) : value
    }
}
