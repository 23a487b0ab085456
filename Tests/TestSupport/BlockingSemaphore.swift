import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A counting semaphore for tests that must wait for a callback from another thread.
/// Waits without a deadline: a missing callback hangs the test rather than making it timing-dependent.
public final class BlockingSemaphore: @unchecked Sendable {
    // Safe: `sem_t` is only touched through the thread-safe sem_* calls.
    private let semaphore: UnsafeMutablePointer<sem_t>

    public init(value: UInt32 = 0) {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, value)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    public func signal() { sem_post(semaphore) }

    public func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
