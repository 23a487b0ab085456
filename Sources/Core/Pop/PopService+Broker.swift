/// Wiring of POP into the broker's managers and processor table.
extension TopicConfigManager: PopTopicRegistry {
    public func readQueueCount(topic: String) -> Int32? {
        config(topic)?.readQueueNums
    }

    /// Retry and DLQ topics: `queueCount` queues, perm READ|WRITE (broker-internals §9.4, §10).
    public func createTopicIfAbsent(_ topic: String, queueCount: Int32) {
        createTopicIfAbsent(topic, queueNums: queueCount, perm: .readWrite)
    }
}

extension PopConfiguration {
    /// POP settings derived from the broker's: broker name, store host, clock.
    public init(broker: BrokerConfiguration) {
        self.init()
        brokerName = broker.brokerName
        clock = broker.clock
        enablePropertyFilter = broker.enablePropertyFilter
    }
}

extension PopService {
    /// POP_MESSAGE, ACK_MESSAGE, BATCH_ACK_MESSAGE and CHANGE_MESSAGE_INVISIBLETIME, to merge into the table
    /// `BrokerProcessors.make` returns.
    public var processors: [Int32: any RequestProcessor] {
        [
            RequestCode.popMessage.rawValue: popProcessor,
            RequestCode.ackMessage.rawValue: ackProcessor,
            RequestCode.batchAckMessage.rawValue: ackProcessor,
            RequestCode.changeMessageInvisibleTime.rawValue: changeInvisibleTimeProcessor,
        ]
    }
}
