import Synchronization

/// What one shard of senders or pullers counted since the last report.
struct BenchInterval: Sendable {
    var latency = LatencyHistogram()
    var messages = 0
    var bytes = 0
    var requests = 0
    var failures = 0

    mutating func merge(_ other: BenchInterval) {
        latency.merge(other.latency)
        messages += other.messages
        bytes += other.bytes
        requests += other.requests
        failures += other.failures
    }
}

/// Per-connection counters (each touched by one event loop, and once a second by the reporter), plus the count of
/// request loops still running.
final class BenchStats: Sendable {
    /// Mutex is not copyable, so each lives in a class instance.
    private final class Shard: Sendable {
        let counters = Mutex(BenchInterval())
    }

    private let shards: [Shard]
    private let live = Atomic<Int>(0)

    init(shards: Int) {
        self.shards = (0..<max(1, shards)).map { _ in Shard() }
    }

    func record(shard: Int, _ update: (inout BenchInterval) -> Void) {
        shards[shard % shards.count].counters.withLock { update(&$0) }
    }

    /// Takes and resets every shard's counters.
    func drain() -> BenchInterval {
        var result = BenchInterval()
        for shard in shards {
            let taken = shard.counters.withLock { interval in
                defer { interval = BenchInterval() }
                return interval
            }
            result.merge(taken)
        }
        return result
    }

    func loopStarted() { live.wrappingAdd(1, ordering: .relaxed) }
    func loopEnded() { live.wrappingSubtract(1, ordering: .releasing) }
    var running: Bool { live.load(ordering: .acquiring) > 0 }
}

/// Prints one line a second from `stats` until every loop has ended, then a summary line.
enum BenchReporter {
    /// - Parameters:
    ///   - line: formats one second's counters (with the measured interval in seconds).
    ///   - summary: formats the whole run's counters.
    static func run(_ stats: BenchStats, line: (BenchInterval, Double, Int) -> String,
                    summary: (BenchInterval, Double) -> String) async {
        let start = BenchClock.now()
        var last = start
        var tick = 1
        var total = BenchInterval()
        while stats.running {
            try? await Task.sleep(for: .milliseconds(10))
            let now = BenchClock.now()
            guard now >= start + UInt64(tick) * 1_000_000_000 else { continue }
            let interval = stats.drain()
            total.merge(interval)
            BenchOutput.line(line(interval, Double(now - last) / 1e9, tick))
            last = now
            tick += 1
        }
        total.merge(stats.drain())
        BenchOutput.line(summary(total, Double(BenchClock.now() - start) / 1e9))
    }
}
