import ArgumentParser
import Foundation
import Logging
import Store

/// `tern store-append` (hidden): the child of the store's SIGKILL recovery test. Appends under sync flush and prints
/// one `ack <queueOffset> <physicalOffset>` line per durable message, flushing stdout after each so the parent sees
/// every acknowledgement before it kills the process.
struct StoreAppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-append", abstract: "Append to a store under sync flush, printing acknowledgements.",
        shouldDisplay: false)

    @Option(name: .long, help: "Store root directory.")
    var path: String

    @Option(name: .long, help: "How many messages to append.")
    var count: Int

    func run() throws {
        // Logs go to stderr: stdout carries only acknowledgements.
        let logger = Logger(label: "tern.store-append") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let output = FileHandle.standardOutput
        try StoreCrashDriver.runAppender(storePath: path, count: count, logger: logger) { line in
            // FileHandle writes go straight to the descriptor: nothing is buffered when the process is killed.
            output.write(Data((line + "\n").utf8))
        }
    }
}
