import Core
import Logging
import NIOCore
import Store
import Synchronization
import TestSupport

/// A RequestContext that records responses (they may arrive later, from another thread).
final class RecordingContext: RequestContext {
    let remoteAddress = "127.0.0.1:50000"
    let connectionID = "test-connection"
    var clientChannel: (any ClientChannel)? { nil }
    private let responses = Mutex<[RemotingCommand]>([])

    func respond(_ response: RemotingCommand) {
        responses.withLock { $0.append(response) }
    }

    var all: [RemotingCommand] { responses.withLock { $0 } }

    /// The first response, waiting up to 10 s for it.
    func awaitResponse() -> RemotingCommand? {
        _ = eventually { !all.isEmpty }
        return all.first
    }
}

final class FakeClock: Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    var milliseconds: Int64 { now.withLock { $0 } }
    func advance(_ milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}

final class FakeTopics: PopTopicRegistry {
    private let queues: Mutex<[String: Int32]>
    init(_ queues: [String: Int32]) { self.queues = Mutex(queues) }
    func readQueueCount(topic: String) -> Int32? { queues.withLock { $0[topic] } }
    func createTopicIfAbsent(_ topic: String, queueCount: Int32) {
        queues.withLock { if $0[topic] == nil { $0[topic] = queueCount } }
    }
}

struct FakeGroups: PopGroupRegistry {
    var retryMaxTimes: Int32 = 16
    func popGroupSettings(_ group: String) -> PopGroupSettings? {
        PopGroupSettings(consumeEnable: true, retryMaxTimes: retryMaxTimes)
    }
}

/// One popped message as a client sees it: the decoded record plus the POP_CK it builds.
struct PoppedMessage {
    var message: DecodedMessage
    var extraInfo: String
    var body: String { message.body.map { String(buffer: $0) } ?? "" }
}

/// A broker's POP side over an InMemoryMessageStore (shared across restarts) with a fake clock.
final class PopHarness: Sendable {
    static let topic = "TopicTest"
    static let group = "GID_POP"
    let store: any MessageStore
    /// Waits until sent messages are readable (FileMessageStore dispatches asynchronously).
    let settle: @Sendable () -> Void
    let clock: FakeClock
    let topics: FakeTopics
    let service: PopService
    let stateDirectory: String?

    init(queues: Int32 = 1, retryMaxTimes: Int32 = 16, stateDirectory: String? = nil,
         store: any MessageStore = InMemoryMessageStore(), clock: FakeClock = FakeClock(),
         settle: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.settle = settle
        self.clock = clock
        self.stateDirectory = stateDirectory
        topics = FakeTopics([Self.topic: queues])
        var configuration = PopConfiguration()
        configuration.clock = { clock.milliseconds }
        configuration.random = { _ in 99 }  // never pop the retry topic first: deterministic order
        service = PopService(store: store, configDirectory: stateDirectory, topics: topics,
                             groups: FakeGroups(retryMaxTimes: retryMaxTimes), consumerOffsets: nil,
                             configuration: configuration, logger: Logger(label: "test.pop"))
        service.start(runTimers: false)
    }

    /// A new harness on the same store, clock and state directory: a broker restart.
    func restarted(store newStore: (any MessageStore)? = nil) -> PopHarness {
        service.shutdown()
        return PopHarness(queues: topics.readQueueCount(topic: Self.topic) ?? 1, stateDirectory: stateDirectory,
                          store: newStore ?? store, clock: clock, settle: settle)
    }

    func send(_ body: String, queueId: Int32 = 0, tags: String = "TagA") {
        let message = MessageToStore(topic: Self.topic, queueId: queueId, body: ByteBuffer(string: body),
                                     properties: [("TAGS", tags)], bornTimestamp: clock.milliseconds,
                                     bornHost: .loopbackIPv4)
        store.putMessage(message) { result in precondition(result.status == .putOK) }
        settle()
    }

    func popRequest(max: Int32 = 32, queueId: Int32 = -1, invisibleTime: Int64 = 30_000,
                    pollTime: Int64 = 0) -> RemotingCommand {
        .request(.popMessage, extFields: [
            "consumerGroup": Self.group, "topic": Self.topic, "queueId": String(queueId),
            "maxMsgNums": String(max), "invisibleTime": String(invisibleTime), "pollTime": String(pollTime),
            "bornTime": String(clock.milliseconds), "initMode": "0",
        ])
    }

    /// Sends a request through `processor` and waits for its response.
    func call(_ processor: any RequestProcessor, _ request: RemotingCommand) -> RemotingCommand {
        let context = RecordingContext()
        processor.process(request, context: context)
        guard let response = context.awaitResponse() else { preconditionFailure("no response") }
        return response
    }

    /// Pops and decodes like the Java client: POP_CK per message from the response headers (or the record's own
    /// POP_CK property, which the broker adds to re-encoded retry records).
    func pop(max: Int32 = 32, queueId: Int32 = -1, invisibleTime: Int64 = 30_000) -> (code: Int32, [PoppedMessage]) {
        let response = call(service.popProcessor, popRequest(max: max, queueId: queueId, invisibleTime: invisibleTime))
        return (response.code, Self.decode(response))
    }

    static func decode(_ response: RemotingCommand) -> [PoppedMessage] {
        guard response.code == 0, var body = response.body else { return [] }
        var startOffsets: [String: String] = [:]
        for entry in (response.extFields["startOffsetInfo"] ?? "").split(separator: ";") {
            let parts = entry.split(separator: " ")
            startOffsets["\(parts[0])@\(parts[1])"] = String(parts[2])
        }
        var result: [PoppedMessage] = []
        while body.readableBytes > 0, let size = body.getInteger(at: body.readerIndex, as: Int32.self),
              let slice = body.readSlice(length: Int(size)), let message = MessageRecord.decode(slice) {
            let extraInfo = message.property("POP_CK") ?? {
                let mark = PopRetryMark(topic: message.topic).rawValue
                let fields = response.extFields
                return [startOffsets["\(mark)@\(message.queueId)"] ?? "?", fields["popTime"] ?? "?",
                        fields["invisibleTime"] ?? "?", fields["reviveQid"] ?? "?", mark, "broker-a",
                        String(message.queueId), String(message.queueOffset.rawValue)].joined(separator: " ")
            }()
            result.append(PoppedMessage(message: message, extraInfo: extraInfo))
        }
        return result
    }

    func ackRequest(_ popped: PoppedMessage) -> RemotingCommand {
        let info = PopExtraInfo(popped.extraInfo)!
        return .request(.ackMessage, extFields: [
            "consumerGroup": Self.group, "topic": Self.topic, "queueId": String(info.queueId),
            "extraInfo": popped.extraInfo, "offset": String(info.queueOffset),
        ])
    }

    func changeInvisibleRequest(_ popped: PoppedMessage, invisibleTime: Int64) -> RemotingCommand {
        var request = ackRequest(popped)
        request.code = RequestCode.changeMessageInvisibleTime.rawValue
        request.extFields["invisibleTime"] = String(invisibleTime)
        return request
    }

    /// Moves the clock past every deadline and runs one revive scan.
    func expireAndRevive(after milliseconds: Int64 = 31_000) {
        clock.advance(milliseconds)
        service.revive.reviveOnce()
        settle()
    }
}
