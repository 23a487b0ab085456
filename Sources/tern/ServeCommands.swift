import ArgumentParser
import Foundation
import Logging

/// Runs roles until SIGTERM/SIGINT, printing the ready line once everything listens.
enum Serve {
    static func run(options: ServerOptions, roles: TernNode.Roles) async throws {
        MallocTuning.apply()
        let settings: TernSettings
        do {
            settings = try TernSettings(options: options)
        } catch {
            throw ValidationError("\(error)")
        }
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var roles = roles
        if !settings.httpEnable { roles.remove(.gateway) }
        let logger = Logger(label: "tern")
        let node = TernNode(settings: settings, roles: roles, logger: logger)
        do {
            try await node.start()
        } catch {
            logger.error("start failed", metadata: ["error": "\(error)"])
            await node.shutdown()
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data((node.readyLine + "\n").utf8))
        let signal = await ShutdownSignal.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await node.shutdown()
        logger.info("stopped")
    }
}

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Run nameserver (9876), broker (10911) and HTTP gateway (8080) in one process.")

    @OptionGroup var options: ServerOptions

    func run() async throws { try await Serve.run(options: options, roles: [.namesrv, .broker, .gateway]) }
}

struct NamesrvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namesrv", abstract: "Run only a nameserver (port 9876 by default).")

    @OptionGroup var options: ServerOptions

    func run() async throws { try await Serve.run(options: options, roles: [.namesrv]) }
}

struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a broker (and its HTTP gateway) registering with the nameservers given by --namesrv.")

    @OptionGroup var options: ServerOptions

    func validate() throws {
        if options.namesrvAddress == nil, ProcessInfo.processInfo.environment["TERN_NAMESRV_ADDR"] == nil,
           options.configFile == nil {
            throw ValidationError("tern broker needs --namesrv host:port[;host:port] (or namesrvAddr in --config)")
        }
    }

    func run() async throws { try await Serve.run(options: options, roles: [.broker, .gateway]) }
}
