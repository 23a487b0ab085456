import ArgumentParser
import Core
import Foundation

/// `tern admin consumer …`
struct AdminConsumerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer", abstract: "Consumer group progress.", subcommands: [AdminConsumerProgressCommand.self])
}

struct AdminConsumerProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Per queue broker offset, consumer offset and lag, one line per queue.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Consumer group.") var group: String
    @Option(help: "Only this topic.") var topic: String?
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            var fields = ["consumerGroup": group]
            if let topic { fields["topic"] = topic }
            var table: [MessageQueue: OffsetWrapper] = [:]
            for broker in try await session.masters(cluster: cluster) {
                let response = try await session.expectSuccess(
                    .request(.getConsumeStats, extFields: fields), to: broker.address, what: "GET_CONSUME_STATS")
                guard let body = response.body else { continue }
                table.merge(try ConsumeStats(jsonBody: body).offsetTable) { $1 }
            }
            guard !table.isEmpty else { throw AdminFailure(.notFound, "no consume progress for group \(group)") }
            for queue in table.keys.sorted(by: MessageQueue.precedes) {
                guard let offset = table[queue] else { continue }
                AdminJSONLine.print { writer in
                    writer.field("group", group)
                    writer.field("topic", queue.topic)
                    writer.field("brokerName", queue.brokerName)
                    writer.field("queueId", queue.queueId)
                    writer.field("brokerOffset", offset.brokerOffset)
                    writer.field("consumerOffset", offset.consumerOffset)
                    writer.field("lag", offset.lag)
                    writer.field("lastTimestamp", offset.lastTimestamp)
                }
            }
        }
    }
}

/// `tern admin offset …`
struct AdminOffsetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offset", abstract: "Consumer offsets.", subcommands: [AdminOffsetResetCommand.self])
}

struct AdminOffsetResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Move a group's offsets on a topic to the first message stored at or after a time.",
        discussion: """
            The brokers commit the new offsets and tell live consumers (RESET_CONSUMER_CLIENT_OFFSET). \
            --timestamp=-1 moves to the end of every queue. Prints one line per queue.
            """)
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Consumer group.") var group: String
    @Option(help: "Topic.") var topic: String
    @Option(help: "Epoch milliseconds (-1: end of queue; write --timestamp=-1).") var timestamp: Int64?
    @Option(help: "ISO 8601 time, e.g. 2024-05-01T12:00:00Z.") var time: String?
    @Flag(inversion: .prefixedNo, help: "Also move offsets forwards (otherwise only backwards).") var force = true

    func validate() throws {
        if (timestamp == nil) == (time == nil) { throw ValidationError("give exactly one of --timestamp and --time") }
    }

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let millis = try resolvedTimestamp()
            let route = try await session.requireRoute(topic: topic)
            let request = RemotingCommand.request(
                .invokeBrokerToResetOffset,
                extFields: ["topic": topic, "group": group, "timestamp": String(millis), "isForce": String(force)])
            var table: [MessageQueue: Int64] = [:]
            for broker in AdminSession.masters(of: route) {
                let response = try await session.expectSuccess(
                    request, to: broker.address, what: "INVOKE_BROKER_TO_RESET_OFFSET")
                guard let body = response.body else { continue }
                table.merge(try ResetOffsetBody(jsonBody: body).offsetTable) { $1 }
            }
            for queue in table.keys.sorted(by: MessageQueue.precedes) {
                AdminJSONLine.print { writer in
                    writer.field("group", group)
                    writer.field("topic", queue.topic)
                    writer.field("brokerName", queue.brokerName)
                    writer.field("queueId", queue.queueId)
                    writer.field("offset", table[queue] ?? 0)
                }
            }
        }
    }

    private func resolvedTimestamp() throws -> Int64 {
        if let timestamp { return timestamp }
        let text = time ?? ""
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        throw AdminFailure(.usage, "invalid --time '\(text)', expected ISO 8601 such as 2024-05-01T12:00:00Z")
    }
}
