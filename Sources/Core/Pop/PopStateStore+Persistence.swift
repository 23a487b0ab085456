#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Store
import Synchronization

/// Loading, group commit and compaction of the pop-state log (`PopStateLog` describes the files).
extension PopStateStore {
    /// Rebuilds in-memory state from the log (or, once, from a `popState.json` of an older Tern), then starts a
    /// new log generation: a snapshot of what was recovered, so a torn tail is never appended to. Call once before
    /// serving. Blocking.
    public func load() {
        guard let log else { return }
        var recovery = log.recover()
        var migrated = false
        if recovery.snapshotGeneration == nil && recovery.replayedRecords == 0, let legacyFile,
           let bytes = legacyFile.load(validate: { Self.decodeLegacy($0) != nil }),
           let decoded = Self.decodeLegacy(bytes) {
            recovery.image.offsets = decoded.offsets
            recovery.image.checkpoints = Dictionary(decoded.checkpoints.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
            migrated = true
        }
        let image = recovery.image
        state.withLock { state in
            state.offsets = image.offsets
            state.checkpoints = image.checkpoints
        }
        do {
            try log.startGeneration(recovery.lastGeneration + 1, image: image)
            if migrated, let legacyFile {
                unlink(legacyFile.path)
                unlink(legacyFile.backupPath)
            }
        } catch {
            logger.error("cannot start the pop-state log", metadata: ["pop.error": "\(error)"])
        }
        logger.info("loaded pop state", metadata: [
            "pop.queues": "\(image.offsets.count)", "pop.checkpoints": "\(image.checkpoints.count)",
            "pop.replayedRecords": "\(recovery.replayedRecords)", "pop.tornTailBytes": "\(recovery.droppedBytes)",
            "pop.migratedFromJSON": "\(migrated)",
        ])
    }

    /// Runs `callback` (on the flush queue) once every change made before this call is on disk, with `true`; with
    /// `false` if writing failed, so the caller answers with an error instead of claiming durability. At once (and
    /// `true`) when the store is memory-only.
    public func whenDurable(_ callback: @escaping @Sendable (_ durable: Bool) -> Void) {
        guard log != nil else { return callback(true) }
        state.withLock { $0.durableWaiters.append(callback) }
        scheduleFlush()
    }

    /// Writes pending changes now on the calling thread (shutdown, tests). Blocking.
    public func flush() {
        flushQueue.sync { self.flushNow() }
    }

    func scheduleFlush() {
        guard log != nil else { return }
        let schedule = state.withLock { state in
            if state.flushScheduled { return false }
            state.flushScheduled = true
            return true
        }
        if schedule { flushQueue.async { self.flushNow() } }
    }

    /// One group commit: takes the pending records and the waiters registered so far under the lock, appends the
    /// records with one `fdatasync` outside it, then releases the waiters. When the log is due for compaction (or
    /// broken by a failed append) the same lock section takes a copy of the state instead, which already contains
    /// the pending records, and a new generation replaces the append. Runs only on `flushQueue`.
    private func flushNow() {
        guard let log else { return }
        let compact = log.needsNewGeneration
        let (bytes, waiters, image) = state.withLock { state in
            state.flushScheduled = false
            let waiters = state.durableWaiters
            state.durableWaiters = []
            let bytes = state.pending ?? []
            state.pending = []
            return (bytes, waiters, compact ? state.image : nil)
        }
        var durable = true
        do {
            if let image {
                try log.roll(image)
            } else if !bytes.isEmpty {
                try log.append(bytes)
            }
        } catch {
            logger.error("cannot write pop state", metadata: ["pop.error": "\(error)"])
            durable = recoverFromFailedWrite(log)
        }
        for waiter in waiters { waiter(durable) }
    }

    /// After a failed append the log may end in a partial frame: retry once with a new generation holding the whole
    /// current state (which includes the records that failed). True when that snapshot is durable.
    private func recoverFromFailedWrite(_ log: PopStateLog) -> Bool {
        let image = state.withLock { state in
            state.pending = []
            return state.image
        }
        do {
            try log.roll(image)
            return true
        } catch {
            logger.error("cannot write pop-state snapshot", metadata: ["pop.error": "\(error)"])
            return false
        }
    }

    /// Decodes `popState.json` of Tern before the pop-state log, for a one-time migration:
    ///
    /// ```json
    /// {"version":1,
    ///  "offsets":[{"c":"group","t":"TopicTest","q":0,"o":42}],
    ///  "checkpoints":[{"c":"group","t":"TopicTest","q":0,"so":40,"pt":1700000000000,"it":60000,"rq":3,
    ///                  "d":[0,1],"bm":1,"ra":0}]}
    /// ```
    /// `offsets`: next offset to pop per (group `c`, stored topic `t`, queue `q`). `checkpoints`: RocketMQ's
    /// `PopCheckPoint` short names (`so`, `pt`, `it`, `rq`, `d` deltas from `so`, `bm` ack bitmap) plus `ra`,
    /// failed revive attempts. Another `version` is refused.
    static func decodeLegacy(_ bytes: [UInt8]) -> (offsets: [PopQueueKey: Int64], checkpoints: [PopCheckpoint])? {
        guard let json = try? JSONParser.parse(bytes), json["version"]?.int64Value == 1 else { return nil }
        var offsets: [PopQueueKey: Int64] = [:]
        for entry in json["offsets"]?.arrayValue ?? [] {
            guard let queue = decodeQueue(entry), let offset = entry["o"]?.int64Value else { return nil }
            offsets[queue] = offset
        }
        var checkpoints: [PopCheckpoint] = []
        for entry in json["checkpoints"]?.arrayValue ?? [] {
            guard let queue = decodeQueue(entry), let startOffset = entry["so"]?.int64Value,
                  let popTime = entry["pt"]?.int64Value, let invisibleTime = entry["it"]?.int64Value,
                  let deltas = entry["d"]?.arrayValue, deltas.count <= 32,
                  let bits = entry["bm"]?.int64Value, let bitmap = UInt32(exactly: bits)
            else { return nil }
            let offsets = deltas.compactMap { $0.int64Value.map { startOffset + $0 } }
            guard offsets.count == deltas.count else { return nil }
            checkpoints.append(PopCheckpoint(
                key: PopCheckpointKey(queue: queue, startOffset: startOffset, popTime: popTime),
                invisibleTime: invisibleTime,
                reviveQueueId: Int32(truncatingIfNeeded: entry["rq"]?.int64Value ?? 0),
                queueOffsets: offsets, ackedBits: bitmap,
                reviveAttempts: Int32(truncatingIfNeeded: entry["ra"]?.int64Value ?? 0)))
        }
        return (offsets, checkpoints)
    }

    private static func decodeQueue(_ entry: JSONValue) -> PopQueueKey? {
        guard let group = entry["c"]?.stringValue, let topic = entry["t"]?.stringValue,
              let queueId = entry["q"]?.int64Value, let queueId32 = Int32(exactly: queueId) else { return nil }
        return PopQueueKey(group: group, topic: topic, queueId: queueId32)
    }
}
