import ArgumentParser
import Core
import Foundation

/// `tern admin topic …`
struct AdminTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic", abstract: "Create, change, delete and inspect topics.",
        subcommands: [
            AdminTopicCreateCommand.self, AdminTopicUpdateCommand.self, AdminTopicDeleteCommand.self,
            AdminTopicListCommand.self, AdminTopicRouteCommand.self, AdminTopicStatusCommand.self,
        ])
}

/// The shape of a topic for create/update.
struct AdminTopicShapeOptions: ParsableArguments {
    @Option(help: "Topic name.") var topic: String
    @Option(help: "Read and write queue count (default 8).") var queues: Int32?
    @Option(name: .customLong("read-queues"), help: "Read queue count (with --write-queues).") var readQueues: Int32?
    @Option(name: .customLong("write-queues"), help: "Write queue count (with --read-queues).") var writeQueues: Int32?
    @Option(help: "Permission bits: 2 write, 4 read, 6 read+write.") var perm: Int32 = 6
    @Flag(help: "Mark the topic as ordered.") var order = false
    @Option(help: "Cluster whose masters get the topic (default: every master).") var cluster: String?
    @Option(name: .customLong("wait-seconds"), help: "How long to wait for the name server route.")
    var waitSeconds: Double = 10

    /// (read, write) queue counts.
    func queueCounts() throws -> (Int32, Int32) {
        switch (queues, readQueues, writeQueues) {
        case (let queues?, nil, nil): return (queues, queues)
        case (nil, let read?, let write?): return (read, write)
        case (nil, nil, nil): return (8, 8)
        default: throw AdminFailure(.usage, "give either --queues or both --read-queues and --write-queues")
        }
    }

    /// Creates or updates the topic on every target master, then waits until the name server route shows it.
    func apply(_ session: AdminSession) async throws {
        let (readQueueNums, writeQueueNums) = try queueCounts()
        guard readQueueNums > 0, writeQueueNums > 0 else { throw AdminFailure(.usage, "queue counts must be > 0") }
        let brokers = try await session.masters(cluster: cluster)
        let request = RemotingCommand.request(
            .updateAndCreateTopic,
            extFields: [
                "topic": topic, "defaultTopic": "TBW102", "readQueueNums": String(readQueueNums),
                "writeQueueNums": String(writeQueueNums), "perm": String(perm), "topicFilterType": "SINGLE_TAG",
                "order": String(order), "topicSysFlag": "0",
            ])
        for broker in brokers {
            _ = try await session.expectSuccess(request, to: broker.address, what: "UPDATE_AND_CREATE_TOPIC")
        }
        let names = Set(brokers.map(\.brokerName))
        let deadline = ContinuousClock.now + .milliseconds(Int64(waitSeconds * 1000))
        while true {
            let route = try await session.route(topic: topic)
            let shown = Set(
                (route?.queueDatas ?? []).filter {
                    $0.readQueueNums == readQueueNums && $0.writeQueueNums == writeQueueNums
                }.map(\.brokerName))
            if names.isSubset(of: shown) { break }
            guard ContinuousClock.now < deadline else {
                throw AdminFailure(
                    .refused, "topic \(topic) was created but the name server route did not show it in time")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        AdminJSONLine.print { writer in
            writer.field("topic", topic)
            writer.field("brokers", strings: brokers.map(\.brokerName))
            writer.field("readQueueNums", readQueueNums)
            writer.field("writeQueueNums", writeQueueNums)
            writer.field("perm", perm)
        }
    }
}

struct AdminTopicCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a topic on every master and wait until the name server routes it.")
    @OptionGroup var connection: AdminConnectionOptions
    @OptionGroup var shape: AdminTopicShapeOptions

    func run() async throws {
        try await AdminOutput.run(connection) { try await shape.apply($0) }
    }
}

struct AdminTopicUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a topic's queues or permission (creates it when absent).")
    @OptionGroup var connection: AdminConnectionOptions
    @OptionGroup var shape: AdminTopicShapeOptions

    func run() async throws {
        try await AdminOutput.run(connection) { try await shape.apply($0) }
    }
}

struct AdminTopicDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a topic from its brokers, then from the name server.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Topic name.") var topic: String
    @Option(help: "Only this cluster's masters (default: every master).") var cluster: String?

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let existed = try await session.route(topic: topic) != nil
            let brokers = try await session.masters(cluster: cluster)
            let request = RemotingCommand.request(.deleteTopicInBroker, extFields: ["topic": topic])
            for broker in brokers {
                _ = try await session.expectSuccess(request, to: broker.address, what: "DELETE_TOPIC_IN_BROKER")
            }
            var fields = ["topic": topic]
            if let cluster { fields["clusterName"] = cluster }
            let response = try await session.nameServerRequest(.request(.deleteTopicInNamesrv, extFields: fields))
            guard response.code == ResponseCode.success.rawValue else {
                throw AdminFailure(.refused, "DELETE_TOPIC_IN_NAMESRV failed: \(AdminSession.describe(response))")
            }
            guard existed else { throw AdminFailure(.notFound, "topic \(topic) not found in the name server") }
            AdminJSONLine.print { writer in
                writer.field("topic", topic)
                writer.field("deleted", true)
                writer.field("brokers", strings: brokers.map(\.brokerName))
            }
        }
    }
}

struct AdminTopicListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List topics the name server knows: one {\"topic\":…} line each.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Only topics of this cluster.") var cluster: String?

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let request: RemotingCommand =
                if let cluster {
                    .request(.getTopicsByCluster, extFields: ["cluster": cluster])
                } else {
                    .request(.getAllTopicListFromNameserver)
                }
            let response = try await session.nameServerRequest(request)
            guard response.code == ResponseCode.success.rawValue, let body = response.body else {
                throw AdminFailure(.refused, "topic list failed: \(AdminSession.describe(response))")
            }
            for topic in try TopicList(jsonBody: body).topicList.sorted() {
                AdminJSONLine.print { $0.field("topic", topic) }
            }
        }
    }
}

struct AdminTopicRouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Print the topic's route (TopicRouteData JSON) on one line.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Topic name.") var topic: String

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            AdminJSONLine.print(try await session.requireRoute(topic: topic))
        }
    }
}

struct AdminTopicStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Per queue min/max offset and last store time, one line per queue.")
    @OptionGroup var connection: AdminConnectionOptions
    @Option(help: "Topic name.") var topic: String

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let route = try await session.requireRoute(topic: topic)
            for broker in AdminSession.masters(of: route) {
                let response = try await session.expectSuccess(
                    .request(.getTopicStatsInfo, extFields: ["topic": topic]), to: broker.address,
                    what: "GET_TOPIC_STATS_INFO")
                guard let body = response.body else { continue }
                let stats = try TopicStatsTable(jsonBody: body)
                for queue in stats.offsetTable.keys.sorted(by: MessageQueue.precedes) {
                    guard let offset = stats.offsetTable[queue] else { continue }
                    AdminJSONLine.print { writer in
                        writer.field("topic", queue.topic)
                        writer.field("brokerName", queue.brokerName)
                        writer.field("queueId", queue.queueId)
                        writer.field("minOffset", offset.minOffset)
                        writer.field("maxOffset", offset.maxOffset)
                        writer.field("lastUpdateTimestamp", offset.lastUpdateTimestamp)
                    }
                }
            }
        }
    }
}
