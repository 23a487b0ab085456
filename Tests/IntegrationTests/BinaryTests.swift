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
