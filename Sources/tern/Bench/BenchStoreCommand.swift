import ArgumentParser
import Foundation
import Logging
import Store

/// `tern bench store`: the in-process commit log benchmark (``StoreBenchmark``), as `bench/store.sh` runs it.
struct BenchStoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Append benchmark of the file store: appends/s and MB/s per body size, flush mode and writers.")

    @Option(name: .long, help: "Directory for the benchmark stores (each case is deleted after it runs).")
    var path: String

    @Option(name: .long, help: "Seconds per case.")
    var seconds: Int = 5

    @Option(name: .customLong("sustained-seconds"), help: "Seconds of the sustained 16 KiB case; 0 skips it.")
    var sustainedSeconds: Int = 60

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be > 0") }
        guard sustainedSeconds >= 0 else { throw ValidationError("--sustained-seconds must be >= 0") }
    }

    func run() throws {
        let logger = Logger(label: "tern.bench.store") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var cases = StoreBenchmark.defaultCases(duration: .seconds(seconds))
        if sustainedSeconds > 0 { cases.append(StoreBenchmark.sustainedCase(duration: .seconds(sustainedSeconds))) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let report = try StoreBenchmark.run(directory: path, cases: cases, logger: logger) { row in
            BenchOutput.line(
                "\(row.benchmarkCase): \(Int(row.appendsPerSecond)) appends/s, "
                    + "\(Int(row.megabytesPerSecond)) MB/s, \(row.failures) failures")
        }
        BenchOutput.line(report.description)
    }
}
