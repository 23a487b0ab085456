import ArgumentParser
import Core

/// `tern admin`: RocketMQ-style administration over the remoting protocol (docs/ADMIN.md). Every command finds
/// brokers through `--namesrv`, prints one JSON object per line on stdout, and reports failures on stderr with exit
/// status 1 (not found, or refused by a broker) or 2 (usage or connection).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer topics, groups, offsets and messages through the name server.",
        subcommands: [
            AdminTopicCommand.self, AdminClusterCommand.self, AdminConsumerCommand.self, AdminMessageCommand.self,
            AdminOffsetCommand.self, AdminGroupCommand.self, AdminDeadLetterCommand.self,
        ])
}

/// `tern admin cluster …`
struct AdminClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Clusters and brokers.", subcommands: [AdminClusterListCommand.self])
}

struct AdminClusterListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "One line per registered broker, with its runtime info when reachable.")
    @OptionGroup var connection: AdminConnectionOptions

    func run() async throws {
        try await AdminOutput.run(connection) { session in
            let info = try await session.clusterInfo()
            for cluster in info.clusterAddrTable.keys.sorted() {
                for name in (info.clusterAddrTable[cluster] ?? []).sorted() {
                    guard let data = info.brokerAddrTable[name] else { continue }
                    for brokerId in data.brokerAddrs.keys.sorted() {
                        let address = data.brokerAddrs[brokerId] ?? ""
                        let runtime = try? await session.send(.request(.getBrokerRuntimeInfo), to: address)
                        let table = runtime.flatMap { $0.body }.flatMap { try? KVTable(jsonBody: $0) }
                        AdminJSONLine.print { writer in
                            writer.field("cluster", cluster)
                            writer.field("brokerName", name)
                            writer.field("brokerId", brokerId)
                            writer.field("address", address)
                            writer.field("reachable", table != nil)
                            if let table {
                                writer.key("runtime")
                                writer.beginObject()
                                for key in table.table.keys.sorted() { writer.field(key, table.table[key] ?? "") }
                                writer.endObject()
                            }
                        }
                    }
                }
            }
        }
    }
}
