public import Foundation
import Synchronization

/// The real `tern` binary started on ephemeral loopback ports with a temp store, for integration tests.
///
/// Reads the bound ports from the `TERN_READY namesrv=... broker=... http=...` line the binary prints on stdout,
/// stops the process with SIGTERM by PID, and keeps its stderr to print when a test fails.
public final class TernProcess: @unchecked Sendable {
    // `process` is only touched by the owning test; `output` is guarded by its Mutex.
    public let process: Process
    public let storePath: String
    public private(set) var namesrvAddress = ""
    public private(set) var brokerAddress = ""
    public private(set) var httpAddress = ""
    /// The ports of `brokerAddress` and `httpAddress` (0 before start or without a gateway).
    public var brokerPort: Int { Self.port(of: brokerAddress) }
    public var httpPort: Int { Self.port(of: httpAddress) }

    private static func port(of address: String) -> Int { Int(address.split(separator: ":").last ?? "") ?? 0 }
    private let output = CapturedOutput()

    public enum StartError: Error, CustomStringConvertible {
        case binaryMissing(String)
        case notReady(stdout: String, stderr: String)
        public var description: String {
            switch self {
            case let .binaryMissing(path): return "tern binary not found at \(path); run swift build first"
            case let .notReady(stdout, stderr): return "tern did not print TERN_READY\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
            }
        }
    }

    /// `TERN_BIN` when set (as in the Python suites, e.g. a release build for the slow timer load), else the debug
    /// binary of this package.
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["TERN_BIN"], !path.isEmpty { return path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/tern").path
    }

    /// Starts `tern <arguments>` (default: `start` on port 0 everywhere) and waits for its ready line.
    public init(storePath: String, arguments: [String]? = nil, environment: [String: String] = [:],
                readyTimeout: Duration = .seconds(20)) throws {
        self.storePath = storePath
        guard FileManager.default.isExecutableFile(atPath: Self.binaryPath) else {
            throw StartError.binaryMissing(Self.binaryPath)
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments ?? [
            "start", "--store-path", storePath, "--namesrv-port", "0", "--broker-port", "0", "--http-port", "0",
        ]
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let output = self.output
        stdoutPipe.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0.stdout += text }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0.stderr += text }
        }
        try process.run()
        let deadline = ContinuousClock.now + readyTimeout
        while ContinuousClock.now < deadline {
            if let line = readyLine() {
                parse(readyLine: line)
                return
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let captured = output.withLock { $0 }
        if process.isRunning { process.terminate() }
        throw StartError.notReady(stdout: captured.stdout, stderr: captured.stderr)
    }

    private func readyLine() -> String? {
        output.withLock { captured in
            captured.stdout.split(separator: "\n").first { $0.hasPrefix("TERN_READY") }.map(String.init)
        }
    }

    private func parse(readyLine: String) {
        for field in readyLine.split(separator: " ").dropFirst() {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "namesrv": namesrvAddress = parts[1]
            case "broker": brokerAddress = parts[1]
            case "http": httpAddress = parts[1]
            default: break
            }
        }
    }

    /// Everything the process wrote to stderr so far (print it when a test fails).
    public var standardError: String { output.withLock { $0.stderr } }
    public var standardOutput: String { output.withLock { $0.stdout } }

    /// Sends SIGTERM and waits up to `timeout` for exit, then SIGKILL. Returns the exit status.
    @discardableResult
    public func stop(timeout: Duration = .seconds(15)) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        return waitForExit(timeout: timeout)
    }

    /// Sends SIGKILL: the crash a test wants to survive.
    public func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        _ = waitForExit(timeout: .seconds(10))
    }

    private func waitForExit(timeout: Duration) -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Text a child process wrote, appended from pipe handlers on their own threads.
final class CapturedOutput: Sendable {
    private let state = Mutex<(stdout: String, stderr: String)>(("", ""))

    func withLock<R>(_ body: (inout (stdout: String, stderr: String)) -> R) -> R {
        state.withLock { body(&$0) }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. Use instead of sleeps.
public func eventually(timeout: Duration = .seconds(10), poll: Duration = .milliseconds(20),
                       _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: Double(poll.components.attoseconds) / 1e18 + Double(poll.components.seconds))
    }
    return try condition()
}
