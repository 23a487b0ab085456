import Dispatch
public import Logging
import NIOCore
import Synchronization

/// In-process append benchmark of `FileMessageStore` (what `tern bench store` runs): appends per second and MB/s
/// for several body sizes, flush modes and writer counts. Each case uses a fresh store under `directory`.
public enum StoreBenchmark {
    /// One measured configuration.
    public struct Case: Sendable, CustomStringConvertible {
        public var bodySize: Int
        public var flushDiskType: StoreConfiguration.FlushDiskType
        public var writers: Int
        public var duration: Duration

        public init(bodySize: Int, flushDiskType: StoreConfiguration.FlushDiskType, writers: Int, duration: Duration) {
            self.bodySize = bodySize
            self.flushDiskType = flushDiskType
            self.writers = writers
            self.duration = duration
        }

        public var description: String {
            "\(flushDiskType == .async ? "async" : "sync ") body=\(bodySize)B writers=\(writers)"
        }
    }

    /// What one case measured.
    public struct Row: Sendable {
        public var benchmarkCase: Case
        public var appends: Int
        public var failures: Int
        public var bytes: Int64
        public var seconds: Double
        /// Time for the dispatcher to finish the consume queues after the last append.
        public var dispatchLagSeconds: Double
        public var appendsPerSecond: Double { Double(appends) / seconds }
        public var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }
    }

    /// All rows, printable as a Markdown table.
    public struct Report: Sendable, CustomStringConvertible {
        public var rows: [Row]

        public var description: String {
            var lines = ["| case | appends/s | MB/s (records) | appends | failures | dispatch lag s |",
                         "|---|---:|---:|---:|---:|---:|"]
            for row in rows {
                lines.append("| \(row.benchmarkCase) | \(Int(row.appendsPerSecond)) | "
                             + "\(Int(row.megabytesPerSecond)) | \(row.appends) | \(row.failures) | "
                             + "\(milliseconds(row.dispatchLagSeconds)) |")
            }
            return lines.joined(separator: "\n")
        }

        private func milliseconds(_ seconds: Double) -> String {
            let value = Int((seconds * 1000).rounded())
            let fraction = String(value % 1000)
            return "\(value / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
    }

    /// 128 B / 1 KiB / 16 KiB bodies under async flush with 1 writer, and sync flush with 1, 8 and 64 writers.
    public static func defaultCases(duration: Duration = .seconds(5)) -> [Case] {
        var cases: [Case] = []
        for size in [128, 1024, 16 * 1024] {
            cases.append(Case(bodySize: size, flushDiskType: .async, writers: 1, duration: duration))
            cases.append(Case(bodySize: size, flushDiskType: .async, writers: 8, duration: duration))
        }
        for writers in [1, 8, 64] {
            for size in [128, 1024, 16 * 1024] {
                cases.append(Case(bodySize: size, flushDiskType: .sync, writers: writers, duration: duration))
            }
        }
        return cases
    }

    /// The sustained-throughput case: 16 KiB bodies, async flush, one writer, long enough (60 s) for the page
    /// cache to fill so the figure reflects the disk, to compare with `dd`'s sequential rate.
    public static func sustainedCase(duration: Duration = .seconds(60)) -> Case {
        Case(bodySize: 16 * 1024, flushDiskType: .async, writers: 1, duration: duration)
    }

    /// Runs `cases` one after another, each on a fresh store in `directory/<n>` that is deleted afterwards.
    /// - Parameter progress: called with each row as it completes.
    public static func run(directory: String, cases: [Case] = defaultCases(),
                           segmentSizeBytes: Int = 1024 * 1024 * 1024, logger: Logger,
                           progress: (Row) -> Void = { _ in }) throws(StoreError) -> Report {
        var rows: [Row] = []
        for (index, benchmarkCase) in cases.enumerated() {
            let path = directory + "/case-\(index)"
            defer { FileSystem.removeTree(path) }
            var configuration = StoreConfiguration(storePathRootDir: path)
            // Measure appends, not page faults: the benchmark pre-faults segments as RocketMQ's warm-up option does.
            configuration.warmMappedFileEnable = true
            configuration.flushDiskType = benchmarkCase.flushDiskType
            configuration.mappedFileSizeCommitLog = segmentSizeBytes
            let store = try FileMessageStore.open(configuration: configuration, logger: logger)
            store.start()
            let row = measure(store, benchmarkCase)
            store.shutdown()
            rows.append(row)
            progress(row)
        }
        return Report(rows: rows)
    }

    private static func measure(_ store: FileMessageStore, _ benchmarkCase: Case) -> Row {
        let body = ByteBuffer(repeating: 0x61, count: benchmarkCase.bodySize)
        let appends = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let bytes = Atomic<Int64>(0)
        let group = DispatchGroup()
        let start = DispatchTime.now()
        let deadline = start.uptimeNanoseconds + UInt64(FlushService.milliseconds(benchmarkCase.duration)) * 1_000_000
        for writer in 0..<benchmarkCase.writers {
            // A serial queue per writer gets its own thread, so blocked sync writers do not starve each other.
            DispatchQueue(label: "tern.bench.writer.\(writer)").async(group: group) {
                var sequence = 0
                let done = DispatchSemaphore(value: 0)
                while DispatchTime.now().uptimeNanoseconds < deadline {
                    sequence += 1
                    let message = MessageToStore(
                        topic: "BenchTopic", queueId: Int32(writer % 8), body: body,
                        properties: [("UNIQ_KEY", "7F000001\(writer)BENCH\(sequence)"), ("TAGS", "TagA"),
                                     ("WAIT", "true")],
                        bornTimestamp: 1_700_000_000_000, bornHost: .loopbackIPv4)
                    store.putMessage(message) { result in
                        if result.status == .putOK {
                            appends.add(1, ordering: .relaxed)
                            bytes.add(Int64(result.wroteBytes), ordering: .relaxed)
                        } else {
                            failures.add(1, ordering: .relaxed)
                        }
                        done.signal()
                    }
                    done.wait()
                }
            }
        }
        group.wait()
        let end = DispatchTime.now()
        store.waitUntilDispatched()
        let dispatched = DispatchTime.now()
        return Row(benchmarkCase: benchmarkCase, appends: appends.load(ordering: .relaxed),
                   failures: failures.load(ordering: .relaxed), bytes: bytes.load(ordering: .relaxed),
                   seconds: Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
                   dispatchLagSeconds: Double(dispatched.uptimeNanoseconds - end.uptimeNanoseconds) / 1e9)
    }
}
