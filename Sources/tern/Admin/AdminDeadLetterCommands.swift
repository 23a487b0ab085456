import ArgumentParser
import Core

/// `tern admin dlq …`: a consumer group's dead letters, through Tern's TERN_QUERY_DLQ_MESSAGE and
/// TERN_RESEND_DLQ_MESSAGE codes on every master (each broker keeps its own `%DLQ%<group>`).
struct AdminDeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "List a consumer group's dead letters and re-send them to their origin topic.",
        subcommands: [AdminDeadLetterListCommand.self, AdminDeadLetterResendCommand.self])

    /// `%DLQ%<group>` does not exist on a broker that never saw the group: skip it. Only when no broker knows the
    /// group is it "not found".
    static func isUnknownGroup(_ response: RemotingCommand) -> Bool {
        response.code == ResponseCode.subscriptionGroupNotExist.rawValue
    }
}

struct AdminDeadLetterListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "One line per dead letter, oldest first, per broker.",
        discussion: "An existing group with an empty DLQ prints nothing and exits 0; an unknown group exits 1.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Consumer group.") var group: String
    @Option(help: "At most this many messages per broker.") var max: Int = 64
    @Option(help: "Start at this DLQ queue offset (default: the oldest).") var offset: Int64?
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func validate() throws {
        guard max > 0 else { throw ValidationError("--max must be positive") }
        if let offset, offset < 0 { throw ValidationError("--offset must not be negative") }
    }

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            var knownAnywhere = false
            for broker in try await session.masters(cluster: cluster) {
                var next = offset
                var printed = 0
                while printed < max {
                    var fields = [
                        "consumerGroup": group,
                        "maxCount": String(min(max - printed, Int(DeadLetterQueueProcessor.maxCountLimit))),
                    ]
                    if let next { fields["offset"] = String(next) }
                    let response = try await session.send(
                        .request(.ternQueryDeadLetterMessages, extFields: fields), to: broker.address)
                    if AdminDeadLetterCommand.isUnknownGroup(response) { break }
                    guard response.code == ResponseCode.success.rawValue, let body = response.body else {
                        throw AdminFailure(
                            .refused,
                            "TERN_QUERY_DLQ_MESSAGE failed on \(broker.address): "
                                + AdminSession.describe(response))
                    }
                    knownAnywhere = true
                    let page = try DeadLetterMessageList(jsonBody: body)
                    for message in page.messages { Self.print(message, broker: broker, group: group) }
                    printed += page.messages.count
                    if page.messages.isEmpty || page.nextOffset >= page.maxOffset { break }
                    next = page.nextOffset
                }
            }
            guard knownAnywhere else { throw AdminFailure(.notFound, "consumer group \(group) not found") }
        }
    }

    private static func print(_ message: DeadLetterMessage, broker: AdminSession.Broker, group: String) {
        AdminJSONLine.print { writer in
            writer.field("group", group)
            writer.field("brokerName", broker.brokerName)
            writer.field("queueId", message.queueId)
            writer.field("queueOffset", message.queueOffset)
            writer.field("msgId", message.msgId)
            writer.field("offsetMsgId", message.offsetMsgId)
            writer.field("originTopic", message.originTopic)
            writer.field("originMsgId", message.originMsgId)
            writer.field("reconsumeTimes", message.reconsumeTimes)
            writer.field("storeTimestamp", message.storeTimestamp)
            writer.field("tags", message.tags)
            writer.field("keys", message.keys)
            writer.field("bodySize", message.bodySize)
        }
    }
}

struct AdminDeadLetterResendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend", abstract: "Send copies of dead letters back to their origin topic.",
        discussion: """
            Each copy is a new message with the dead letter's body, tags, keys, message id (UNIQ_KEY) and user \
            properties, reconsume count 0. The DLQ keeps its records: re-sending twice stores two copies. \
            Prints one line per re-send; exits 1 when a message is not in the DLQ or any re-send fails.
            """)
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Consumer group.") var group: String
    @Option(name: .customLong("msg-id"), help: "A dead letter's msgId (UNIQ_KEY) or offsetMsgId.") var messageId:
        String?
    @Flag(help: "Every dead letter of the group.") var all = false
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func validate() throws {
        if (messageId == nil) == !all { throw ValidationError("give exactly one of --msg-id and --all") }
    }

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let brokers = try await session.masters(cluster: cluster)
            if let messageId {
                try await resendOne(messageId, brokers: brokers, session: session)
            } else {
                try await resendAll(brokers: brokers, session: session)
            }
        }
    }

    /// The first broker whose DLQ holds the message re-sends it.
    private func resendOne(_ messageId: String, brokers: [AdminSession.Broker], session: AdminSession) async throws {
        let request = RemotingCommand.request(
            .ternResendDeadLetterMessages, extFields: ["consumerGroup": group, "msgId": messageId])
        var knownAnywhere = false
        for broker in brokers {
            let response = try await session.send(request, to: broker.address)
            if AdminDeadLetterCommand.isUnknownGroup(response) { continue }
            knownAnywhere = true
            if response.code == ResponseCode.queryNotFound.rawValue { continue }
            guard response.code == ResponseCode.success.rawValue, let body = response.body else {
                throw AdminFailure(.refused, "re-send failed on \(broker.address): \(AdminSession.describe(response))")
            }
            for entry in try DeadLetterResendResult(jsonBody: body).results {
                Self.print(entry, broker: broker, group: group)
            }
            return
        }
        guard knownAnywhere else { throw AdminFailure(.notFound, "consumer group \(group) not found") }
        throw AdminFailure(.notFound, "no message with id \(messageId) in %DLQ%\(group)")
    }

    /// Pages through each broker's DLQ up to the end it had when the first page was answered.
    private func resendAll(brokers: [AdminSession.Broker], session: AdminSession) async throws {
        var knownAnywhere = false
        var sent = 0
        var failed = 0
        for broker in brokers {
            var next: Int64?
            var end: Int64?
            repeat {
                var fields = [
                    "consumerGroup": group, "all": "true", "maxCount": String(DeadLetterQueueProcessor.maxCountLimit),
                ]
                if let next { fields["offset"] = String(next) }
                let response = try await session.send(
                    .request(.ternResendDeadLetterMessages, extFields: fields), to: broker.address)
                if AdminDeadLetterCommand.isUnknownGroup(response) { break }
                guard response.code == ResponseCode.success.rawValue, let body = response.body else {
                    throw AdminFailure(
                        .refused, "re-send failed on \(broker.address): \(AdminSession.describe(response))")
                }
                knownAnywhere = true
                let result = try DeadLetterResendResult(jsonBody: body)
                for entry in result.results {
                    Self.print(entry, broker: broker, group: group)
                    if entry.isSent { sent += 1 } else { failed += 1 }
                }
                let stop = end ?? result.maxOffset
                end = stop
                if result.results.isEmpty || result.nextOffset >= stop { break }
                next = result.nextOffset
            } while true
        }
        guard knownAnywhere else { throw AdminFailure(.notFound, "consumer group \(group) not found") }
        if failed > 0 { throw AdminFailure(.refused, "\(failed) of \(sent + failed) re-sends failed") }
    }

    private static func print(_ entry: DeadLetterResendResult.Entry, broker: AdminSession.Broker, group: String) {
        AdminJSONLine.print { writer in
            writer.field("group", group)
            writer.field("brokerName", broker.brokerName)
            writer.field("dlqOffsetMsgId", entry.dlqOffsetMsgId)
            writer.field("dlqQueueOffset", entry.dlqQueueOffset)
            writer.field("topic", entry.topic)
            writer.field("sent", entry.isSent)
            if entry.isSent {
                writer.field("msgId", entry.msgId)
                writer.field("offsetMsgId", entry.offsetMsgId)
                writer.field("queueId", entry.queueId)
                writer.field("queueOffset", entry.queueOffset)
            } else {
                writer.field("responseCode", entry.responseCode)
                writer.field("remark", entry.remark)
            }
        }
    }
}
