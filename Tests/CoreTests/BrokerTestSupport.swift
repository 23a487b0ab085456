import Core
import Logging
import NIOCore
import Store
import Synchronization
import TestSupport

/// A client connection that records the oneway requests the broker sends it.
final class FakeClientChannel: ClientChannel {
    let connectionID: String
    let remoteAddress: String
    private let sent = Mutex<[RemotingCommand]>([])

    init(connectionID: String, remoteAddress: String = "127.0.0.1:50000") {
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
    }

    var isActive: Bool { true }
    var sentRequests: [RemotingCommand] { sent.withLock { $0 } }
    func sendOneway(_ request: RemotingCommand) { sent.withLock { $0.append(request) } }
}

/// A request context that records responses (the broker may answer from another thread).
final class FakeRequestContext: RequestContext {
    let remoteAddress: String
    let connectionID: String
    let channel: FakeClientChannel
    private let responses = Mutex<[RemotingCommand]>([])

    init(connectionID: String = "conn-1", remoteAddress: String = "127.0.0.1:50000") {
        self.connectionID = connectionID
        self.remoteAddress = remoteAddress
        channel = FakeClientChannel(connectionID: connectionID, remoteAddress: remoteAddress)
    }

    var clientChannel: (any ClientChannel)? { channel }
    var allResponses: [RemotingCommand] { responses.withLock { $0 } }
    func respond(_ response: RemotingCommand) { responses.withLock { $0.append(response) } }

    /// Waits (deadline-based) for the n-th response.
    func response(_ index: Int = 0, timeout: Duration = .seconds(5)) async -> RemotingCommand? {
        _ = await eventually(timeout: timeout) { self.allResponses.count > index }
        let all = allResponses
        return all.count > index ? all[index] : nil
    }
}

/// A wall clock tests move by hand.
final class BrokerTestClock: Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    func read() -> Int64 { now.withLock { $0 } }
    func advance(milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}

/// A broker over an in-memory (or given) store, with config files in a temp dir and inline long-poll wakeups.
struct BrokerFixture {
    let broker: Broker
    let store: any MessageStore
    let clock: BrokerTestClock
    let directory: TemporaryDirectory

    init(
        store: (any MessageStore)? = nil, directory: TemporaryDirectory? = nil,
        configure: (inout BrokerConfiguration) -> Void = { _ in }
    ) throws {
        let clock = BrokerTestClock()
        let directory = try directory ?? TemporaryDirectory(prefix: "tern-broker")
        var configuration = BrokerConfiguration()
        configuration.storePathRootDir = directory.path
        configuration.clock = { clock.read() }
        configure(&configuration)
        var storeConfiguration = StoreConfiguration(storePathRootDir: directory.path)
        storeConfiguration.clock = { clock.read() }
        let store = store ?? InMemoryMessageStore(configuration: storeConfiguration)
        broker = Broker(
            configuration: configuration, store: store, logger: Logger(label: "test.broker"),
            holdExecutor: { job in job() })
        self.store = store
        self.clock = clock
        self.directory = directory
    }

    /// Runs one request through the processor table and waits for its response.
    @discardableResult
    func call(_ request: RemotingCommand, context: FakeRequestContext = FakeRequestContext()) async
        -> RemotingCommand?
    {
        guard let processor = broker.processors[request.code] else { return nil }
        processor.process(request, context: context)
        return await context.response()
    }

    /// Sends a message with SEND_MESSAGE_V2 short names.
    @discardableResult
    func send(topic: String, body: String, tags: String? = nil, queueId: Int32 = 0) async -> RemotingCommand? {
        var properties = "UNIQ_KEY\u{1}ID-\(body)\u{2}WAIT\u{1}true\u{2}"
        if let tags { properties += "TAGS\u{1}\(tags)\u{2}" }
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": topic, "c": "TBW102", "d": "4", "e": String(queueId), "f": "0",
                "g": "1700000000000", "h": "0", "i": properties,
            ], body: ByteBuffer(string: body))
        return await call(request)
    }

    /// Pull request fields with the SUBSCRIPTION bit set (and SUSPEND when `suspend`).
    func pullRequest(
        group: String = "cg", topic: String, queueId: Int32 = 0, offset: Int64, suspend: Bool = false,
        subscription: String = "*", timeoutMillis: Int64 = 15000
    ) -> RemotingCommand {
        .request(
            .pullMessage,
            extFields: [
                "consumerGroup": group, "topic": topic, "queueId": String(queueId), "queueOffset": String(offset),
                "maxMsgNums": "32", "sysFlag": String(0x4 | (suspend ? 0x2 : 0)), "commitOffset": "0",
                "suspendTimeoutMillis": String(timeoutMillis), "subscription": subscription, "subVersion": "0",
            ])
    }
}

/// Splits a pull body into decoded records.
func decodeRecords(_ body: ByteBuffer?) -> [DecodedMessage] {
    guard var buffer = body else { return [] }
    var records: [DecodedMessage] = []
    while buffer.readableBytes >= 4, let size: Int32 = buffer.getInteger(at: buffer.readerIndex), size > 0,
        let slice = buffer.readSlice(length: Int(size)), let record = MessageRecord.decode(slice)
    {
        records.append(record)
    }
    return records
}
