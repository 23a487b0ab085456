import Core
import Logging
import NIOCore
import NIOPosix

/// The connections of one `tern admin` invocation: one name server, and brokers on demand, over a single-threaded
/// event loop group. Used from one task only; `close()` must be awaited before exit.
final class AdminSession {
    /// A broker set's master as the name server publishes it.
    struct Broker: Hashable {
        var cluster: String
        var brokerName: String
        var brokerId: Int64
        var address: String
    }

    let timeout: TimeAmount
    private let nameServers: [(host: String, port: Int)]
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let logger = Logger(label: "tern.admin") { _ in SwiftLogNoOpLogHandler() }
    private var clients: [String: RemotingClient] = [:]
    private var nameServerAddress: String?

    init(options: AdminConnectionOptions) throws {
        nameServers = try options.nameServerAddresses()
        timeout = .milliseconds(max(1, options.timeoutMilliseconds))
    }

    /// Closes every connection and shuts the event loop group down.
    func close() async {
        for client in clients.values { try? await client.close().get() }
        clients = [:]
        try? await group.shutdownGracefully()
    }

    /// Splits `host:port` (IPv6 hosts may be bracketed); nil when malformed.
    static func split(address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            port > 0, port < 65536
        else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    // MARK: Requests

    /// Sends `request` to the name server (the first reachable of `--namesrv`).
    func nameServerRequest(_ request: RemotingCommand) async throws -> RemotingCommand {
        if let nameServerAddress { return try await send(request, to: nameServerAddress) }
        var lastError: (any Error)?
        for (host, port) in nameServers {
            let address = "\(host):\(port)"
            do {
                let response = try await send(request, to: address)
                nameServerAddress = address
                return response
            } catch {
                lastError = error
            }
        }
        throw lastError ?? AdminFailure(.connection, "no name server")
    }

    /// Sends `request` to the server at `address` (`host:port`), connecting on first use.
    func send(_ request: RemotingCommand, to address: String) async throws -> RemotingCommand {
        let client = try await client(for: address)
        do {
            return try await client.request(request, timeout: timeout)
        } catch let error as RemotingError {
            clients[address] = nil
            throw AdminFailure(.connection, "\(address): \(error.message)")
        }
    }

    /// Sends every request at once on one connection and waits for all answers, in order.
    func sendAll(_ requests: [RemotingCommand], to address: String) async throws -> [RemotingCommand] {
        let client = try await client(for: address)
        let futures = requests.map { client.send($0, timeout: timeout) }
        var responses: [RemotingCommand] = []
        responses.reserveCapacity(futures.count)
        for future in futures {
            do {
                responses.append(try await future.get())
            } catch let error as RemotingError {
                clients[address] = nil
                throw AdminFailure(.connection, "\(address): \(error.message)")
            }
        }
        return responses
    }

    /// Sends `request` and requires SUCCESS. - Throws: ``AdminFailure`` `.refused` with the code and remark.
    func expectSuccess(_ request: RemotingCommand, to address: String, what: String) async throws -> RemotingCommand {
        let response = try await send(request, to: address)
        guard response.code == ResponseCode.success.rawValue else {
            throw AdminFailure(.refused, "\(what) failed on \(address): \(Self.describe(response))")
        }
        return response
    }

    private func client(for address: String) async throws -> RemotingClient {
        if let client = clients[address], client.isActive { return client }
        guard let (host, port) = Self.split(address: address) else {
            throw AdminFailure(.usage, "invalid address '\(address)', expected host:port")
        }
        do {
            var configuration = RemotingClientConfiguration()
            configuration.connectTimeout = timeout
            let client = try await RemotingClient.connect(
                host: host, port: port, group: group, configuration: configuration, logger: logger)
            clients[address] = client
            return client
        } catch {
            throw AdminFailure(.connection, "cannot connect to \(address): \(error)")
        }
    }

    /// `code N (NAME): remark` for error messages.
    static func describe(_ response: RemotingCommand) -> String {
        let name = ResponseCode(rawValue: response.code).description
        return "code \(response.code) (\(name))" + (response.remark.map { ": \($0)" } ?? "")
    }

    // MARK: Name server queries

    /// GET_BROKER_CLUSTER_INFO.
    func clusterInfo() async throws -> ClusterInfo {
        let response = try await nameServerRequest(.request(.getBrokerClusterInfo))
        guard response.code == ResponseCode.success.rawValue, let body = response.body else {
            throw AdminFailure(.refused, "GET_BROKER_CLUSTER_INFO failed: \(Self.describe(response))")
        }
        return try ClusterInfo(jsonBody: body)
    }

    /// GET_ROUTEINFO_BY_TOPIC; nil when the name server has no route (TOPIC_NOT_EXIST).
    func route(topic: String) async throws -> TopicRouteData? {
        let request = RemotingCommand.request(
            .getRouteInfoByTopic, extFields: ["topic": topic, "acceptStandardJsonOnly": "true"])
        let response = try await nameServerRequest(request)
        if response.code == ResponseCode.topicNotExist.rawValue { return nil }
        guard response.code == ResponseCode.success.rawValue, let body = response.body else {
            throw AdminFailure(.refused, "GET_ROUTEINFO_BY_TOPIC failed: \(Self.describe(response))")
        }
        return try TopicRouteData(jsonBody: body)
    }

    /// The topic's route, or ``AdminFailure`` `.notFound`.
    func requireRoute(topic: String) async throws -> TopicRouteData {
        guard let route = try await route(topic: topic) else {
            throw AdminFailure(.notFound, "topic \(topic) not found in the name server")
        }
        return route
    }

    /// Masters of `cluster` (every cluster when nil), sorted by broker name.
    /// - Throws: `.notFound` when the cluster is unknown or has no master.
    func masters(cluster: String?) async throws -> [Broker] {
        let info = try await clusterInfo()
        var names: Set<String>
        if let cluster {
            guard let members = info.clusterAddrTable[cluster] else {
                throw AdminFailure(.notFound, "cluster \(cluster) not found in the name server")
            }
            names = members
        } else {
            names = Set(info.brokerAddrTable.keys)
        }
        let masters = names.sorted().compactMap { name -> Broker? in
            guard let data = info.brokerAddrTable[name], let address = data.masterAddress else { return nil }
            return Broker(cluster: data.cluster, brokerName: name, brokerId: BrokerData.masterID, address: address)
        }
        guard !masters.isEmpty else {
            throw AdminFailure(.notFound, "no master broker registered" + (cluster.map { " in cluster \($0)" } ?? ""))
        }
        return masters
    }

    /// Masters serving `route`, sorted by broker name.
    static func masters(of route: TopicRouteData) -> [Broker] {
        route.brokerDatas.sorted { $0.brokerName < $1.brokerName }.compactMap { data in
            data.masterAddress.map {
                Broker(cluster: data.cluster, brokerName: data.brokerName, brokerId: BrokerData.masterID, address: $0)
            }
        }
    }
}
