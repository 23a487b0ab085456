import Foundation
import TestSupport
import Testing

@Test func binaryPrintsItsVersion() throws {
    let binary = URL(fileURLWithPath: TernProcess.binaryPath)
    let process = Process()
    process.executableURL = binary
    process.arguments = ["--version"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0)
    #expect(output.hasPrefix("0."))
}

/// Runs `tern start` on free ports with `environment` added and waits for it to exit (killed by its PID after 30 s
/// if it wrongly keeps running): the exit status and what it wrote to stderr.
func startupFailure(environment: [String: String]) throws -> (status: Int32, stderr: String) {
    let binary = URL(fileURLWithPath: TernProcess.binaryPath)
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-refused-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: store) }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["start", "--store-path", store.path, "--namesrv-port", "0", "--broker-port", "0",
                         "--http-port", "0"]
    process.environment = ProcessInfo.processInfo.environment.merging(environment, uniquingKeysWith: { $1 })
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { kill(pid, SIGKILL) } }
    process.waitUntilExit()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus, stderr)
}

@Test func lockLifetimeShorterThanTheClientsRenewalIsRefusedAtStart() throws {
    let (status, output) = try startupFailure(environment: ["TERN_REBALANCE_LOCK_MAX_LIVE_TIME": "5000"])
    #expect(status != 0)
    #expect(output.contains("rebalanceLockMaxLiveTime"), "\(output)")
}

@Test func httpThreadsSetsTheGatewaysThreadCount() throws {
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-threads-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: store) }
    let tern = try TernProcess(storePath: store.path, environment: ["TERN_HTTP_THREADS": "3"])
    defer { _ = tern.stop() }
    // libmicrohttpd names each of its polling threads MHD-worker.
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(tern.process.processIdentifier)/task"))
        ?? []
    let workers = tasks.filter { task in
        let name = (try? String(contentsOfFile: "/proc/\(tern.process.processIdentifier)/task/\(task)/comm",
                                encoding: .utf8)) ?? ""
        return name.hasPrefix("MHD-worker")
    }
    #expect(workers.count == 3)
}

@Test func httpThreadsOutsideOneToSixtyFourIsRefusedAtStart() throws {
    let (status, output) = try startupFailure(environment: ["TERN_HTTP_THREADS": "0"])
    #expect(status != 0)
    #expect(output.contains("httpThreads"), "\(output)")
}

@Test func negativeMinimumFreeBytesIsRefusedAtStart() throws {
    let (status, output) = try startupFailure(environment: ["TERN_DISK_MIN_FREE_BYTES": "-1"])
    #expect(status != 0)
    #expect(output.contains("diskMinFreeBytes"), "\(output)")
}
