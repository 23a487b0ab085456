import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `<root>/checkpoint` (broker-internals §1.7): a 4 KiB file whose first 40 bytes are five big-endian int64s:
/// physicMsgTimestamp @0, logicsMsgTimestamp @8, indexMsgTimestamp @16, masterFlushedOffset @24, confirmPhyOffset @32.
final class StoreCheckpoint: Sendable {
    static let fileSize = 4096

    let path: String
    let physicMessageTimestamp = Atomic<Int64>(0)
    let logicsMessageTimestamp = Atomic<Int64>(0)
    let indexMessageTimestamp = Atomic<Int64>(0)
    let masterFlushedOffset = Atomic<Int64>(0)
    let confirmPhysicalOffset = Atomic<Int64>(0)
    private let descriptor: Int32
    private let writeLock = Mutex(())

    init(path: String) throws(StoreError) {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError(.io, "open \(path)", errno: errno) }
        var bytes = [UInt8](repeating: 0, count: 40)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 40, 0) }
        if count == 40 {
            let values = bytes.withUnsafeBytes { raw in
                (0..<5).map { Int64(bigEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
            }
            physicMessageTimestamp.store(values[0], ordering: .relaxed)
            logicsMessageTimestamp.store(values[1], ordering: .relaxed)
            indexMessageTimestamp.store(values[2], ordering: .relaxed)
            masterFlushedOffset.store(values[3], ordering: .relaxed)
            confirmPhysicalOffset.store(values[4], ordering: .relaxed)
        } else {
            _ = ftruncate(descriptor, off_t(Self.fileSize))
        }
    }

    deinit { close(descriptor) }

    /// min(physic, logics) − 3 s, floored at 0: where abnormal recovery may start (`getMinTimestamp`).
    var minTimestamp: Int64 {
        max(0, min(physicMessageTimestamp.load(ordering: .relaxed), logicsMessageTimestamp.load(ordering: .relaxed))
            - 3000)
    }

    /// Writes the five values and forces them to disk.
    func flush() {
        writeLock.withLock { _ in
            var bytes = [UInt8](repeating: 0, count: 40)
            let values = [physicMessageTimestamp.load(ordering: .relaxed), logicsMessageTimestamp.load(ordering: .relaxed),
                          indexMessageTimestamp.load(ordering: .relaxed), masterFlushedOffset.load(ordering: .relaxed),
                          confirmPhysicalOffset.load(ordering: .relaxed)]
            bytes.withUnsafeMutableBytes { raw in
                for (index, value) in values.enumerated() {
                    raw.storeBytes(of: value.bigEndian, toByteOffset: index * 8, as: Int64.self)
                }
            }
            _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 40, 0) }
            _ = fdatasync(descriptor)
        }
    }
}
