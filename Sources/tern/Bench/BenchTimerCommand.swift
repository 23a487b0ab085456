import ArgumentParser
import Core

/// `tern bench timer`: the timer wheel at a given number of pending messages (``TimerBenchmark``), as
/// `bench/timer.sh` runs it.
struct BenchTimerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timer",
        abstract: "Timer wheel benchmark: timer messages scheduled/s and delivered/s with N pending.")

    @Option(name: .long, help: "Timer messages pending at once, due at random times within 60 s.")
    var pending: Int = 1_000_000

    func validate() throws {
        guard (1...20_000_000).contains(pending) else { throw ValidationError("--pending must be in 1...20000000") }
    }

    func run() {
        // TimerBenchmark prints its own result line.
        TimerBenchmark.run(pending: pending)
    }
}
