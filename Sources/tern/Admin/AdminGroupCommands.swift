import ArgumentParser
import Core
import NIOCore

/// `tern admin group …`
struct AdminGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Consumer group settings.",
        subcommands: [
            AdminGroupCreateCommand.self, AdminGroupUpdateCommand.self, AdminGroupListCommand.self,
            AdminGroupDeleteCommand.self,
        ])
}

/// Settings a create/update may change; nil leaves the default (create) or current value (update).
struct AdminGroupSettingsOptions: ParsableArguments {
    @Option(help: "Consumer group.") var group: String
    @Option(name: .customLong("retry-max-times"), help: "Reconsume attempts before the DLQ (default 16).")
    var retryMaxTimes: Int32?
    @Option(name: .customLong("retry-queues"), help: "Queues of %RETRY%<group> (default 1).") var retryQueues: Int32?
    @Option(name: .customLong("consume-enable"), help: "true or false.") var consumeEnable: Bool?
    @Option(name: .customLong("consume-orderly"), help: "true or false.") var consumeOrderly: Bool?
    @Option(name: .customLong("broadcast-enable"), help: "true or false.") var broadcastEnable: Bool?
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    /// Writes the group to every target master, starting from its current settings there when `merge`.
    func apply(_ session: AdminSession, merge: Bool) async throws {
        let brokers = try await session.masters(cluster: cluster)
        var written: SubscriptionGroupConfig?
        for broker in brokers {
            var config = SubscriptionGroupConfig(groupName: group)
            if merge, let current = try await AdminGroupListCommand.groups(on: broker, session)[group] {
                config = current
            }
            if let retryMaxTimes { config.retryMaxTimes = retryMaxTimes }
            if let retryQueues { config.retryQueueNums = retryQueues }
            if let consumeEnable { config.consumeEnable = consumeEnable }
            if let consumeOrderly { config.consumeMessageOrderly = consumeOrderly }
            if let broadcastEnable { config.consumeBroadcastEnable = broadcastEnable }
            let writer = JSONWriter()
            config.write(to: writer)
            let request = RemotingCommand.request(
                .updateAndCreateSubscriptionGroup, body: ByteBuffer(bytes: writer.bytes()))
            _ = try await session.expectSuccess(
                request, to: broker.address, what: "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP")
            written = config
        }
        guard let written else { return }
        AdminJSONLine.print { writer in
            writer.field("group", group)
            writer.field("brokers", strings: brokers.map(\.brokerName))
            AdminGroupListCommand.writeSettings(written, to: writer)
        }
    }
}

struct AdminGroupCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create (or replace) a consumer group on every master.")
    @OptionGroup var connection: AdminConnectionOptions
    @OptionGroup var settings: AdminGroupSettingsOptions

    func run() async throws {
        try await AdminOutput.run(connection) { try await settings.apply($0, merge: false) }
    }
}

struct AdminGroupUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change the given settings of a consumer group, keeping the others.")
    @OptionGroup var connection: AdminConnectionOptions
    @OptionGroup var settings: AdminGroupSettingsOptions

    func run() async throws {
        try await AdminOutput.run(connection) { try await settings.apply($0, merge: true) }
    }
}

struct AdminGroupListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List consumer groups, one line per group and broker.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            for broker in try await session.masters(cluster: cluster) {
                let groups = try await Self.groups(on: broker, session)
                for name in groups.keys.sorted() {
                    guard let config = groups[name] else { continue }
                    AdminJSONLine.print { writer in
                        writer.field("group", name)
                        writer.field("brokerName", broker.brokerName)
                        Self.writeSettings(config, to: writer)
                    }
                }
            }
        }
    }

    /// GET_ALL_SUBSCRIPTIONGROUP_CONFIG of one broker.
    static func groups(on broker: AdminSession.Broker, _ session: AdminSession) async throws
        -> [String: SubscriptionGroupConfig]
    {
        let response = try await session.expectSuccess(
            .request(.getAllSubscriptionGroupConfig), to: broker.address, what: "GET_ALL_SUBSCRIPTIONGROUP_CONFIG")
        guard let body = response.body else { return [:] }
        return try SubscriptionGroupWrapper(jsonBody: body).subscriptionGroupTable
    }

    static func writeSettings(_ config: SubscriptionGroupConfig, to writer: JSONWriter) {
        writer.field("retryMaxTimes", config.retryMaxTimes)
        writer.field("retryQueueNums", config.retryQueueNums)
        writer.field("consumeEnable", config.consumeEnable)
        writer.field("consumeMessageOrderly", config.consumeMessageOrderly)
        writer.field("consumeBroadcastEnable", config.consumeBroadcastEnable)
    }
}

struct AdminGroupDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a consumer group from every master.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Consumer group.") var group: String
    @Flag(name: .customLong("clean-offset"), help: "Also forget its committed offsets.") var cleanOffset = false
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let brokers = try await session.masters(cluster: cluster)
            let request = RemotingCommand.request(
                .deleteSubscriptionGroup, extFields: ["groupName": group, "cleanOffset": String(cleanOffset)])
            for broker in brokers {
                _ = try await session.expectSuccess(request, to: broker.address, what: "DELETE_SUBSCRIPTIONGROUP")
            }
            AdminJSONLine.print { writer in
                writer.field("group", group)
                writer.field("deleted", true)
                writer.field("brokers", strings: brokers.map(\.brokerName))
            }
        }
    }
}
