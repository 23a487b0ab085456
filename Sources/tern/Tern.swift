import ArgumentParser
import Core

/// The `tern` command: nameserver, broker and gateway in one binary.
@main
struct Tern: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tern",
        abstract: "A RocketMQ-compatible message broker with an embedded nameserver and HTTP gateway.",
        version: CoreVersion.name,
        subcommands: [
            StartCommand.self, NamesrvCommand.self, BrokerCommand.self, VersionCommand.self, AdminCommand.self,
            BenchCommand.self, StoreAppendCommand.self,
        ],
        defaultSubcommand: StartCommand.self
    )
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")
    func run() { print("tern \(CoreVersion.name)") }
}
