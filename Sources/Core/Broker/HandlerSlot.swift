import Synchronization

/// A callback that is set after construction (one service wired to another) and read from any thread.
///
/// The closure sits behind a class reference. A closure stored directly as a `Mutex`'s value is re-abstracted by
/// every `withLock`: the inout access writes a thunk wrapping a thunk back into the lock, so each read made the
/// stored closure two call frames deeper. The long-poll wake handler was read on every wake-up and, after about
/// 90,000 of them, calling it overflowed the stack (issue 16: SIGSEGV after minutes of ordinary load).
final class HandlerSlot<Handler: Sendable>: Sendable {
    private final class Box: Sendable {
        let handler: Handler
        init(_ handler: Handler) { self.handler = handler }
    }

    private let box = Mutex<Box?>(nil)

    init() {}

    /// Replaces the callback.
    func set(_ handler: Handler) {
        let boxed = Box(handler)
        box.withLock { $0 = boxed }
    }

    /// The callback, if one was set.
    var handler: Handler? { box.withLock { $0 }?.handler }
}
