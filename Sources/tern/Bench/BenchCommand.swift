import ArgumentParser
import Foundation

/// `tern bench`: load generators in the style of RocketMQ's benchmark tool, and the store benchmark.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks: store appends, remoting producer and consumer, HTTP pop, timer wheel.",
        subcommands: [BenchStoreCommand.self, BenchProducerCommand.self, BenchConsumerCommand.self,
                      BenchPopCommand.self, BenchTimerCommand.self])
}

/// Unbuffered line output, so progress shows up at once when piped.
enum BenchOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}
