import Store
import Core
import Logging
import NIOCore
import Synchronization

/// A clock that only moves when told to, so liveness tests need no sleeping.
final class ManualClock: Clock {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        current.withLock { $0 = max($0, deadline) }
    }

    func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }
}

/// A request context that records the responses.
final class CapturingContext: RequestContext {
    let remoteAddress = "127.0.0.1:50000"
    let connectionID: String
    var clientChannel: (any ClientChannel)? { nil }
    private let captured = Mutex<[RemotingCommand]>([])

    init(connectionID: String = "connection-1") { self.connectionID = connectionID }

    func respond(_ response: RemotingCommand) { captured.withLock { $0.append(response) } }

    var responses: [RemotingCommand] { captured.withLock { $0 } }
}

/// A name server on a manual clock plus helpers that drive it through its processor.
struct NamesrvHarness {
    let clock = ManualClock()
    let nameServer: NameServer

    init(configuration: NamesrvConfiguration = NamesrvConfiguration()) {
        nameServer = NameServer(configuration: configuration, logger: Logger(label: "test.namesrv"), clock: clock)
    }

    /// Sends a request through the processor table and returns the single response (nil if none).
    @discardableResult
    func send(_ request: RemotingCommand, connectionID: String = "connection-1") -> RemotingCommand? {
        let context = CapturingContext(connectionID: connectionID)
        let processor = nameServer.processorTable[request.code] ?? nameServer.defaultProcessor
        processor.process(request, context: context)
        precondition(context.responses.count <= 1, "more than one response")
        return context.responses.first
    }

    /// REGISTER_BROKER with a JSON body and a correct CRC.
    @discardableResult
    func register(
        brokerName: String = "broker-a", brokerId: Int64 = 0, brokerAddr: String = "127.0.1.10:10911",
        cluster: String = "DefaultCluster", topics: [TopicConfig],
        dataVersion: DataVersion = DataVersion(timestamp: 1_700_000_000_000, counter: 1),
        connectionID: String = "connection-1"
    ) -> RemotingCommand? {
        var table: [String: TopicConfig] = [:]
        for topic in topics { table[topic.topicName] = topic }
        let body = RegisterBrokerBody(
            topicConfigSerializeWrapper: TopicConfigSerializeWrapper(topicConfigTable: table, dataVersion: dataVersion))
        let bytes = body.jsonBytes()
        let header = RegisterBrokerRequestHeader(
            brokerName: brokerName, brokerAddr: brokerAddr, clusterName: cluster,
            haServerAddr: brokerAddr.replacingPort(with: "10912"), brokerId: brokerId,
            bodyCrc32: CRC32.rocketMQChecksum(bytes))
        var request = RemotingCommand.request(
            .registerBroker, extFields: header.extFields,
            body: ByteBuffer(bytes: bytes))
        request.version = 479
        return send(request, connectionID: connectionID)
    }

    /// GET_ROUTEINFO_BY_TOPIC as a client of the given version.
    func route(_ topic: String, version: Int32 = 479) -> RemotingCommand? {
        var request = RemotingCommand.request(.getRouteInfoByTopic, extFields: ["topic": topic])
        request.version = version
        return send(request)
    }
}

extension String {
    fileprivate func replacingPort(with port: String) -> String {
        guard let colon = lastIndex(of: ":") else { return self }
        return self[..<colon] + ":" + port
    }
}

extension RemotingCommand {
    /// The body as UTF-8 text ("" when absent).
    var bodyText: String { body.map { String(buffer: $0) } ?? "" }
}
