import Core
@testable import Gateway
import Logging
import NIOCore
import Store
import Synchronization
import TestSupport

/// A processor built from a closure; records every request it sees.
final class FakeProcessor: RequestProcessor {
    let requests = Mutex<[RemotingCommand]>([])
    private let body: @Sendable (RemotingCommand, any RequestContext) -> Void

    init(_ body: @escaping @Sendable (RemotingCommand, any RequestContext) -> Void) {
        self.body = body
    }

    /// Answers every request at once with `code`, `extFields` and `body`.
    convenience init(code: ResponseCode = .success, extFields: [String: String] = [:], body: [UInt8]? = nil,
                     remark: String? = nil) {
        self.init { request, context in
            context.respond(request.response(code, remark: remark, extFields: extFields,
                                             body: body.map { ByteBuffer(bytes: $0) }))
        }
    }

    func process(_ request: RemotingCommand, context: any RequestContext) {
        requests.withLock { $0.append(request) }
        body(request, context)
    }

    var received: [RemotingCommand] { requests.withLock { $0 } }
}

/// Starts a gateway on an ephemeral loopback port with the given tables, runs `body`, stops it.
func withGateway(
    broker: [RequestCode: any RequestProcessor] = [:], nameServer: [RequestCode: any RequestProcessor] = [:],
    configure: (inout GatewayConfiguration) -> Void = { _ in }, isReady: @escaping @Sendable () -> Bool = { true },
    gauges: @escaping @Sendable () -> [GatewayGauge] = { [] },
    _ body: (Gateway, Int) async throws -> Void
) async throws {
    var configuration = GatewayConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    var logger = Logger(label: "test.gateway")
    logger.logLevel = .warning
    let gateway = Gateway(
        configuration: configuration,
        brokerProcessors: Dictionary(uniqueKeysWithValues: broker.map { ($0.key.rawValue, $0.value) }),
        nameServerProcessors: Dictionary(uniqueKeysWithValues: nameServer.map { ($0.key.rawValue, $0.value) }),
        isReady: isReady, gauges: gauges, logger: logger)
    let port = try gateway.start()
    do {
        try await body(gateway, port)
    } catch {
        await gateway.stop()
        throw error
    }
    await gateway.stop()
}

/// Starts the real broker processors over an in-memory store behind a gateway on an ephemeral port, runs `body`, stops
/// both.
func withRealBroker(prefix: String, _ body: (Broker, Int) async throws -> Void) async throws {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    var configuration = BrokerConfiguration()
    configuration.storePathRootDir = directory.path
    let store = InMemoryMessageStore(configuration: StoreConfiguration(storePathRootDir: directory.path))
    let broker = Broker(configuration: configuration, store: store, logger: Logger(label: "test.broker"))
    broker.start()
    defer { broker.shutdown() }
    try await withGateway(broker: Dictionary(uniqueKeysWithValues: broker.processors.map {
        (RequestCode(rawValue: $0.key), $0.value)
    })) { _, port in try await body(broker, port) }
}

/// A commit-log record as a store would return it.
func record(topic: String = "TopicTest", queueId: Int32 = 0, queueOffset: Int64, body: [UInt8],
            properties: [(String, String)], sysFlag: Int32 = 0, physicalOffset: Int64 = 0) throws -> [UInt8] {
    let message = MessageToStore(topic: topic, queueId: queueId, flag: 0, body: ByteBuffer(bytes: body),
                                 properties: properties, sysFlag: sysFlag, bornTimestamp: 1_700_000_000_000,
                                 bornHost: HostAddress(addressBytes: [127, 0, 0, 1], port: 54321),
                                 reconsumeTimes: 0, preparedTransactionOffset: 0)
    let buffer = try MessageRecord.encode(message, storeHost: HostAddress(addressBytes: [127, 0, 0, 1], port: 10911),
                                          queueOffset: QueueOffset(queueOffset),
                                          physicalOffset: PhysicalOffset(physicalOffset),
                                          storeTimestamp: 1_700_000_000_005)
    return buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
}

/// Hex to bytes (fixtures).
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return result
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}
