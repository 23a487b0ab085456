import Core
import Foundation
import TestSupport

/// The output of one `tern admin …` run of the real binary.
struct AdminRun {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Every stdout line parsed as a JSON object.
    var lines: [JSONValue] { stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) } }

    /// Runs `tern admin <arguments> --namesrv <namesrv>` to completion.
    static func run(namesrv: String, _ arguments: [String]) throws -> AdminRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TernProcess.binaryPath)
        process.arguments = ["admin"] + arguments + ["--namesrv", namesrv]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return AdminRun(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

extension TernProcess {
    /// `tern start` on free ports without the gateway, logging warnings only: the node the admin CLI tests drive.
    static func withoutHTTP(storePath: String) throws -> TernProcess {
        try TernProcess(storePath: storePath, arguments: [
            "start", "--store-path", storePath, "--namesrv-port", "0", "--broker-port", "0", "--no-http",
            "--log-level", "warning",
        ])
    }
}
