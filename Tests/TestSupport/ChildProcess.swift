public import Foundation

/// A child process with its stdout read line by line (tests that kill a binary mid-write).
public final class ChildProcess: @unchecked Sendable {
    // Safe: `process` and `reader` are used from the test's thread only.
    public let process = Process()
    private let pipe = Pipe()
    private var buffer = Data()

    public init(executable: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// The next stdout line, or nil at end of output.
    public func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// SIGKILL, then reap; returns the remaining buffered stdout lines.
    public func kill() -> [String] {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        var rest: [String] = []
        while let line = readLine() { rest.append(line) }
        return rest
    }

    /// Runs a command to completion and returns its exit status.
    public static func run(_ executable: String, _ arguments: [String]) -> Int32? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
