import Dispatch
import Logging
import Store
import Synchronization

/// `popState.json`, written atomically through `ConfigFile` (with `.bak`):
///
/// ```json
/// {"version":1,
///  "offsets":[{"c":"group","t":"TopicTest","q":0,"o":42}],
///  "checkpoints":[{"c":"group","t":"TopicTest","q":0,"so":40,"pt":1700000000000,"it":60000,"rq":3,
///                  "d":[0,1],"bm":1,"ra":0}]}
/// ```
/// `offsets`: next offset to pop per (group `c`, stored topic `t`, queue `q`). `checkpoints`: RocketMQ's
/// `PopCheckPoint` short names — `so` start offset, `pt` pop time (ms), `it` invisible time (ms), `rq` revive
/// queue id, `d` offset deltas from `so`, `bm` ack bitmap (bit i ⇔ `so + d[i]` acked) — plus `ra`, failed
/// revive attempts. Unknown keys are ignored; a file with another `version` is refused (state starts empty).
extension PopStateStore {
    static let formatVersion: Int64 = 1

    /// Loads the file (or its `.bak`), replacing in-memory state. Call once before serving. Blocking.
    public func load() {
        guard let file, let bytes = file.load(validate: { Self.decode($0) != nil }),
              let decoded = Self.decode(bytes) else { return }
        state.withLock { state in
            state.offsets = decoded.offsets
            state.checkpoints = Dictionary(decoded.checkpoints.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
        }
        logger.info("loaded pop state", metadata: [
            "pop.queues": "\(decoded.offsets.count)", "pop.checkpoints": "\(decoded.checkpoints.count)",
        ])
    }

    /// Runs `callback` (on the flush queue) once every change made before this call is on disk; at once when the
    /// store is memory-only.
    public func whenDurable(_ callback: @escaping @Sendable () -> Void) {
        guard file != nil else { return callback() }
        state.withLock { $0.durableWaiters.append(callback) }
        scheduleFlush(force: true)
    }

    /// Writes the state now on the calling thread (shutdown, tests). Blocking.
    public func flush() {
        flushQueue.sync { self.flushNow() }
    }

    func scheduleFlush(force: Bool = false) {
        guard file != nil else { return }
        let schedule = state.withLock { state in
            if state.flushScheduled { return false }
            state.flushScheduled = true
            return true
        }
        if schedule { flushQueue.async { self.flushNow() } }
    }

    /// Snapshot under the lock, write outside it, then release the waiters that were registered before the
    /// snapshot. Runs only on `flushQueue`.
    private func flushNow() {
        guard let file else { return }
        let (offsets, checkpoints, waiters) = state.withLock { state in
            state.flushScheduled = false
            let waiters = state.durableWaiters
            state.durableWaiters = []
            return (state.offsets, Array(state.checkpoints.values), waiters)
        }
        do {
            try file.write(Self.encode(offsets: offsets, checkpoints: checkpoints))
        } catch {
            logger.error("cannot write pop state", metadata: ["pop.error": "\(error)"])
        }
        for waiter in waiters { waiter() }
    }

    static func encode(offsets: [PopQueueKey: Int64], checkpoints: [PopCheckpoint]) -> [UInt8] {
        let writer = JSONWriter()
        writer.beginObject()
        writer.field("version", formatVersion)
        writer.key("offsets")
        writer.beginArray()
        for (queue, offset) in offsets.sorted(by: { $0.key.description < $1.key.description }) {
            writer.beginObject()
            writeQueue(queue, to: writer)
            writer.field("o", offset)
            writer.endObject()
        }
        writer.endArray()
        writer.key("checkpoints")
        writer.beginArray()
        for checkpoint in checkpoints.sorted(by: { $0.deadline < $1.deadline }) {
            writer.beginObject()
            writeQueue(checkpoint.key.queue, to: writer)
            writer.field("so", checkpoint.key.startOffset)
            writer.field("pt", checkpoint.key.popTime)
            writer.field("it", checkpoint.invisibleTime)
            writer.field("rq", checkpoint.reviveQueueId)
            writer.key("d")
            writer.beginArray()
            for offset in checkpoint.queueOffsets { writer.int(offset - checkpoint.key.startOffset) }
            writer.endArray()
            writer.field("bm", checkpoint.ackedBits)
            writer.field("ra", checkpoint.reviveAttempts)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes()
    }

    private static func writeQueue(_ queue: PopQueueKey, to writer: JSONWriter) {
        writer.field("c", queue.group)
        writer.field("t", queue.topic)
        writer.field("q", queue.queueId)
    }

    static func decode(_ bytes: [UInt8]) -> (offsets: [PopQueueKey: Int64], checkpoints: [PopCheckpoint])? {
        guard let json = try? JSONParser.parse(bytes), json["version"]?.int64Value == formatVersion else { return nil }
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
