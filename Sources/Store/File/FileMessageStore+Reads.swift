public import NIOCore
import Logging
import Synchronization

extension FileMessageStore {
    public func messages(topic: String, queueId: Int32, offset: QueueOffset, maxCount: Int, maxBytes: Int,
                         filter: (any MessageFilter)?) -> GetMessageResult {
        guard let queue = consumeQueue(topic: topic, queueId: queueId, create: false) else {
            return QueueReader.scan(offset: offset.rawValue, min: 0, max: 0, maxCount: maxCount, maxBytes: maxBytes,
                                    filter: filter, unitAt: { _ in nil }, record: { _ in nil })
        }
        let result = QueueReader.scan(
            offset: offset.rawValue, min: queue.minOffset, max: queue.maxOffset, maxCount: maxCount,
            maxBytes: maxBytes, filter: filter, unitAt: { queue.unit(at: $0) },
            record: { unit in intact(commitLog.read(at: unit.physicalOffset, size: Int(unit.size)),
                                     at: unit.physicalOffset) })
        getMessageCount.add(Int64(result.messages.count), ordering: .relaxed)
        return result
    }

    public func message(at offset: PhysicalOffset) -> ByteBuffer? {
        intact(commitLog.record(at: offset.rawValue), at: offset.rawValue)
    }

    /// `record` when its body matches its BODYCRC; nil, with an error log line, when the bytes on disk were damaged
    /// after they were written. Every read for delivery or lookup goes through here: a damaged record is skipped
    /// (a pull moves past it) rather than served with the wrong body.
    func intact(_ record: ByteBuffer?, at physicalOffset: Int64) -> ByteBuffer? {
        guard let record else { return nil }
        guard MessageRecord.hasIntactBody(record) else {
            logger.error("damaged record not served: body CRC mismatch",
                         metadata: ["store.offset": "\(physicalOffset)", "store.size": "\(record.readableBytes)"])
            return nil
        }
        return record
    }

    public func queryMessages(topic: String, key: String, maxCount: Int, beginTimestamp: Int64,
                              endTimestamp: Int64) -> QueryMessageResult {
        let found = index.query(key: topic + "#" + key, maxCount: maxCount, begin: beginTimestamp, end: endTimestamp)
        var messages: [ByteBuffer] = []
        for offset in found.offsets where messages.count < maxCount {
            guard let record = intact(commitLog.record(at: offset), at: offset),
                  let decoded = MessageRecord.decode(record, readBody: false), decoded.topic == topic,
                  decoded.storeTimestamp >= beginTimestamp, decoded.storeTimestamp <= endTimestamp
            else { continue }
            messages.append(record)
        }
        return QueryMessageResult(messages: messages, indexLastUpdateTimestamp: found.lastTimestamp,
                                  indexLastUpdatePhysicalOffset: PhysicalOffset(found.lastPhysicalOffset))
    }

    public func maxOffset(topic: String, queueId: Int32) -> QueueOffset {
        QueueOffset(consumeQueue(topic: topic, queueId: queueId, create: false)?.maxOffset ?? 0)
    }

    public func minOffset(topic: String, queueId: Int32) -> QueueOffset {
        QueueOffset(consumeQueue(topic: topic, queueId: queueId, create: false)?.minOffset ?? 0)
    }

    public func offset(forTimestamp timestamp: Int64, topic: String, queueId: Int32,
                       boundary: TimestampBoundary) -> QueueOffset {
        guard let queue = consumeQueue(topic: topic, queueId: queueId, create: false) else { return QueueOffset(0) }
        return QueueOffset(QueueReader.offset(forTimestamp: timestamp, min: queue.minOffset, max: queue.maxOffset,
                                              boundary: boundary, timestampAt: { storeTimestamp(queue, $0) }))
    }

    public func storeTimestamp(topic: String, queueId: Int32, offset: QueueOffset) -> Int64? {
        guard let queue = consumeQueue(topic: topic, queueId: queueId, create: false) else { return nil }
        return storeTimestamp(queue, offset.rawValue)
    }

    public func earliestMessageTimestamp(topic: String, queueId: Int32) -> Int64? {
        guard let queue = consumeQueue(topic: topic, queueId: queueId, create: false) else { return nil }
        return storeTimestamp(queue, queue.minOffset)
    }

    func storeTimestamp(_ queue: ConsumeQueue, _ offset: Int64) -> Int64? {
        guard offset >= queue.minOffset, let unit = queue.unit(at: offset), unit != .blank,
              let header = commitLog.read(at: unit.physicalOffset, size: CommitLogFormat.bornHostPosition + 28),
              let sysFlag: Int32 = header.getInteger(at: CommitLogFormat.sysFlagPosition)
        else { return nil }
        return header.getInteger(at: CommitLogFormat.storeTimestampPosition(sysFlag: sysFlag))
    }

    public func storedQueueCounts() -> [String: Int32] {
        consumeQueues.withLock { queues in
            queues.keys.reduce(into: [:]) { counts, key in
                counts[key.topic] = max(counts[key.topic] ?? 0, key.queueId + 1)
            }
        }
    }

    public func deleteTopics(_ topics: Set<String>) {
        let removed = consumeQueues.withLock { queues in
            let removed = queues.filter { topics.contains($0.key.topic) }
            for key in removed.keys { queues[key] = nil }
            return removed
        }
        for queue in removed.values { queue.writeLock.withLock { _ in queue.files.destroyAll() } }
        for topic in topics { FileSystem.removeTree(configuration.consumeQueuePath + "/" + topic) }
        commitLog.removeQueueOffsets(topics: topics)
    }
}
