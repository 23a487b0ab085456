import NIOConcurrencyHelpers
import Synchronization

/// The bytes every connection of the process may hold for frames not yet fully received, shared by all remoting
/// servers (name server, broker, VIP port).
///
/// Without it, 40 connections each sending a 16 MiB frame slowly made the broker hold 640 MiB of half-read frames.
/// A connection reserves the whole frame length here as soon as a frame spans more than one read; when the budget is
/// spent it stops reading (TCP pushes back on its peer) and asks to be called when bytes are released. Frames that
/// arrive within one read never touch the budget, so the hot path is at most one atomic per read batch.
///
/// Threading: ``reserve(_:)`` and ``release(_:)`` are lock-free (one atomic); the waiter list is behind a lock
/// taken only when the budget is spent and when bytes are released while someone waits (docs/CONCURRENCY.md).
public final class RemotingInboundBudget: Sendable {
    /// The default capacity: eight frames of the largest size RocketMQ allows.
    public static let defaultCapacityBytes = 128 * 1024 * 1024

    /// The bytes that may be reserved at once.
    public let capacityBytes: Int
    private let available: Synchronization.Atomic<Int>
    /// How many waiters are registered, so ``release(_:)`` skips the lock when nobody waits.
    private let waiterCount = Synchronization.Atomic<Int>(0)
    // Guards the callbacks of connections waiting for bytes; never held while calling them. A pthread lock as
    // RemotingServer's state uses, which ThreadSanitizer can see.
    private let waiters = NIOLockedValueBox<[@Sendable () -> Void]>([])

    /// - Parameter capacityBytes: the bytes that may be reserved at once; must be positive.
    public init(capacityBytes: Int = RemotingInboundBudget.defaultCapacityBytes) {
        precondition(capacityBytes > 0, "the inbound budget must be positive")
        self.capacityBytes = capacityBytes
        available = Synchronization.Atomic(capacityBytes)
    }

    /// The bytes reserved now (a snapshot).
    public var reservedBytes: Int { capacityBytes - available.load(ordering: .relaxed) }

    /// The amount ``reserve(_:)`` takes for a frame of `bytes`: a frame larger than the whole budget takes all of
    /// it, so it can still be received, alone.
    public func cost(of bytes: Int) -> Int { min(bytes, capacityBytes) }

    /// Takes ``cost(of:)`` bytes if that many are free.
    /// - Returns: whether they were taken; the caller releases the same `bytes` later.
    public func reserve(_ bytes: Int) -> Bool {
        let cost = cost(of: bytes)
        var current = available.load(ordering: .relaxed)
        while current >= cost {
            let (exchanged, original) = available.compareExchange(
                expected: current, desired: current - cost, ordering: .sequentiallyConsistent)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Like ``reserve(_:)``, but when the bytes are not free registers `onRelease` to be called (once, on the
    /// releasing thread) after the next release. The retry after registering closes the race with a release that
    /// happened in between; a caller that then got its bytes may still be called once, and must ignore it.
    public func reserve(_ bytes: Int, orCallOnRelease onRelease: @escaping @Sendable () -> Void) -> Bool {
        if reserve(bytes) { return true }
        waiters.withLockedValue { waiters in
            waiters.append(onRelease)
            waiterCount.wrappingAdd(1, ordering: .sequentiallyConsistent)
        }
        return reserve(bytes)
    }

    /// Returns bytes taken by ``reserve(_:)`` (pass the same `bytes`) and calls every waiting connection, each of
    /// which retries.
    public func release(_ bytes: Int) {
        available.wrappingAdd(cost(of: bytes), ordering: .sequentiallyConsistent)
        guard waiterCount.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let woken = waiters.withLockedValue { waiters in
            let taken = waiters
            waiters.removeAll()
            waiterCount.store(0, ordering: .sequentiallyConsistent)
            return taken
        }
        for wake in woken { wake() }
    }
}
