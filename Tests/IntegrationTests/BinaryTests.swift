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

@Test func lockLifetimeShorterThanTheClientsRenewalIsRefusedAtStart() throws {
    let binary = URL(fileURLWithPath: TernProcess.binaryPath)
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-lock-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: store) }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["start", "--store-path", store.path, "--no-http", "--namesrv-port", "0", "--broker-port", "0"]
    process.environment = ProcessInfo.processInfo.environment.merging(
        ["TERN_REBALANCE_LOCK_MAX_LIVE_TIME": "5000"], uniquingKeysWith: { $1 })
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Bounded: a broker that wrongly starts is stopped by its PID instead of hanging the suite.
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { kill(pid, SIGKILL) } }
    process.waitUntilExit()
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus != 0)
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
    let binary = URL(fileURLWithPath: TernProcess.binaryPath)
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-threads-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: store) }
    let process = Process()
    process.executableURL = binary
    process.arguments = ["start", "--store-path", store.path, "--namesrv-port", "0", "--broker-port", "0",
                         "--http-port", "0"]
    process.environment = ProcessInfo.processInfo.environment.merging(["TERN_HTTP_THREADS": "0"],
                                                                     uniquingKeysWith: { $1 })
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { kill(pid, SIGKILL) } }
    process.waitUntilExit()
    let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus != 0)
    #expect(output.contains("httpThreads"), "\(output)")
}
