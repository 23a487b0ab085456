import ArgumentParser
import Core
import Foundation
import NIOCore
import Store

/// `tern admin message --id ID [--topic T]` / `tern admin message --key K --topic T`: stored messages as JSON lines.
///
/// By id: the id is first taken as a UNIQ_KEY (the client's message id) and looked up with QUERY_MESSAGE
/// `_UNIQUE_KEY_QUERY=true` on every master, in `--topic` or, without it, in every topic the name server lists
/// (RocketMQ's queryMsgById needs the topic; Tern scans instead). If nothing matches, the id is decoded as an
/// offset message id (store host + commit-log offset) and fetched with VIEW_MESSAGE_BY_ID from every master; a record
/// counts only if its own offset id equals the id, so a UNIQ_KEY that happens to decode never returns a stranger.
/// Both steps repeat for up to `--wait-ms` because the index may lag the commit log.
struct AdminMessageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message", abstract: "Find stored messages by message id or by key (JSON lines).")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Message id: the UNIQ_KEY clients return, or an offset message id.") var id: String?
    @Option(help: "A KEYS token (needs --topic).") var key: String?
    @Option(help: "Topic to search (required with --key).") var topic: String?
    @Option(name: .customLong("max"), help: "Most messages per broker for --key.") var maxCount: Int32 = 64
    @Option(name: .customLong("wait-ms"), help: "How long to retry an --id lookup that finds nothing.")
    var waitMilliseconds: Int64 = 1000

    func validate() throws {
        if (id == nil) == (key == nil) { throw ValidationError("give exactly one of --id and --key") }
        if key != nil && topic == nil { throw ValidationError("--key needs --topic") }
    }

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let messages: [DecodedMessage]
            if let id {
                messages = try await findByID(id, session: session)
            } else {
                messages = try await findByKey(key ?? "", topic: topic ?? "", session: session)
            }
            guard !messages.isEmpty else {
                throw AdminFailure(
                    .notFound, id.map { "no message with id \($0)" } ?? "no message with key \(key ?? "")")
            }
            for message in messages { AdminMessageJSON.print(message) }
        }
    }

    private func findByKey(_ key: String, topic: String, session: AdminSession) async throws -> [DecodedMessage] {
        let route = try await session.requireRoute(topic: topic)
        let found = try await query(
            session, brokers: AdminSession.masters(of: route), topics: [topic], key: key, unique: false)
        return found.filter { message in
            (message.property(MessageProperties.keys) ?? "").split(separator: " ").contains { $0 == key }
        }
    }

    private func findByID(_ id: String, session: AdminSession) async throws -> [DecodedMessage] {
        let brokers = try await session.masters(cluster: nil)
        let topics = try await topicsToSearch(session)
        let deadline = ContinuousClock.now + .milliseconds(max(0, waitMilliseconds))
        while true {
            let byKey = try await query(session, brokers: brokers, topics: topics, key: id, unique: true)
                .filter { $0.property(MessageProperties.uniqueKey)?.uppercased() == id.uppercased() }
            if !byKey.isEmpty { return byKey }
            let byOffset = try await view(offsetID: id, brokers: brokers, session: session)
            if !byOffset.isEmpty { return byOffset }
            guard ContinuousClock.now < deadline else { return [] }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func topicsToSearch(_ session: AdminSession) async throws -> [String] {
        if let topic { return [topic] }
        let response = try await session.nameServerRequest(.request(.getAllTopicListFromNameserver))
        guard response.code == ResponseCode.success.rawValue, let body = response.body else {
            throw AdminFailure(.refused, "topic list failed: \(AdminSession.describe(response))")
        }
        return try TopicList(jsonBody: body).topicList.sorted()
    }

    /// QUERY_MESSAGE for every (broker, topic), all in flight at once per broker; deduplicated by offset id and
    /// ordered by (queueId, queueOffset, offset id).
    private func query(
        _ session: AdminSession, brokers: [AdminSession.Broker], topics: [String], key: String, unique: Bool
    ) async throws -> [DecodedMessage] {
        var found: [String: DecodedMessage] = [:]
        for broker in brokers {
            var pending: [RemotingCommand] = []
            for topic in topics {
                var fields = [
                    "topic": topic, "key": key, "maxNum": String(maxCount), "beginTimestamp": "0",
                    "endTimestamp": String(Int64.max),
                ]
                if unique { fields["_UNIQUE_KEY_QUERY"] = "true" }
                pending.append(.request(.queryMessage, extFields: fields))
            }
            for response in try await session.sendAll(pending, to: broker.address)
            where response.code == ResponseCode.success.rawValue {
                for record in AdminMessageJSON.records(response.body) { found[record.offsetMessageId] = record }
            }
        }
        return found.values.sorted {
            ($0.queueId, $0.queueOffset.rawValue, $0.offsetMessageId)
                < ($1.queueId, $1.queueOffset.rawValue, $1.offsetMessageId)
        }
    }

    private func view(offsetID: String, brokers: [AdminSession.Broker], session: AdminSession) async throws
        -> [DecodedMessage]
    {
        guard let (_, offset) = MessageId.decodeOffsetMessageId(offsetID), offset.rawValue >= 0 else { return [] }
        let request = RemotingCommand.request(.viewMessageById, extFields: ["offset": String(offset.rawValue)])
        for broker in brokers {
            let response = try await session.send(request, to: broker.address)
            guard response.code == ResponseCode.success.rawValue else { continue }
            let matches = AdminMessageJSON.records(response.body).filter {
                $0.offsetMessageId == offsetID.uppercased()
            }
            if !matches.isEmpty { return matches }
        }
        return []
    }
}
