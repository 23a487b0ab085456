import Dispatch
import Synchronization

/// Runs delayed work for the delay-level and timer-wheel services, so they never sleep on an event loop.
///
/// Contract: `schedule` returns at once; `work` runs once, no earlier than `delayMilliseconds` after the call as
/// measured by the scheduler's clock, and never concurrently with other work of the same scheduler (implementations
/// are serial). Work may itself call `schedule`.
public protocol TimerScheduler: Sendable {
    /// Runs `work` after `delayMilliseconds` (0 or less: as soon as possible).
    func schedule(afterMilliseconds delayMilliseconds: Int64, _ work: @escaping @Sendable () -> Void)
}

/// Production scheduler: one serial `DispatchQueue` (off every event loop) with `asyncAfter` deadlines.
///
/// The delay is measured on the monotonic clock; callers compute it from the broker's wall clock, so a wall-clock
/// jump only shifts when the next run looks at the time again (each run re-reads the clock and never delivers early).
public final class DispatchTimerScheduler: TimerScheduler {
    private let queue: DispatchQueue

    /// - Parameter label: the dispatch queue's label, e.g. `broker.schedule`.
    public init(label: String) {
        queue = DispatchQueue(label: label, qos: .utility)
    }

    public func schedule(afterMilliseconds delayMilliseconds: Int64, _ work: @escaping @Sendable () -> Void) {
        if delayMilliseconds <= 0 {
            queue.async(execute: work)
        } else {
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(min(delayMilliseconds, Int64(Int32.max)))),
                             execute: work)
        }
    }
}

/// A scheduler and wall clock that only move when told to: for tests and the timer benchmark.
///
/// `now` is the clock to hand to the services; `advance(by:)` moves it and runs every job that falls due, in due
/// order (jobs scheduled by jobs run too when they fall within the new time). Runs jobs on the calling thread.
public final class ManualTimerScheduler: TimerScheduler {
    private struct Job {
        var dueMilliseconds: Int64
        var sequence: Int64
        var work: @Sendable () -> Void
    }

    private struct State {
        var now: Int64
        var sequence: Int64 = 0
        var jobs: [Job] = []
    }

    private let state: Mutex<State>
    /// Serialises `advance` callers so jobs never run concurrently.
    private let runLock = Mutex(())

    /// - Parameter startMilliseconds: the initial wall-clock time in ms since the epoch.
    public init(startMilliseconds: Int64 = 1_700_000_000_000) {
        state = Mutex(State(now: startMilliseconds))
    }

    /// The current fake time, in ms since the epoch.
    public func now() -> Int64 { state.withLock { $0.now } }

    /// A clock closure reading `now()`, for `BrokerConfiguration.clock` / `StoreConfiguration.clock`.
    public var clock: @Sendable () -> Int64 { { [self] in now() } }

    /// Number of jobs waiting.
    public var pendingJobs: Int { state.withLock { $0.jobs.count } }

    public func schedule(afterMilliseconds delayMilliseconds: Int64, _ work: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.sequence += 1
            state.jobs.append(Job(dueMilliseconds: state.now + max(0, delayMilliseconds), sequence: state.sequence,
                                  work: work))
        }
    }

    /// Moves the clock forward by `milliseconds` in steps that stop at every due job, running the jobs.
    public func advance(by milliseconds: Int64) {
        runLock.withLock { _ in
            let target = state.withLock { $0.now } + milliseconds
            while let job = takeNextJob(notAfter: target) { job.work() }
            state.withLock { $0.now = max($0.now, target) }
        }
    }

    /// Runs the jobs already due without moving the clock.
    public func runDueJobs() { advance(by: 0) }

    private func takeNextJob(notAfter target: Int64) -> Job? {
        state.withLock { state in
            guard let index = state.jobs.indices.min(by: {
                (state.jobs[$0].dueMilliseconds, state.jobs[$0].sequence)
                    < (state.jobs[$1].dueMilliseconds, state.jobs[$1].sequence)
            }), state.jobs[index].dueMilliseconds <= target
            else { return nil }
            let job = state.jobs.remove(at: index)
            state.now = max(state.now, job.dueMilliseconds)
            return job
        }
    }
}
