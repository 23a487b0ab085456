public import NIOCore
import Synchronization

/// `MessageStore` held in RAM with RocketMQ's semantics: records are encoded exactly as on disk and given
/// physical offsets as if appended to one endless commit log, queue offsets are assigned per topic/queue, reads
/// follow §2.9, and keys are indexed for `queryMessages`. For tests of the layers above; nothing survives the process.
///
/// Threading: all state sits behind one `Mutex`; completions and arrival listeners run on the caller's thread,
/// after the lock is released.
public final class InMemoryMessageStore: MessageStore {
    struct QueueKey: Hashable {
        var topic: String
        var queueId: Int32
    }

    struct Queue {
        /// Offset of `units[0]`.
        var minOffset: Int64 = 0
        var units: [ConsumeQueueUnit] = []
        var maxOffset: Int64 { minOffset + Int64(units.count) }
    }

    struct State {
        var records: [Int64: ByteBuffer] = [:]
        var nextPhysicalOffset: Int64 = 0
        var queues: [QueueKey: Queue] = [:]
        /// `topic#key` → physical offsets in append order.
        var keyIndex: [String: [Int64]] = [:]
        var listeners: [@Sendable (MessageArrival) -> Void] = []
        var statistics = StoreStatistics()
        var lastIndexTimestamp: Int64 = 0
    }

    public let configuration: StoreConfiguration
    let state = Mutex(State())

    /// - Parameter configuration: uses `storeHost`, `maxMessageSize` and `clock`; paths are ignored.
    public init(configuration: StoreConfiguration = StoreConfiguration()) {
        self.configuration = configuration
    }

    public func putMessage(_ message: MessageToStore, completion: @escaping @Sendable (PutMessageResult) -> Void) {
        completion(append([message]))
    }

    public func putMessages(_ batch: [MessageToStore], completion: @escaping @Sendable (PutMessageResult) -> Void) {
        completion(append(batch))
    }

    func append(_ batch: [MessageToStore]) -> PutMessageResult {
        guard let first = batch.first else {
            return PutMessageResult(status: .messageIllegal, remark: "empty batch")
        }
        guard batch.allSatisfy({ $0.topic == first.topic && $0.queueId == first.queueId }) else {
            return PutMessageResult(status: .messageIllegal, remark: "a batch must target one topic and queue")
        }
        var encoded: [ByteBuffer] = []
        do {
            for message in batch {
                encoded.append(try MessageRecord.encode(message, storeHost: configuration.storeHost,
                                                        maxBodySize: configuration.maxMessageSize))
            }
        } catch {
            return PutMessageResult(status: error.putStatus, remark: error.remark)
        }
        let storeTimestamp = configuration.clock()
        let key = QueueKey(topic: first.topic, queueId: first.queueId)
        var arrivals: [MessageArrival] = []
        var result = state.withLock { state -> PutMessageResult in
            var result = PutMessageResult(status: .putOK, physicalOffset: PhysicalOffset(state.nextPhysicalOffset),
                                          storeTimestamp: storeTimestamp)
            var queue = state.queues[key] ?? Queue()
            result.queueOffset = QueueOffset(queue.maxOffset)
            for (message, var record) in zip(batch, encoded) {
                let physicalOffset = state.nextPhysicalOffset
                let dispatched = SysFlag.isDispatchedToConsumeQueue(message.sysFlag)
                let queueOffset = dispatched ? queue.maxOffset : 0
                record.setInteger(queueOffset, at: CommitLogFormat.queueOffsetPosition)
                record.setInteger(physicalOffset, at: CommitLogFormat.physicalOffsetPosition)
                let sysFlag: Int32 = record.getInteger(at: CommitLogFormat.sysFlagPosition) ?? 0
                record.setInteger(storeTimestamp, at: CommitLogFormat.storeTimestampPosition(sysFlag: sysFlag))
                state.records[physicalOffset] = record
                state.nextPhysicalOffset += Int64(record.readableBytes)
                result.wroteBytes += record.readableBytes
                result.messageIds.append(MessageId.offsetMessageId(storeHost: configuration.storeHost,
                                                                   physicalOffset: PhysicalOffset(physicalOffset)))
                let tagsCode = TagsCode.of(properties: message.properties)
                if dispatched {
                    queue.units.append(ConsumeQueueUnit(physicalOffset: physicalOffset,
                                                        size: Int32(record.readableBytes), tagsCode: tagsCode))
                    arrivals.append(MessageArrival(topic: message.topic, queueId: message.queueId,
                                                   queueOffset: QueueOffset(queueOffset), tagsCode: tagsCode,
                                                   storeTimestamp: storeTimestamp))
                }
                if (message.sysFlag & SysFlag.transactionMask) != SysFlag.transactionRollback {
                    for indexKey in IndexKeys.keys(topic: message.topic, properties: message.properties) {
                        state.keyIndex[indexKey, default: []].append(physicalOffset)
                    }
                    state.lastIndexTimestamp = storeTimestamp
                }
                state.statistics.putMessageCount += 1
                state.statistics.putMessageBytes += Int64(record.readableBytes)
            }
            state.queues[key] = queue
            return result
        }
        let listeners = state.withLock { $0.listeners }
        for arrival in arrivals { for listener in listeners { listener(arrival) } }
        result.status = .putOK
        return result
    }

    public func messages(topic: String, queueId: Int32, offset: QueueOffset, maxCount: Int, maxBytes: Int,
                         filter: (any MessageFilter)?) -> GetMessageResult {
        state.withLock { state in
            let queue = state.queues[QueueKey(topic: topic, queueId: queueId)] ?? Queue()
            let result = QueueReader.scan(
                offset: offset.rawValue, min: queue.minOffset, max: queue.maxOffset, maxCount: maxCount,
                maxBytes: maxBytes, filter: filter,
                unitAt: { index in
                    let position = Int(index - queue.minOffset)
                    return position >= 0 && position < queue.units.count ? queue.units[position] : nil
                },
                record: { unit in state.records[unit.physicalOffset] })
            state.statistics.getMessageCount += Int64(result.messages.count)
            return result
        }
    }

    public func message(at offset: PhysicalOffset) -> ByteBuffer? {
        state.withLock { $0.records[offset.rawValue] }
    }

    public func queryMessages(topic: String, key: String, maxCount: Int, beginTimestamp: Int64,
                              endTimestamp: Int64) -> QueryMessageResult {
        state.withLock { state in
            var found: [ByteBuffer] = []
            for offset in (state.keyIndex[topic + "#" + key] ?? []).reversed() where found.count < maxCount {
                guard let record = state.records[offset],
                      let decoded = MessageRecord.decode(record, readBody: false),
                      decoded.storeTimestamp >= beginTimestamp, decoded.storeTimestamp <= endTimestamp
                else { continue }
                found.append(record)
            }
            return QueryMessageResult(messages: found, indexLastUpdateTimestamp: state.lastIndexTimestamp,
                                      indexLastUpdatePhysicalOffset: PhysicalOffset(state.nextPhysicalOffset))
        }
    }

    public func maxOffset(topic: String, queueId: Int32) -> QueueOffset {
        QueueOffset(state.withLock { $0.queues[QueueKey(topic: topic, queueId: queueId)]?.maxOffset ?? 0 })
    }

    public func minOffset(topic: String, queueId: Int32) -> QueueOffset {
        QueueOffset(state.withLock { $0.queues[QueueKey(topic: topic, queueId: queueId)]?.minOffset ?? 0 })
    }

    public func offset(forTimestamp timestamp: Int64, topic: String, queueId: Int32,
                       boundary: TimestampBoundary) -> QueueOffset {
        state.withLock { state in
            let queue = state.queues[QueueKey(topic: topic, queueId: queueId)] ?? Queue()
            return QueueOffset(QueueReader.offset(
                forTimestamp: timestamp, min: queue.minOffset, max: queue.maxOffset, boundary: boundary,
                timestampAt: { Self.storeTimestamp(state, queue, $0) }))
        }
    }

    public func storeTimestamp(topic: String, queueId: Int32, offset: QueueOffset) -> Int64? {
        state.withLock { state in
            guard let queue = state.queues[QueueKey(topic: topic, queueId: queueId)] else { return nil }
            return Self.storeTimestamp(state, queue, offset.rawValue)
        }
    }

    public func earliestMessageTimestamp(topic: String, queueId: Int32) -> Int64? {
        state.withLock { state in
            guard let queue = state.queues[QueueKey(topic: topic, queueId: queueId)] else { return nil }
            return Self.storeTimestamp(state, queue, queue.minOffset)
        }
    }

    private static func storeTimestamp(_ state: State, _ queue: Queue, _ offset: Int64) -> Int64? {
        let position = Int(offset - queue.minOffset)
        guard position >= 0, position < queue.units.count,
              let record = state.records[queue.units[position].physicalOffset],
              let sysFlag: Int32 = record.getInteger(at: record.readerIndex + CommitLogFormat.sysFlagPosition)
        else { return nil }
        return record.getInteger(at: record.readerIndex + CommitLogFormat.storeTimestampPosition(sysFlag: sysFlag))
    }

    public func storedQueueCounts() -> [String: Int32] {
        state.withLock { state in
            state.queues.keys.reduce(into: [:]) { counts, key in
                counts[key.topic] = max(counts[key.topic] ?? 0, key.queueId + 1)
            }
        }
    }

    public func deleteTopics(_ topics: Set<String>) {
        state.withLock { state in state.queues = state.queues.filter { !topics.contains($0.key.topic) } }
    }

    public func addArrivalListener(_ listener: @escaping @Sendable (MessageArrival) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }

    public func statistics() -> StoreStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.commitLogMaxOffset = PhysicalOffset(state.nextPhysicalOffset)
            return statistics
        }
    }
}
