import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One fixed-size segment file mapped into memory (RocketMQ's `DefaultMappedFile`).
///
/// Safety (`@unchecked Sendable`): bytes below `wrotePosition` are immutable once published with a releasing store;
/// only the segment's single writer (the commit log appender under its lock, or the dispatcher thread for consume
/// queues) writes above it. Readers load `wrotePosition` acquiring and read below it. The mapping lives as long as
/// the object: deleting a segment unlinks the file, and the unmap happens in `deinit` after the last reader let go,
/// which replaces RocketMQ's manual reference counting with ARC.
final class MappedFile: @unchecked Sendable {
    static let pageSize = 4096

    let path: String
    let startOffset: Int64
    let size: Int
    let base: UnsafeMutableRawPointer
    private let descriptor: Int32
    let wrotePosition = Atomic<Int>(0)
    let flushedPosition = Atomic<Int>(0)
    /// Pages before this position were handed back with `releaseResidentPages` (see `MappedFile+Residency`).
    let releasedPosition = Atomic<Int>(0)
    /// Bytes from the start of the file whose blocks the file system has reserved (`fallocate`). A store through
    /// the mapping into an unreserved page faults with SIGBUS when the file system is full, so every writer calls
    /// `reserve(through:ahead:)` before writing; only the segment's single writer moves it.
    let reservedBytes = Atomic<Int>(0)
    /// Store time of the newest record (commit log) or file mtime when loaded; drives retention.
    let lastModifiedMilliseconds = Atomic<Int64>(0)

    private init(path: String, startOffset: Int64, size: Int, base: UnsafeMutableRawPointer, descriptor: Int32) {
        self.path = path
        self.startOffset = startOffset
        self.size = size
        self.base = base
        self.descriptor = descriptor
    }

    deinit {
        munmap(base, size)
        close(descriptor)
    }

    /// Name of the segment starting at `offset`: 20 zero-padded decimal digits (`UtilAll.offset2FileName`).
    static func fileName(startOffset: Int64) -> String {
        let digits = String(startOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// Opens (or creates) and maps a segment; see `open(path:startOffset:size:reserving:)`.
    static func open(directory: String, startOffset: Int64, size: Int, reserving: Int) throws(StoreError)
        -> MappedFile {
        let path = directory + "/" + fileName(startOffset: startOffset)
        return try open(path: path, startOffset: startOffset, size: size, reserving: reserving)
    }

    /// Opens (or creates) and maps a file of `size` bytes.
    ///
    /// A new file gets the blocks of its first `reserving` bytes before it is mapped (`posix_fallocate`, never a
    /// sparse `ftruncate` alone); when the file system cannot provide them the file is removed again and the call
    /// throws `noSpace`, so a full disk refuses the write that needed the file instead of killing the process.
    /// An existing file is mapped as it is, with nothing counted as reserved: reads must keep working on a full
    /// disk, and writers reserve what they touch first.
    static func open(path: String, startOffset: Int64, size: Int, reserving: Int) throws(StoreError) -> MappedFile {
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError(.io, "open \(path)", errno: errno) }
        var info = stat()
        fstat(descriptor, &info)
        var reserved = 0
        if info.st_size == 0 {
            let wanted = min(max(reserving, 0), size)
            let code = wanted > 0 ? posix_fallocate(descriptor, 0, off_t(wanted)) : 0
            if code != 0 {
                close(descriptor)
                unlink(path)
                throw StoreError.noSpace(reserving: 0..<wanted, of: path, errno: code)
            }
            reserved = wanted
        }
        if Int(info.st_size) != size && reserved != size && ftruncate(descriptor, off_t(size)) != 0 {
            let code = errno
            close(descriptor)
            if info.st_size == 0 { unlink(path) }
            throw StoreError(.io, "size \(path) to \(size) bytes", errno: code)
        }
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), base != MAP_FAILED
        else {
            let code = errno
            close(descriptor)
            throw StoreError(.io, "mmap \(path)", errno: code)
        }
        let file = MappedFile(path: path, startOffset: startOffset, size: size, base: base, descriptor: descriptor)
        file.reservedBytes.store(reserved, ordering: .relaxed)
        file.lastModifiedMilliseconds.store(FileSystem.modificationTimeMilliseconds(path) ?? 0, ordering: .relaxed)
        return file
    }

    /// Makes sure the blocks of `[0, end)` are reserved before a writer stores into them through the mapping.
    /// Reserves up to `ahead` bytes past what is reserved in one call (so the common case is one atomic load), and
    /// falls back to exactly `end` when the larger request does not fit.
    /// - Throws: `noSpace` when the file system cannot provide the blocks; nothing was written then.
    func reserve(through end: Int, ahead: Int) throws(StoreError) {
        let end = min(end, size)
        let reserved = reservedBytes.load(ordering: .acquiring)
        guard end > reserved else { return }
        let pageMask = Self.pageSize - 1
        let generous = min(size, (max(end, reserved + ahead) + pageMask) & ~pageMask)
        if posix_fallocate(descriptor, off_t(reserved), off_t(generous - reserved)) == 0 {
            reservedBytes.store(generous, ordering: .releasing)
            return
        }
        let exact = min(size, (end + pageMask) & ~pageMask)
        let code = posix_fallocate(descriptor, off_t(reserved), off_t(exact - reserved))
        guard code == 0 else { throw StoreError.noSpace(reserving: reserved..<exact, of: path, errno: code) }
        reservedBytes.store(exact, ordering: .releasing)
    }

    var endOffset: Int64 { startOffset + Int64(size) }
    var isFull: Bool { wrotePosition.load(ordering: .acquiring) >= size }
    var remaining: Int { size - wrotePosition.load(ordering: .acquiring) }

    /// Forces the bytes written since the last flush to disk (`msync(MS_SYNC)` on the dirty pages).
    /// - Returns: the new flushed position, or nil when msync failed.
    @discardableResult
    func flush() -> Int? {
        let wrote = wrotePosition.load(ordering: .acquiring)
        let flushed = flushedPosition.load(ordering: .relaxed)
        guard wrote > flushed else { return flushed }
        let start = flushed & ~(Self.pageSize - 1)
        guard msync(base + start, wrote - start, MS_SYNC) == 0 else { return nil }
        flushedPosition.store(wrote, ordering: .releasing)
        return wrote
    }

    /// Dirty 4 KiB pages not yet flushed (`isAbleToFlush` arithmetic).
    var dirtyPages: Int {
        wrotePosition.load(ordering: .acquiring) / Self.pageSize - flushedPosition.load(ordering: .relaxed) / Self.pageSize
    }

    /// Populates the page cache for `[position, end)` (`end` defaults to the segment's size) so appends do not pay
    /// for page allocation and zeroing (RocketMQ's `warmMappedFile`). Safe while a writer appends: it never changes
    /// bytes. Uses `MADV_POPULATE_WRITE` (Linux 5.14+), else reads one byte per page.
    func warm(from position: Int = 0, to end: Int? = nil) {
        let start = position & ~(Self.pageSize - 1)
        // Never past the reserved blocks: faulting in an unbacked page can raise SIGBUS on a full disk (tmpfs).
        let end = min(end ?? size, size, reservedBytes.load(ordering: .acquiring))
        guard start < end else { return }
        let madvisePopulateWrite: Int32 = 23
        if madvise(base + start, end - start, madvisePopulateWrite) == 0 { return }
        var checksum: UInt8 = 0
        var page = start
        while page < end {
            checksum &+= (base + page).load(as: UInt8.self)
            page += Self.pageSize
        }
        Self.warmSink.store(Int(checksum), ordering: .relaxed)
    }

    /// Keeps the read-touch loop from being optimised away.
    private static let warmSink = Atomic<Int>(0)

    /// Zeroes `[position, size)` so stale records past a truncation point can never be parsed again.
    func zeroTail(from position: Int) {
        guard position < size else { return }
        // Shrinking and re-extending the file zeroes the tail without touching every page (recovery only: no
        // reader can fault on the briefly missing pages yet). The tail is a hole afterwards: its blocks are
        // reserved again, or left for the next writer to reserve when the disk is full.
        let pageStart = position & ~(Self.pageSize - 1)
        _ = msync(base + pageStart, Self.pageSize, MS_SYNC)
        if ftruncate(descriptor, off_t(position)) == 0 && ftruncate(descriptor, off_t(size)) == 0 {
            let reserved = min(reservedBytes.load(ordering: .relaxed), position)
            let whole = posix_fallocate(descriptor, off_t(reserved), off_t(size - reserved)) == 0
            reservedBytes.store(whole ? size : reserved, ordering: .releasing)
        } else {
            // Holes read as zeroes already; only reserved bytes may be stored into.
            let reserved = reservedBytes.load(ordering: .relaxed)
            if reserved > position { memset(base + position, 0, reserved - position) }
        }
        _ = fdatasync(descriptor)
    }

    /// Unlinks the file; the mapping goes away when the last reference does.
    func destroy() {
        unlink(path)
    }

    /// A view of `count` mapped bytes at `position`; valid while the caller holds this object.
    func bytes(at position: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + position, count: count)
    }
}
