import ArgumentParser
import Core
import Logging
import NIOCore
import NIOPosix

/// Options shared by `tern bench producer` and `tern bench consumer`.
struct BenchRemotingOptions: ParsableArguments {
    @Option(name: .long, help: "Name server host:port; the broker is found with GET_ROUTEINFO_BY_TOPIC.")
    var namesrv: String?

    @Option(name: .long, help: "Broker host:port, instead of --namesrv.")
    var broker: String?

    @Option(name: .long, help: "Topic.")
    var topic: String = "TernBench"

    @Option(name: .long, help: "Queues of the topic when the benchmark creates it (or when --broker is used).")
    var queues: Int = 8

    @Option(name: .long, help: "Stop after this many seconds.")
    var seconds: Int?

    @Option(name: .long, help: "Stop after this many messages.")
    var count: Int?

    @Option(name: .customLong("io-threads"), help: "Client event loop threads (default: min(connections, cores)).")
    var ioThreads: Int?

    func validateBounds() throws {
        guard namesrv != nil || broker != nil else { throw ValidationError("give --namesrv or --broker") }
        if let seconds, seconds <= 0 { throw ValidationError("--seconds must be > 0") }
        if let count, count <= 0 { throw ValidationError("--count must be > 0") }
        guard queues > 0 else { throw ValidationError("--queues must be > 0") }
    }

    /// Nanoseconds from now at which to stop, if bounded by time.
    var deadlineNanoseconds: UInt64? {
        seconds.map { BenchClock.now() + UInt64($0) * 1_000_000_000 }
    }
}

/// Monotonic nanoseconds.
enum BenchClock {
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}

/// The broker serving a topic and how many queues it has there.
struct BenchTarget {
    var brokerAddress: String
    var writeQueues: Int
    var readQueues: Int
}

/// Connections of one benchmark run: a name server lookup, then a few broker connections over one event loop group.
final class BenchConnections {
    let group: MultiThreadedEventLoopGroup
    private let logger = Logger(label: "tern.bench") { _ in SwiftLogNoOpLogHandler() }
    private(set) var brokers: [RemotingClient] = []
    private static let timeout = TimeAmount.seconds(5)

    init(ioThreads: Int) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, ioThreads))
    }

    func close() async {
        for client in brokers { _ = try? await client.close().get() }
        brokers = []
        try? await group.shutdownGracefully()
    }

    /// Finds (and with `create`, creates when missing) the topic's broker.
    func resolve(_ options: BenchRemotingOptions, create: Bool) async throws -> BenchTarget {
        if let broker = options.broker {
            if create { try await createTopic(options, at: broker) }
            return BenchTarget(brokerAddress: broker, writeQueues: options.queues, readQueues: options.queues)
        }
        let namesrv = try await connect(options.namesrv ?? "")
        defer { namesrv.close() }
        if let target = try await route(options.topic, namesrv) { return target }
        guard create else { throw ValidationError("topic \(options.topic) has no route in the name server") }
        let response = try await namesrv.request(.request(.getBrokerClusterInfo), timeout: Self.timeout)
        guard response.code == ResponseCode.success.rawValue, let body = response.body else {
            throw ValidationError("GET_BROKER_CLUSTER_INFO failed: code \(response.code)")
        }
        let info = try ClusterInfo(jsonBody: body)
        guard let master = info.brokerAddrTable.keys.sorted().compactMap({ info.brokerAddrTable[$0]?.masterAddress })
            .first
        else { throw ValidationError("no master broker registered") }
        try await createTopic(options, at: master)
        for _ in 0..<200 {
            if let target = try await route(options.topic, namesrv) { return target }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw ValidationError("topic \(options.topic) was created but has no route yet")
    }

    /// Opens `count` connections to the broker.
    func connectBrokers(_ address: String, count: Int) async throws {
        for _ in 0..<max(1, count) { brokers.append(try await connect(address)) }
    }

    private func connect(_ address: String) async throws -> RemotingClient {
        let (host, port) = try NetworkAddress.split(address)
        return try await RemotingClient.connect(host: host, port: port, group: group, logger: logger)
    }

    private func route(_ topic: String, _ namesrv: RemotingClient) async throws -> BenchTarget? {
        let request = RemotingCommand.request(
            .getRouteInfoByTopic, extFields: ["topic": topic, "acceptStandardJsonOnly": "true"])
        let response = try await namesrv.request(request, timeout: Self.timeout)
        guard response.code == ResponseCode.success.rawValue, let body = response.body else { return nil }
        let route = try TopicRouteData(jsonBody: body)
        for data in route.brokerDatas.sorted(by: { $0.brokerName < $1.brokerName }) {
            guard let address = data.masterAddress,
                  let queues = route.queueDatas.first(where: { $0.brokerName == data.brokerName }) else { continue }
            return BenchTarget(brokerAddress: address, writeQueues: Int(queues.writeQueueNums),
                               readQueues: Int(queues.readQueueNums))
        }
        return nil
    }

    private func createTopic(_ options: BenchRemotingOptions, at address: String) async throws {
        let client = try await connect(address)
        defer { client.close() }
        let request = RemotingCommand.request(
            .updateAndCreateTopic,
            extFields: [
                "topic": options.topic, "defaultTopic": "TBW102", "readQueueNums": String(options.queues),
                "writeQueueNums": String(options.queues), "perm": "6", "topicFilterType": "SINGLE_TAG",
                "order": "false", "topicSysFlag": "0",
            ])
        let response = try await client.request(request, timeout: Self.timeout)
        guard response.code == ResponseCode.success.rawValue else {
            throw ValidationError("UPDATE_AND_CREATE_TOPIC failed on \(address): code \(response.code) "
                                  + (response.remark ?? ""))
        }
    }
}
