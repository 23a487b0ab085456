import Dispatch
public import Logging
import Store
import Synchronization

/// All POP state of the broker: per-queue consume progress, per-queue pop locks and in-flight checkpoints.
///
/// Every method is one short `Mutex` section (no I/O), safe on event loops. Each change also encodes a
/// `PopStateRecord` into a pending buffer inside the same section, so the log order is the order of the changes.
/// A background serial queue appends the buffer to the pop-state log (`PopStateLog`: snapshot + append-only log
/// in `<storePathRootDir>/config/popState/`) with one `fdatasync`; changes made while that runs share the next one
/// (group commit). `whenDurable` runs a callback once everything changed so far is on disk — ACK and
/// CHANGE_INVISIBLE_TIME answer through it, so an acknowledged ack is never undone by a crash. Pops answer without
/// waiting: a lost pop record precedes every ack of it in the log, so a crash can only roll progress back together
/// with its checkpoint, and the messages are popped again (at-least-once).
///
/// This replaces RocketMQ's CK/ACK records in `rmq_sys_REVIVE_LOG_<cluster>`: the same facts, in a log of our
/// own that is compacted into a snapshot instead of being scanned by the revive service.
public final class PopStateStore: Sendable {
    struct State {
        var offsets: [PopQueueKey: Int64] = [:]
        var lockedQueues: Set<PopQueueKey> = []
        var checkpoints: [PopCheckpointKey: PopCheckpoint] = [:]
        /// Callbacks waiting for the next completed flush.
        var durableWaiters: [@Sendable (_ durable: Bool) -> Void] = []
        var flushScheduled = false
        var changeCount: UInt64 = 0
        /// Framed records of changes not yet handed to the log; nil when the store is memory-only.
        var pending: [UInt8]?

        /// Logs `record` (a no-op in memory-only mode). Call inside the section that makes the change.
        mutating func log(_ record: PopStateRecord) {
            changeCount += 1
            guard pending != nil else { return }
            record.encode(into: &pending!)
        }

        var image: PopStateImage { PopStateImage(offsets: offsets, checkpoints: checkpoints) }
    }

    let state: Mutex<State>
    let log: PopStateLog?
    /// `<config>/popState.json`, the whole-document format this log replaced; read once to migrate.
    let legacyFile: ConfigFile?
    let flushQueue = DispatchQueue(label: "tern.pop.state-flush")
    let logger: Logger

    /// Log size that triggers compaction into a new snapshot, unless the caller sets another.
    public static let defaultCompactionThresholdBytes = 16 * 1024 * 1024

    /// - Parameters:
    ///   - configDirectory: the broker's `<storePathRootDir>/config`; nil keeps state in memory only (tests).
    ///   - compactionThresholdBytes: log size after which the next flush writes a new snapshot and empties the log.
    public init(configDirectory: String?, compactionThresholdBytes: Int = defaultCompactionThresholdBytes,
                logger: Logger) {
        log = configDirectory.map {
            PopStateLog(directory: $0 + "/popState", compactionThresholdBytes: compactionThresholdBytes)
        }
        legacyFile = configDirectory.map { ConfigFile(path: $0 + "/popState.json") }
        var initial = State()
        if log != nil { initial.pending = [] }
        state = Mutex(initial)
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
            // The checkpoint is logged before the progress: a crash that tears the pair can lose the progress
            // (the messages are popped again) but never keep progress without the checkpoint that revives them.
            if var checkpoint {
                // A change-invisible-time CK may share startOffset and popTime with the original: keep keys unique.
                while state.checkpoints[checkpoint.key] != nil { checkpoint.key.popTime += 1 }
                state.checkpoints[checkpoint.key] = checkpoint
                state.log(.checkpoint(checkpoint))
            }
            if state.offsets[queue] != nextOffset {
                state.offsets[queue] = nextOffset
                state.log(.offset(queue, nextOffset))
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
            state.settle(checkpoint)
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
            state.settle(checkpoint)
            // The old receipt must stop working, so the new key differs from it even within the same ms.
            var replacement = replacement
            while state.checkpoints[replacement.key] != nil || replacement.key == key { replacement.key.popTime += 1 }
            state.checkpoints[replacement.key] = replacement
            state.log(.checkpoint(replacement))
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
                    state.log(.removed(key))
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
                state.log(.checkpoint(checkpoint))
            } else {
                state.checkpoints[key] = nil
                state.log(.removed(key))
            }
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

extension PopStateStore.State {
    /// Stores an acked checkpoint and logs the change: a fully acked one is removed unless a revive still holds it
    /// (`finishRevive` removes it then).
    mutating func settle(_ checkpoint: PopCheckpoint) {
        if checkpoint.isFullyAcked && !checkpoint.isReviving {
            checkpoints[checkpoint.key] = nil
            log(.removed(checkpoint.key))
        } else {
            checkpoints[checkpoint.key] = checkpoint
            log(.acked(checkpoint.key, bits: checkpoint.ackedBits))
        }
    }
}
