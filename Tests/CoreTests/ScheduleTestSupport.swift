import Core
import Logging
import NIOCore
import Store
import TestSupport

/// A broker over an in-memory store whose clock and delay/timer jobs are driven by one `ManualTimerScheduler`.
struct ScheduleFixture {
    let broker: Broker
    let store: any MessageStore
    let scheduler: ManualTimerScheduler
    let directory: TemporaryDirectory

    /// - Parameters:
    ///   - store / scheduler / directory: pass the previous fixture's to simulate a broker restart.
    init(store: (any MessageStore)? = nil, scheduler: ManualTimerScheduler? = nil,
         directory: TemporaryDirectory? = nil) throws {
        let scheduler = scheduler ?? ManualTimerScheduler(startMilliseconds: 1_700_000_000_000)
        let directory = try directory ?? TemporaryDirectory(prefix: "tern-schedule")
        var configuration = BrokerConfiguration()
        configuration.storePathRootDir = directory.path
        configuration.clock = scheduler.clock
        var storeConfiguration = StoreConfiguration(storePathRootDir: directory.path)
        storeConfiguration.clock = scheduler.clock
        let store = store ?? InMemoryMessageStore(configuration: storeConfiguration)
        broker = Broker(configuration: configuration, store: store, logger: Logger(label: "test.schedule"),
                        holdExecutor: { job in job() }, timerScheduler: scheduler)
        broker.topics.update(TopicConfig(topicName: "Orders", readQueueNums: 4, writeQueueNums: 4))
        self.store = store
        self.scheduler = scheduler
        self.directory = directory
    }

    /// Starts the delay and timer services (not the whole broker: no real-time periodic task).
    func startServices() {
        broker.schedule.start()
        broker.timer.start()
    }

    func stopServices() {
        broker.schedule.shutdown()
        broker.timer.shutdown()
    }

    /// SEND_MESSAGE_V2 of one message with extra properties; returns the response.
    @discardableResult
    func send(topic: String = "Orders", queueId: Int32 = 1, body: String, properties: [(String, String)]) async
        -> RemotingCommand?
    {
        var all = [("UNIQ_KEY", "ID-\(body)"), ("WAIT", "true"), ("TAGS", "T")]
        all.append(contentsOf: properties)
        let request = RemotingCommand.request(
            .sendMessageV2,
            extFields: [
                "a": "pg", "b": topic, "c": "TBW102", "d": "4", "e": String(queueId), "f": "0",
                "g": "1700000000000", "h": "0", "i": MessageProperties.encode(all),
            ], body: ByteBuffer(string: body))
        guard let processor = broker.processors[request.code] else { return nil }
        let context = FakeRequestContext()
        processor.process(request, context: context)
        return await context.response()
    }

    /// Every record of one queue, decoded.
    func records(topic: String = "Orders", queueId: Int32 = 1) -> [DecodedMessage] {
        let result = store.messages(topic: topic, queueId: queueId, offset: QueueOffset(0), maxCount: 100_000,
                                    maxBytes: .max, filter: nil)
        return result.messages.compactMap { MessageRecord.decode($0) }
    }

    func bodies(topic: String = "Orders", queueId: Int32 = 1) -> [String] {
        records(topic: topic, queueId: queueId).map { $0.body.map { String(buffer: $0) } ?? "" }
    }
}
