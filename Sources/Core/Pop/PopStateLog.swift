#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Store
import Synchronization

/// The files that make POP state durable: a snapshot plus an append-only log of `PopStateRecord`s, in
/// `<storePathRootDir>/config/popState/`.
///
/// - `snapshot.<generation>` (20-digit decimal): 8-byte magic `TPOPSNP1`, then the records that rebuild the whole
///   state, ending with `snapshotEnd(count)`. Written to `.tmp`, fsynced, renamed, directory fsynced, so it is
///   either absent or whole.
/// - `log.<generation>`: the records appended after `snapshot.<generation>` was taken, framed with a CRC each.
///   One `fdatasync` covers every record appended since the previous one (group commit, `PopStateStore` batches).
///
/// Recovery takes the newest snapshot that reads back whole and replays every log of that generation or later,
/// each up to its first torn or corrupt frame (a crash mid-append leaves at most one). A new generation then starts
/// at once — a fresh snapshot of the recovered state and an empty log — so nothing is ever appended after a torn
/// frame, and older files are deleted only once the new snapshot is durable. The same roll compacts the log while
/// serving, when it passes `compactionThresholdBytes`.
///
/// RocketMQ keeps the same facts as CK/ACK messages in the `rmq_sys_REVIVE_LOG_<cluster>` topic; a log of our own
/// keeps pop state out of the commit log and its retention.
///
/// Not thread-safe by contract: `PopStateStore` calls it only from its flush queue (and `recover` before serving);
/// the `Mutex` only makes that single owner explicit to the compiler.
final class PopStateLog: Sendable {
    /// A failed file-system call, with the path and `errno`.
    typealias Failure = ConfigFile.Error

    /// What `recover` found.
    struct Recovery: Sendable {
        var image = PopStateImage()
        var snapshotGeneration: UInt64?
        var replayedRecords = 0
        /// Bytes after the last good frame of each log (a torn tail), summed.
        var droppedBytes = 0
        /// Highest generation present on disk; the next one is one more.
        var lastGeneration: UInt64 = 0
    }

    private struct Files {
        var descriptor: Int32 = -1
        var generation: UInt64 = 0
        var logBytes = 0
        /// Set when an append failed: the log may end in a partial frame, so nothing more may follow it.
        var broken = false
    }

    static let snapshotMagic: [UInt8] = Array("TPOPSNP1".utf8)
    static let snapshotPrefix = "snapshot."
    static let logPrefix = "log."

    let directory: String
    let compactionThresholdBytes: Int
    private let files = Mutex(Files())

    init(directory: String, compactionThresholdBytes: Int) {
        self.directory = directory
        self.compactionThresholdBytes = compactionThresholdBytes
    }

    deinit {
        files.withLock { if $0.descriptor >= 0 { close($0.descriptor) } }
    }

    /// True when the next flush should start a new generation instead of appending: the log is large or broken.
    var needsNewGeneration: Bool {
        files.withLock { $0.descriptor < 0 || $0.broken || $0.logBytes >= compactionThresholdBytes }
    }

    /// Current log size in bytes (tests, metrics).
    var logBytes: Int { files.withLock { $0.logBytes } }

    // MARK: Recovery

    /// Rebuilds the state from the newest whole snapshot and the logs after it. Blocking; before serving.
    func recover() -> Recovery {
        var recovery = Recovery()
        let names = FileSystem.list(directory)
        let snapshots = names.compactMap { Self.generation(of: $0, prefix: Self.snapshotPrefix) }.sorted(by: >)
        let logs = names.compactMap { Self.generation(of: $0, prefix: Self.logPrefix) }.sorted()
        recovery.lastGeneration = max(snapshots.first ?? 0, logs.last ?? 0)
        for generation in snapshots {
            guard let image = readSnapshot(generation) else { continue }
            recovery.image = image
            recovery.snapshotGeneration = generation
            break
        }
        let firstLog = recovery.snapshotGeneration ?? 0
        for generation in logs where generation >= firstLog {
            let bytes = FileSystem.readAll(path(Self.logPrefix, generation)) ?? []
            let (records, validBytes) = PopStateRecord.decodeAll(bytes)
            for record in records { recovery.image.apply(record) }
            recovery.replayedRecords += records.count
            recovery.droppedBytes += bytes.count - validBytes
        }
        return recovery
    }

    private func readSnapshot(_ generation: UInt64) -> PopStateImage? {
        guard let bytes = FileSystem.readAll(path(Self.snapshotPrefix, generation)),
              bytes.starts(with: Self.snapshotMagic) else { return nil }
        let (records, validBytes) = PopStateRecord.decodeAll(Array(bytes.dropFirst(Self.snapshotMagic.count)))
        guard validBytes == bytes.count - Self.snapshotMagic.count,
              case let .snapshotEnd(count)? = records.last, count == UInt64(records.count - 1) else { return nil }
        var image = PopStateImage()
        for record in records { image.apply(record) }
        return image
    }

    // MARK: Writing

    /// Makes `image` the new durable base: writes `snapshot.<n>`, opens an empty `log.<n>` for appends, then
    /// deletes every older snapshot and log. `generation` must exceed every generation on disk.
    func startGeneration(_ generation: UInt64, image: PopStateImage) throws(Failure) {
        try FileSystem.makeDirectories(directory)
        var bytes = Self.snapshotMagic
        for record in image.snapshotRecords() { record.encode(into: &bytes) }
        let snapshot = path(Self.snapshotPrefix, generation)
        try FileSystem.writeDurably(bytes, to: snapshot + ".tmp")
        try FileSystem.rename(snapshot + ".tmp", to: snapshot)
        let logPath = path(Self.logPrefix, generation)
        let descriptor = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(operation: "open", path: logPath, errno: errno) }
        FileSystem.syncDirectory(directory)
        files.withLock { files in
            if files.descriptor >= 0 { close(files.descriptor) }
            files = Files(descriptor: descriptor, generation: generation, logBytes: 0, broken: false)
        }
        for name in FileSystem.list(directory) {
            let older = Self.generation(of: name, prefix: Self.snapshotPrefix)
                ?? Self.generation(of: name, prefix: Self.logPrefix)
            if let older, older < generation { unlink(directory + "/" + name) }
        }
    }

    /// Starts the generation after the current one (compaction while serving).
    func roll(_ image: PopStateImage) throws(Failure) {
        try startGeneration(files.withLock { $0.generation } + 1, image: image)
    }

    /// Appends framed records and waits until they are on disk (`fdatasync`). On failure the log is marked
    /// broken so the next flush starts a new generation instead of appending after a partial frame.
    func append(_ bytes: [UInt8]) throws(Failure) {
        let (descriptor, generation) = files.withLock { ($0.descriptor, $0.generation) }
        let logPath = path(Self.logPrefix, generation)
        do throws(Failure) {
            guard descriptor >= 0 else { throw Failure(operation: "append", path: logPath, errno: EBADF) }
            try FileSystem.writeAll(bytes, to: descriptor, path: logPath)
            guard fdatasync(descriptor) == 0 else { throw Failure(operation: "fdatasync", path: logPath, errno: errno) }
            files.withLock { $0.logBytes += bytes.count }
        } catch {
            files.withLock { $0.broken = true }
            throw error
        }
    }

    // MARK: Files

    private func path(_ prefix: String, _ generation: UInt64) -> String {
        let digits = String(generation)
        return directory + "/" + prefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    private static func generation(of name: String, prefix: String) -> UInt64? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.count == 20, digits.allSatisfy(\.isASCII) else { return nil }
        return UInt64(digits)
    }
}
