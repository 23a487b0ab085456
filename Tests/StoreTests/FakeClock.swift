import Synchronization
import TestSupport

/// A settable wall clock for `StoreConfiguration.clock`.
final class FakeClock: Sendable {
    private let now: Mutex<Int64>

    init(_ start: Int64) { now = Mutex(start) }

    var read: @Sendable () -> Int64 { { [self] in now.withLock { $0 } } }

    func advance(by milliseconds: Int64) { now.withLock { $0 += milliseconds } }
    func set(_ value: Int64) { now.withLock { $0 = value } }
}

final class BlockingSemaphoreBox: Sendable {
    let value = BlockingSemaphore()
}
