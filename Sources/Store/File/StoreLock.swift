import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The `lock` and `abort` files (broker-internals §1.7): an exclusive `flock` on `<root>/lock` keeps a second
/// process off the store; `<root>/abort` (holding the PID) exists while the store runs, so finding it at start
/// means the last stop was unclean.
final class StoreLock: Sendable {
    let lockPath: String
    let abortPath: String
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    /// Takes the lock. - Throws: `alreadyLocked` when another process holds it.
    init(lockPath: String, abortPath: String) throws(StoreError) {
        self.lockPath = lockPath
        self.abortPath = abortPath
        descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StoreError(.io, "open \(lockPath)", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            throw StoreError(.alreadyLocked, "\(lockPath) is locked by another process (MQ already started)",
                             errno: code)
        }
        _ = pwrite(descriptor, "lock", 4, 0)
    }

    deinit {
        release()
    }

    /// Drops the lock (at shutdown, so the directory can be reopened by this or another process).
    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    var abortFileExists: Bool { FileSystem.exists(abortPath) }

    /// Creates `abort` containing the PID, durably.
    func createAbortFile() {
        let descriptor = open(abortPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let pid = String(getpid())
        _ = write(descriptor, pid, pid.utf8.count)
        _ = fsync(descriptor)
        close(descriptor)
    }

    func removeAbortFile() {
        unlink(abortPath)
    }
}
