import Dispatch
public import Logging
import Store
import Synchronization

/// All POP state of the broker: per-queue consume progress, per-queue pop locks and in-flight checkpoints.
///
/// Every method is one short `Mutex` section (no I/O), safe on event loops. Changes are persisted by a background
/// serial queue to `<storePathRootDir>/config/popState.json` (see `PopStateStore+Persistence.swift` for the
/// format): each change schedules one flush, and changes made while a flush runs share the next one.
/// `whenDurable` runs a callback once everything changed so far is on disk — ACK and CHANGE_INVISIBLE_TIME answer
/// through it, so an acknowledged ack is never undone by a crash. Pops answer without waiting: a lost pop record
/// rolls progress back together with its checkpoint (same file), so the messages are popped again (at-least-once).
///
/// This replaces RocketMQ's CK/ACK records in `rmq_sys_REVIVE_LOG_<cluster>`: the same facts, kept as one
/// compact document instead of a log that the revive service replays.
public final class PopStateStore: Sendable {
    struct State {
        var offsets: [PopQueueKey: Int64] = [:]
        var lockedQueues: Set<PopQueueKey> = []
        var checkpoints: [PopCheckpointKey: PopCheckpoint] = [:]
        /// Callbacks waiting for the next completed flush.
        var durableWaiters: [@Sendable () -> Void] = []
        var flushScheduled = false
        var changeCount: UInt64 = 0
    }

    let state = Mutex(State())
    let file: ConfigFile?
    let flushQueue = DispatchQueue(label: "tern.pop.state-flush")
    let logger: Logger

    /// - Parameters:
    ///   - configDirectory: the broker's `<storePathRootDir>/config`; nil keeps state in memory only (tests).
    public init(configDirectory: String?, logger: Logger) {
        file = configDirectory.map { ConfigFile(path: $0 + "/popState.json") }
        self.logger = logger
    }

    // MARK: Consume progress and queue locks

    /// Takes the pop lock of `queue` (RocketMQ's `QueueLockManager.tryLock`); false when another pop holds it.
    public func tryLock(_ queue: PopQueueKey) -> Bool {
        state.withLock { $0.lockedQueues.insert(queue).inserted }
    }

    /// Releases the pop lock of `queue` without changing anything else.
    public func unlock(_ queue: PopQueueKey) {
        _ = state.withLock { $0.lockedQueues.remove(queue) }
    }

    /// The next offset to pop from `queue`, nil when the group never popped it.
    public func consumeOffset(_ queue: PopQueueKey) -> Int64? {
        state.withLock { $0.offsets[queue] }
    }

    /// Records one pop of a locked queue and releases its lock: progress moves to `nextOffset` and `checkpoint`
    /// (nil when nothing was found, e.g. everything filtered) becomes in-flight. Both land in the same flush.
    public func commitPop(_ queue: PopQueueKey, nextOffset: Int64, checkpoint: PopCheckpoint?) {
        state.withLock { state in
            state.lockedQueues.remove(queue)
            if state.offsets[queue] != nextOffset { state.offsets[queue] = nextOffset; state.changeCount += 1 }
            if var checkpoint {
                // A change-invisible-time CK may share startOffset and popTime with the original: keep keys unique.
                while state.checkpoints[checkpoint.key] != nil { checkpoint.key.popTime += 1 }
                state.checkpoints[checkpoint.key] = checkpoint
                state.changeCount += 1
            }
        }
        scheduleFlush()
    }

    // MARK: Acks

    /// What an ack found.
    public enum AckOutcome: Sendable, Equatable {
        /// The message was in flight and is now acked.
        case acked
        /// No in-flight checkpoint holds it (already acked, already revived, or never popped): dropped, as
        /// RocketMQ's revive service drops unmatched acks.
        case notInFlight
    }

    /// Marks `offsets` of the checkpoint `key` acked; a fully acked checkpoint is removed.
    public func ack(_ key: PopCheckpointKey, offsets: [Int64]) -> AckOutcome {
        let outcome: AckOutcome = state.withLock { state in
            guard var checkpoint = state.checkpoints[key] else { return .notInFlight }
            var changed = false
            for offset in offsets where checkpoint.isPending(offset) {
                checkpoint.markAcked(offset)
                changed = true
            }
            guard changed else { return .notInFlight }
            state.changeCount += 1
            if checkpoint.isFullyAcked && !checkpoint.isReviving {
                state.checkpoints[key] = nil
            } else {
                state.checkpoints[key] = checkpoint
            }
            return .acked
        }
        if outcome == .acked { scheduleFlush() }
        return outcome
    }

    /// CHANGE_INVISIBLE_TIME: acks `offset` in checkpoint `key` and adds a one-message checkpoint `replacement`
    /// (popTime = now, the new invisible time), atomically. Returns the replacement as stored (its popTime may be
    /// bumped by 1 ms to stay unique), or nil when the message is no longer in flight.
    public func changeInvisibleTime(_ key: PopCheckpointKey, offset: Int64,
                                    replacement: PopCheckpoint) -> PopCheckpoint? {
        let stored: PopCheckpoint? = state.withLock { state in
            guard var checkpoint = state.checkpoints[key], checkpoint.isPending(offset) else { return nil }
            checkpoint.markAcked(offset)
            if checkpoint.isFullyAcked && !checkpoint.isReviving {
                state.checkpoints[key] = nil
            } else {
                state.checkpoints[key] = checkpoint
            }
            // The old receipt must stop working, so the new key differs from it even within the same ms.
            var replacement = replacement
            while state.checkpoints[replacement.key] != nil || replacement.key == key { replacement.key.popTime += 1 }
            state.checkpoints[replacement.key] = replacement
            state.changeCount += 1
            return replacement
        }
        if stored != nil { scheduleFlush() }
        return stored
    }

    // MARK: Revive

    /// Checkpoints whose deadline passed with messages unacked, marked as reviving so the next scan skips them.
    /// Fully acked checkpoints found on the way are dropped.
    func beginRevive(now: Int64, limit: Int) -> [PopCheckpoint] {
        state.withLock { state in
            var due: [PopCheckpoint] = []
            for (key, checkpoint) in state.checkpoints where !checkpoint.isReviving && checkpoint.deadline <= now {
                if checkpoint.isFullyAcked {
                    state.checkpoints[key] = nil
                    continue
                }
                state.checkpoints[key]?.isReviving = true
                due.append(checkpoint)
                if due.count >= limit { break }
            }
            return due.sorted { $0.deadline < $1.deadline }
        }
    }

    /// Ends a revive: `revived` offsets count as done; if others failed the checkpoint stays with its deadline
    /// pushed to `retryAt`, else it is removed.
    func finishRevive(_ key: PopCheckpointKey, revived: [Int64], retryAt: Int64?) {
        state.withLock { state in
            guard var checkpoint = state.checkpoints[key] else { return }
            for offset in revived { checkpoint.markAcked(offset) }
            checkpoint.isReviving = false
            if let retryAt, !checkpoint.isFullyAcked {
                checkpoint.reviveAttempts += 1
                checkpoint.invisibleTime = retryAt - checkpoint.key.popTime
                state.checkpoints[key] = checkpoint
            } else {
                state.checkpoints[key] = nil
            }
            state.changeCount += 1
        }
        scheduleFlush()
    }

    // MARK: Inspection

    /// A copy of every in-flight checkpoint (admin, tests).
    public func checkpoints() -> [PopCheckpoint] {
        state.withLock { Array($0.checkpoints.values) }
    }

    /// The checkpoint stored under `key`, if in flight.
    public func checkpoint(_ key: PopCheckpointKey) -> PopCheckpoint? {
        state.withLock { $0.checkpoints[key] }
    }

    /// Number of messages popped and neither acked nor revived yet, for `group` (all topics).
    public func inFlightCount(group: String) -> Int {
        state.withLock { state in
            state.checkpoints.values.filter { $0.key.queue.group == group }.reduce(0) { $0 + $1.unackedOffsets.count }
        }
    }
}
