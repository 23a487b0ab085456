public import Logging
public import Store
import Synchronization

/// Delivers delay-level messages from `SCHEDULE_TOPIC_XXXX` to their real topic when due (RocketMQ's
/// `ScheduleMessageService`, broker-internals §7.1).
///
/// One self-rescheduling job per level reads the level's queue from its offset. A message is due at
/// `storeTimestamp + levelDelay`: RocketMQ keeps that deliver time in the consume-queue tag field, but Tern's store
/// always writes the TAGS hash there, so the deliver time is recomputed from the record's store timestamp (same
/// value, one record read per check). A stored time more than one level delay ahead of now (the clock went back) is
/// treated as now, as RocketMQ's `correctDeliverTimestamp` does.
///
/// Due messages are re-put through `ParkedMessage`; the level's offset advances only past messages whose re-put
/// succeeded, and `delayOffset.json` (`{"offsetTable":{"1":12,...}}`, keyed by level) is written every 10 s and on
/// shutdown. So delivery is at-least-once: a crash can repeat the re-puts made since the last write, never lose one.
/// Failed puts are retried after 100 ms; an idle level polls every 100 ms; a level waiting for a message sleeps until
/// exactly its deliver time.
///
/// Threading: jobs run on the injected `TimerScheduler` (serial, never an event loop); state sits behind a `Mutex`;
/// put completions may arrive on any thread. `start()` / `shutdown()` / `persist()` block on file I/O.
public final class ScheduleMessageService: Sendable {
    /// File name under the config directory.
    public static let fileName = "delayOffset.json"
    /// Retry / idle poll interval (RocketMQ's `DELAY_FOR_A_WHILE` / `DELAY_FOR_A_PERIOD`).
    static let idleMilliseconds: Int64 = 100
    static let persistIntervalMilliseconds: Int64 = 10_000
    static let batchSize = 32

    private struct State {
        /// Level → next queue offset to deliver.
        var offsets: [Int32: Int64] = [:]
        var running = false
        var generation = 0
        var dirty = false
    }

    let store: any MessageStore
    let levels: DelayLevelTable
    let clock: @Sendable () -> Int64
    let scheduler: any TimerScheduler
    let logger: Logger
    let file: ConfigFile
    private let state = Mutex(State())
    let persistLock = Mutex(())

    /// - Parameters:
    ///   - configDirectory: where `delayOffset.json` lives.
    ///   - clock: wall-clock ms, the same clock the store stamps records with.
    ///   - scheduler: runs the per-level jobs (tests pass a `ManualTimerScheduler`).
    public init(store: any MessageStore, levels: DelayLevelTable, configDirectory: String,
                clock: @escaping @Sendable () -> Int64, scheduler: any TimerScheduler, logger: Logger) {
        self.store = store
        self.levels = levels
        self.clock = clock
        self.scheduler = scheduler
        self.logger = logger
        file = ConfigFile(path: configDirectory + "/" + Self.fileName)
    }

    /// Loads `delayOffset.json` and starts one job per level plus the 10-second persist job. Blocking (file read).
    public func start() {
        let offsets = load()
        let generation = state.withLock { state in
            state.offsets = offsets
            state.running = true
            state.generation += 1
            return state.generation
        }
        for level in 1...levels.maxLevel {
            scheduler.schedule(afterMilliseconds: 0) { [self] in runLevel(level, generation: generation) }
        }
        schedulePersist(generation: generation)
        logger.info("schedule message service started", metadata: ["broker.delayLevels": "\(levels.maxLevel)"])
    }

    /// Stops the jobs (a run in progress finishes) and writes the offsets; nothing when not started. Blocking.
    public func shutdown() {
        let wasRunning = state.withLock { state in
            defer {
                state.running = false
                state.generation += 1
            }
            return state.running
        }
        if wasRunning { persist(force: true) }
    }

    /// The next queue offset of `level` still to deliver.
    public func offset(ofLevel level: Int32) -> Int64 { state.withLock { $0.offsets[level] ?? 0 } }

    /// Level → next offset, as persisted.
    public var offsetTable: [Int32: Int64] { state.withLock { $0.offsets } }

    private func isCurrent(_ generation: Int) -> Bool {
        state.withLock { $0.running && $0.generation == generation }
    }

    private func schedulePersist(generation: Int) {
        scheduler.schedule(afterMilliseconds: Self.persistIntervalMilliseconds) { [self] in
            guard isCurrent(generation) else { return }
            persist()
            schedulePersist(generation: generation)
        }
    }

    private func again(_ level: Int32, after milliseconds: Int64, generation: Int) {
        scheduler.schedule(afterMilliseconds: milliseconds) { [self] in runLevel(level, generation: generation) }
    }

    /// Moves a level's offset forward (never back) and marks the table dirty.
    func advance(_ level: Int32, to offset: Int64) {
        setOffset(level, offset, onlyForward: true)
    }

    private func setOffset(_ level: Int32, _ offset: Int64, onlyForward: Bool) {
        state.withLock { state in
            let current = state.offsets[level] ?? 0
            guard offset != current, !onlyForward || offset > current else { return }
            state.offsets[level] = offset
            state.dirty = true
        }
    }

    /// Takes the dirty flag (persist sets it back if the write fails).
    func takeDirty() -> Bool {
        state.withLock { state in
            defer { state.dirty = false }
            return state.dirty
        }
    }

    func markDirty() { state.withLock { $0.dirty = true } }

    /// One run of a level: deliver what is due from its offset, then schedule the next run.
    func runLevel(_ level: Int32, generation: Int) {
        guard isCurrent(generation) else { return }
        let offset = self.offset(ofLevel: level)
        let result = store.messages(
            topic: ScheduleMessageProperties.scheduleTopic, queueId: levels.queueId(ofLevel: level),
            offset: QueueOffset(offset), maxCount: Self.batchSize, maxBytes: 4 * 1024 * 1024, filter: nil)
        guard result.status == .found else {
            // Nothing to read, or the offset is outside the queue (clamped into [min, max] as RocketMQ does on load).
            let corrected = result.nextBeginOffset.rawValue
            let moved = corrected != offset && result.status != .noMessageInQueue && result.status != .offsetOverflowOne
            if moved { setOffset(level, corrected, onlyForward: false) }
            again(level, after: moved ? 0 : Self.idleMilliseconds, generation: generation)
            return
        }
        let plan = planDeliveries(level: level, result: result, now: clock())
        guard !plan.deliveries.isEmpty else {
            if let wake = plan.nextDeliverTime {
                again(level, after: max(1, wake - clock()), generation: generation)
            } else {
                advance(level, to: plan.resumeOffset)
                again(level, after: 0, generation: generation)
            }
            return
        }
        deliver(plan, level: level, generation: generation)
    }
}
