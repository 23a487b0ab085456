import Dispatch
import Logging
import NIOCore
import Synchronization

/// The commit log: every record of every topic, appended to fixed-size segments (broker-internals §1.3, §2.1).
///
/// One writer at a time: `appendLock` covers the roll check, the byte copy and the offset/timestamp patch;
/// records are encoded by callers before taking it. The next segment is pre-allocated on `allocationQueue`.
final class CommitLog: Sendable {
    struct QueueKey: Hashable, Sendable {
        var topic: String
        var queueId: Int32
    }

    struct AppendState {
        /// Next queue offset per topic/queue (`topicQueueTable`).
        var queueOffsets: [QueueKey: Int64] = [:]
        /// Pre-allocated next segment, if the allocator got there first.
        var prepared: MappedFile?
        /// The segment appends go to (cached so the hot path skips the segment list lock).
        var active: MappedFile?
        var allocating = false
        /// How far into `active` pages are populated, or being populated, ahead of appends.
        var warmedTo = 0
        var warming = false
    }

    /// Where a successful append landed.
    struct Appended {
        var physicalOffset: Int64
        var wroteBytes: Int
        var queueOffset: Int64
        var storeTimestamp: Int64
        var recordOffsets: [Int64]
    }

    enum AppendFailure: Error {
        case tooLarge
        /// A segment could not be created or its blocks reserved (`noSpace` on a full disk); nothing was written.
        case createFileFailed(StoreError)
    }

    let files: MappedFileQueue
    let appendLock = AdaptiveLock(AppendState())
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let allocationQueue = DispatchQueue(label: "tern.store.allocate")
    private let warmQueue = DispatchQueue(label: "tern.store.warm")

    /// How far ahead of the write position pages are populated off the append path. A fresh page of a new segment
    /// costs its first writer a fault that allocates and zeroes it (10-13 µs on the bench VM, `bench/page-cost.sh`); taken under the append lock, that stalls every other writer too. Populating a window ahead on
    /// `warmQueue` keeps those faults off the lock. A new window is requested when less than half is left.
    static let warmAheadBytes = 8 << 20

    init(configuration: StoreConfiguration, logger: Logger) {
        files = MappedFileQueue(directory: configuration.commitLogPath,
                                fileSize: configuration.mappedFileSizeCommitLog)
        clock = configuration.clock
        warmsSegments = configuration.warmMappedFileEnable
        self.logger = logger
    }

    /// Whether segments are pre-faulted before appends reach them (`warmMapedFileEnable`).
    private let warmsSegments: Bool

    var fileSize: Int { files.fileSize }
    var maxOffset: Int64 { files.maxOffset }
    var minOffset: Int64 { files.minOffset }

    /// Appends pre-encoded records for one topic/queue as consecutive records in one segment.
    /// - Parameter dispatched: per record, whether it takes a queue offset (NONE/COMMIT transaction types).
    func append(_ records: [ByteBuffer], key: QueueKey, dispatched: [Bool]) -> Result<Appended, AppendFailure> {
        let total = records.reduce(0) { $0 + $1.readableBytes }
        guard total + CommitLogFormat.endOfFileMinBlankLength <= fileSize else { return .failure(.tooLarge) }
        return appendLock.withLock { state -> Result<Appended, AppendFailure> in
            let file: MappedFile
            do throws(StoreError) {
                file = try writableFile(for: total, state: &state)
            } catch {
                return .failure(.createFileFailed(error))
            }
            let storeTimestamp = clock()
            var position = file.wrotePosition.load(ordering: .relaxed)
            var queueOffset = state.queueOffsets[key] ?? 0
            var appended = Appended(physicalOffset: file.startOffset + Int64(position), wroteBytes: total,
                                    queueOffset: queueOffset, storeTimestamp: storeTimestamp, recordOffsets: [])
            appended.recordOffsets.reserveCapacity(records.count)
            for (record, takesOffset) in zip(records, dispatched) {
                let destination = file.base + position
                record.withUnsafeReadableBytes { source in
                    destination.copyMemory(from: source.baseAddress!, byteCount: source.count)
                }
                let physicalOffset = file.startOffset + Int64(position)
                let sysFlag = Int32(bigEndian: destination.loadUnaligned(fromByteOffset: CommitLogFormat.sysFlagPosition,
                                                                        as: Int32.self))
                destination.storeBytes(of: (takesOffset ? queueOffset : 0).bigEndian,
                                       toByteOffset: CommitLogFormat.queueOffsetPosition, as: Int64.self)
                destination.storeBytes(of: physicalOffset.bigEndian, toByteOffset: CommitLogFormat.physicalOffsetPosition,
                                       as: Int64.self)
                destination.storeBytes(of: storeTimestamp.bigEndian,
                                       toByteOffset: CommitLogFormat.storeTimestampPosition(sysFlag: sysFlag),
                                       as: Int64.self)
                appended.recordOffsets.append(physicalOffset)
                if takesOffset { queueOffset += 1 }
                position += record.readableBytes
            }
            if queueOffset != appended.queueOffset || state.queueOffsets[key] == nil {
                state.queueOffsets[key] = queueOffset
            }
            file.lastModifiedMilliseconds.store(storeTimestamp, ordering: .relaxed)
            file.wrotePosition.store(position, ordering: .releasing)
            if !warmsSegments, !state.warming, position + Self.warmAheadBytes / 2 > state.warmedTo {
                warmAhead(of: file, from: position, state: &state)
            }
            return .success(appended)
        }
    }

    /// The segment to append `length` bytes to, writing the end-of-file blank record and rolling when needed, with
    /// the blocks the append will write reserved (a segment loaded at start-up may have none reserved yet).
    /// Called under `appendLock`.
    private func writableFile(for length: Int, state: inout AppendState) throws(StoreError) -> MappedFile {
        if let active = state.active, length + CommitLogFormat.endOfFileMinBlankLength <= active.remaining {
            try active.reserve(through: active.wrotePosition.load(ordering: .relaxed) + length, ahead: active.size)
            return active
        }
        let file = try rollIfNeeded(for: length, state: &state)
        try file.reserve(through: file.wrotePosition.load(ordering: .relaxed) + length, ahead: file.size)
        if state.active !== file { state.warmedTo = 0 }
        state.active = file
        return file
    }

    /// Populates `file` from `position` to a window ahead on `warmQueue`. Called under `appendLock`.
    private func warmAhead(of file: MappedFile, from position: Int, state: inout AppendState) {
        let start = max(position, state.warmedTo)
        let end = min(file.size, position + Self.warmAheadBytes)
        guard start < end else { return }
        state.warming = true
        warmQueue.async { [self] in
            file.warm(from: start, to: end)
            appendLock.withLock { state in
                state.warming = false
                if state.active === file { state.warmedTo = max(state.warmedTo, end) }
            }
        }
    }

    private func rollIfNeeded(for length: Int, state: inout AppendState) throws(StoreError) -> MappedFile {
        if let last = files.last {
            let position = last.wrotePosition.load(ordering: .relaxed)
            let remaining = last.size - position
            if length + CommitLogFormat.endOfFileMinBlankLength <= remaining { return last }
            if remaining >= CommitLogFormat.endOfFileMinBlankLength {
                try last.reserve(through: position + CommitLogFormat.endOfFileMinBlankLength, ahead: last.size)
                let blank = last.base + position
                blank.storeBytes(of: Int32(remaining).bigEndian, as: Int32.self)
                blank.storeBytes(of: CommitLogFormat.blankMagic.bigEndian, toByteOffset: 4, as: Int32.self)
            }
            last.wrotePosition.store(last.size, ordering: .releasing)
            let next = try files.appendFile(startOffset: last.endOffset, prepared: state.prepared)
            if state.prepared === next { state.prepared = nil }
            preallocate(after: next, state: &state)
            return next
        }
        let first = try files.appendFile(startOffset: 0)
        preallocate(after: first, state: &state)
        return first
    }

    /// Maps the segment after `file` on the allocation queue, off the append path (`AllocateMappedFileService`).
    private func preallocate(after file: MappedFile, state: inout AppendState) {
        guard !state.allocating, state.prepared == nil else { return }
        state.allocating = true
        let directory = files.directory
        let start = file.endOffset
        let size = fileSize
        allocationQueue.async { [self] in
            // On a full disk this fails and the roll retries creating the segment itself (and refuses the append).
            let prepared = try? MappedFile.open(directory: directory, startOffset: start, size: size, reserving: size)
            // Without warmMapedFileEnable the next segment stays cold until appends reach it (then `warmAhead` runs):
            // populating it here would add 8 MiB to an idle broker's resident set.
            if warmsSegments { prepared?.warm() }
            appendLock.withLock { state in
                state.allocating = false
                if files.last?.endOffset == start { state.prepared = prepared }
            }
        }
    }

    /// Makes sure an active segment exists and, with `warmMapedFileEnable`, warms its unwritten part (blocking: about
    /// 0.3 s per GiB), and
    /// pre-allocates the next one in the background, so appends do not fault pages in. Warming the active segment
    /// concurrently with appends was measured slower: both sides contend for the same page tables.
    func prepareForAppends() throws(StoreError) {
        let active = try appendLock.withLock { state throws(StoreError) -> MappedFile in
            if let last = files.last, !last.isFull {
                preallocate(after: last, state: &state)
                // Best effort: a full disk must not stop the start-up; appends reserve (or refuse) themselves.
                try? last.reserve(through: last.size, ahead: last.size)
                return last
            }
            return try writableFile(for: 0, state: &state)
        }
        guard warmsSegments else { return }
        let position = active.wrotePosition.load(ordering: .acquiring)
        active.warm(from: position)
    }

    /// Waits for a pending pre-allocation and warm-up (shutdown, tests).
    func drainAllocation() {
        allocationQueue.sync {}
        warmQueue.sync {}
    }

    /// Copies `size` bytes at `offset` if they lie within one segment and are already written.
    func read(at offset: Int64, size: Int) -> ByteBuffer? {
        guard size > 0, let file = files.file(containing: offset) else { return nil }
        let position = Int(offset - file.startOffset)
        guard position + size <= file.wrotePosition.load(ordering: .acquiring) else { return nil }
        return ByteBuffer(bytes: file.bytes(at: position, count: size))
    }

    /// The record starting at `offset`, validated by its header (not its CRC); nil when none starts there.
    func record(at offset: Int64) -> ByteBuffer? {
        guard let file = files.file(containing: offset) else { return nil }
        let position = Int(offset - file.startOffset)
        let wrote = file.wrotePosition.load(ordering: .acquiring)
        guard position + 8 <= wrote else { return nil }
        let header = file.bytes(at: position, count: 8)
        let size = Int(Int32(bigEndian: header.loadUnaligned(as: Int32.self)))
        let magic = Int32(bigEndian: header.loadUnaligned(fromByteOffset: 4, as: Int32.self))
        guard magic == CommitLogFormat.magicV1 || magic == CommitLogFormat.magicV2, size > 0, position + size <= wrote,
              let decoded = MessageRecord.decode(bytes: file.bytes(at: position, count: size), readBody: false),
              decoded.physicalOffset.rawValue == offset
        else { return nil }
        return ByteBuffer(bytes: file.bytes(at: position, count: size))
    }

    /// Sets the next queue offsets after recovery.
    func setQueueOffsets(_ offsets: [QueueKey: Int64]) {
        appendLock.withLock { $0.queueOffsets = offsets }
    }

    func removeQueueOffsets(topics: Set<String>) {
        appendLock.withLock { state in state.queueOffsets = state.queueOffsets.filter { !topics.contains($0.key.topic) } }
    }
}
