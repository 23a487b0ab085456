import Core
import Foundation
import Testing

@Suite struct TimerBenchmarkTests {
    /// The benchmark hook works end to end; `TERN_TIMER_BENCH_PENDING=1000000` runs it at full size.
    @Test func benchmarkSchedulesAndDeliversEveryMessage() {
        let pending = ProcessInfo.processInfo.environment["TERN_TIMER_BENCH_PENDING"].flatMap { Int($0) } ?? 10_000
        let result = TimerBenchmark.run(pending: pending)
        #expect(result.scheduledPerSecond > 0)
        #expect(result.deliveredPerSecond > 0)
    }
}
