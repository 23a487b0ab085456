public import Logging
public import Store
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers RocketMQ 5 timer messages (`TIMER_DELIVER_MS` / `TIMER_DELAY_SEC` / `TIMER_DELAY_MS`) parked in
/// `rmq_sys_wheel_timer` queue 0 (broker-internals §7.2), through an in-memory `TimerWheel`.
///
/// * Enqueue: the service reads the timer queue from its scan offset (woken by the store's arrival listener and on
///   every tick) and keeps one 16-byte `TimerEntry` per message; an overdue message is delivered at once.
/// * Dequeue: a tick at every second boundary fires the wheel up to now. A message fires at its deliver time rounded
///   up to the second (`TIMER_OUT_MS + 1000`), so it is never early and at most one second late (plus put latency).
/// * Delivery reads the record by physical offset and re-puts it into `REAL_TOPIC` / `REAL_QID` (`ParkedMessage`);
///   a failed put is retried after 100 ms.
/// * Restart: `TimerCheckpoint` (`config/timercheck.json`, written each second when it changed, off the tick on
///   `checkpointWriter`, and on shutdown) tells where to rebuild from and what to skip; see its documentation for the
///   at-least-once guarantee after a crash (a graceful shutdown waits for in-flight deliveries: nothing twice).
///
/// Unlike RocketMQ there is no timerlog on disk: the consume queue of `rmq_sys_wheel_timer` plus the checkpoint is
/// the durable state, and the wheel is rebuilt from it (one record read per pending message at start).
///
/// Threading: scans and ticks run on the injected serial `TimerScheduler`; the wheel and marks sit behind one
/// `Mutex`; put completions may arrive on any thread. `start()` / `shutdown()` block on file I/O.
public final class TimerMessageService: Sendable {
    static let retryMilliseconds: Int64 = 100
    static let scanBatchSize = 1024
    /// Messages read per scan job before yielding to ticks.
    static let scanEntriesPerJob = 65_536

    struct State {
        var wheel: TimerWheel
        /// Next `rmq_sys_wheel_timer` queue offset to read.
        var scanOffset: Int64
        var marks: TimerDeliveredMarks
        /// Fire second → deliveries handed out but not yet stored.
        var inFlight: [Int64: Int] = [:]
        /// The checkpoint loaded at start, used to skip delivered messages until the scan passes it.
        var restored: TimerCheckpoint?
        var lastWritten: TimerCheckpoint?
        var running = false
        var generation = 0
        var scanRequested = false
        var checkpointQueued = false
        var deliveredCount: Int64 = 0
    }

    let store: any MessageStore
    let clock: @Sendable () -> Int64
    let scheduler: any TimerScheduler
    let logger: Logger
    let file: ConfigFile
    let state: Mutex<State>
    let persistLock = Mutex(())

    /// - Parameters:
    ///   - configDirectory: where `timercheck.json` lives; nil keeps nothing on disk (benchmarks).
    ///   - checkpointWriter: runs the per-tick checkpoint writes, so their fsyncs never hold up a tick (under a
    ///     heavy write load they took seconds and every delivery waited); nil writes on the tick (manual clocks).
    ///   - slotCount: seconds covered by the wheel before entries wait in its overflow heap.
    public init(store: any MessageStore, configDirectory: String?, clock: @escaping @Sendable () -> Int64,
                scheduler: any TimerScheduler, checkpointWriter: (any TimerScheduler)? = nil, logger: Logger,
                slotCount: Int = 3600) {
        self.checkpointWriter = checkpointWriter
        self.store = store
        self.clock = clock
        self.scheduler = scheduler
        self.logger = logger
        file = ConfigFile(path: (configDirectory ?? "/nonexistent") + "/" + TimerCheckpoint.fileName)
        persistsCheckpoint = configDirectory != nil
        state = Mutex(State(wheel: TimerWheel(slotCount: slotCount, startMilliseconds: clock()), scanOffset: 0,
                            marks: TimerDeliveredMarks(start: 0)))
        store.addArrivalListener { [weak self] arrival in
            if arrival.topic == ScheduleMessageProperties.timerTopic { self?.requestScan() }
        }
    }

    let persistsCheckpoint: Bool
    let checkpointWriter: (any TimerScheduler)?

    /// Loads the checkpoint, rebuilds the wheel from it, and starts ticking at each second boundary. Blocking.
    public func start() {
        let checkpoint = persistsCheckpoint ? TimerCheckpoint.load(file) : nil
        let now = clock()
        let generation = state.withLock { state in
            let start = checkpoint?.queueOffset ?? 0
            state.wheel = TimerWheel(slotCount: state.wheel.slotCount, startMilliseconds: now)
            state.scanOffset = start
            state.marks = TimerDeliveredMarks(start: start)
            state.inFlight = [:]
            state.restored = checkpoint
            state.lastWritten = checkpoint
            state.running = true
            state.generation += 1
            return state.generation
        }
        scheduler.schedule(afterMilliseconds: 0) { [self] in scanJob(generation: generation) }
        scheduleTick(generation: generation, now: now)
        logger.info("timer message service started", metadata: [
            "broker.timerCheckpoint": "\(checkpoint?.queueOffset ?? 0)",
        ])
    }

    /// Stops ticking, waits up to `drainTimeout` for deliveries already handed to the store, and writes the
    /// checkpoint; nothing when not started. Blocking.
    ///
    /// A checkpoint written while deliveries of a second are still in flight cannot count that second as delivered,
    /// so after a restart every message of it would be delivered again, the ones already stored included (a 100k
    /// timer load restarted mid-way saw hundreds of duplicates). Waiting for them makes a graceful restart deliver
    /// nothing twice; deliveries that complete after the wait write the checkpoint themselves (`finish`).
    public func shutdown(drainTimeout: Duration = .seconds(5)) {
        let wasRunning = state.withLock { state in
            defer {
                state.running = false
                state.generation += 1
            }
            return state.running
        }
        guard wasRunning else { return }
        let deadline = ContinuousClock.now + drainTimeout
        while state.withLock({ !$0.inFlight.isEmpty }), ContinuousClock.now < deadline { usleep(2000) }
        persist()
    }

    /// Messages waiting in the wheel.
    public var pendingCount: Int { state.withLock { $0.wheel.count } }
    /// Messages re-put into their real topic since start.
    public var deliveredCount: Int64 { state.withLock { $0.deliveredCount } }
    /// The checkpoint as it would be written now.
    public var checkpoint: TimerCheckpoint { state.withLock { Self.snapshot($0) } }

    private func isCurrent(_ generation: Int) -> Bool {
        state.withLock { $0.running && $0.generation == generation }
    }

    private func currentGeneration() -> Int? {
        state.withLock { $0.running ? $0.generation : nil }
    }

    /// Asks for a scan soon (called from the store's dispatcher thread: must not block).
    func requestScan() {
        let generation = state.withLock { state -> Int? in
            guard state.running, !state.scanRequested else { return nil }
            state.scanRequested = true
            return state.generation
        }
        guard let generation else { return }
        scheduler.schedule(afterMilliseconds: 0) { [self] in scanJob(generation: generation) }
    }

    private func scanJob(generation: Int) {
        guard isCurrent(generation) else { return }
        state.withLock { $0.scanRequested = false }
        if scanAvailable(limit: Self.scanEntriesPerJob) >= Self.scanEntriesPerJob {
            scheduler.schedule(afterMilliseconds: 0) { [self] in scanJob(generation: generation) }
        }
    }

    private func scheduleTick(generation: Int, now: Int64) {
        let precision = TimerWheel.precisionMilliseconds
        let nextBoundary = (now / precision + 1) * precision
        scheduler.schedule(afterMilliseconds: nextBoundary - now) { [self] in
            guard isCurrent(generation) else { return }
            scanAvailable(limit: Self.scanEntriesPerJob)
            let now = clock()
            deliverDue(now: now)
            persistFromTick()
            scheduleTick(generation: generation, now: clock())
        }
    }

    /// The tick's checkpoint write: on `checkpointWriter` when there is one (at most one write queued; it snapshots
    /// the state when it runs), else here.
    private func persistFromTick() {
        guard let checkpointWriter else { return persist() }
        let alreadyQueued = state.withLock { state -> Bool in
            defer { state.checkpointQueued = true }
            return state.checkpointQueued
        }
        guard !alreadyQueued else { return }
        checkpointWriter.schedule(afterMilliseconds: 0) { [self] in
            state.withLock { $0.checkpointQueued = false }
            persist()
        }
    }

    /// Fires the wheel up to `now` and starts delivering what fell due. - Returns: the number handed out.
    @discardableResult
    public func deliverDue(now: Int64) -> Int {
        var due: [TimerEntry] = []
        state.withLock { state in
            state.wheel.advance(to: now, into: &due)
            for entry in due { state.inFlight[TimerWheel.second(ofDeliverTime: entry.deliverMilliseconds), default: 0] += 1 }
        }
        for entry in due { deliver(entry) }
        return due.count
    }
}
