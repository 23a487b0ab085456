import NIOCore
import Store
import Synchronization

/// The read side of POP_MESSAGE: choosing queues, reading them under their pop lock, recording checkpoints and
/// building the response.
extension PopMessageProcessor {
    struct PopResult {
        var popTime: Int64
        var reviveQueueId: Int32
        var records: [ByteBuffer] = []
        var bytes = 0
        var startOffsetInfo: [String] = []
        var messageOffsetInfo: [String] = []
        /// Messages left behind in the queues read (`restNum`).
        var restCount: Int64 = 0

        var isEmpty: Bool { records.isEmpty }
    }

    /// Pops from the retry topic (first with `popFromRetryProbability`, else last) and the topic's queues.
    func pop(_ header: Header, now: Int64, filter: any MessageFilter) -> PopResult {
        var result = PopResult(popTime: now, reviveQueueId: nextReviveQueueId())
        let retryFirst = configuration.random(100) < configuration.popFromRetryProbability
        let retryQueue = PopQueueKey(group: header.group, topic: retryTopic(header), queueId: 0)
        if retryFirst { popQueue(retryQueue, header: header, filter: filter, into: &result) }
        for queueId in queueOrder(header) {
            if result.records.count >= Int(header.maxMessages) { break }
            let queue = PopQueueKey(group: header.group, topic: header.topic, queueId: queueId)
            popQueue(queue, header: header, filter: filter, into: &result)
        }
        if !retryFirst { popQueue(retryQueue, header: header, filter: filter, into: &result) }
        return result
    }

    private func nextReviveQueueId() -> Int32 {
        counters.withLock { counters in
            counters.reviveQueue = (counters.reviveQueue + 1) % max(1, configuration.reviveQueueNum)
            return counters.reviveQueue
        }
    }

    /// The requested queue, or every queue starting one after where the previous pop of this group started.
    private func queueOrder(_ header: Header) -> [Int32] {
        if header.queueId >= 0 { return [header.queueId] }
        let count = max(topics.readQueueCount(topic: header.topic) ?? 0, 0)
        guard count > 0 else { return [] }
        let start = counters.withLock { counters in
            let key = header.group + "@" + header.topic
            let start = counters.nextQueue[key, default: 0] % count
            counters.nextQueue[key] = (start + 1) % count
            return start
        }
        return (0..<count).map { (start + $0) % count }
    }

    /// Reads one queue under its pop lock (skipped when another pop holds it), records the checkpoint and moves
    /// progress past what was read or filtered out.
    private func popQueue(_ queue: PopQueueKey, header: Header, filter: any MessageFilter, into result: inout PopResult) {
        let remaining = Int(header.maxMessages) - result.records.count
        guard remaining > 0, result.bytes < configuration.maxTransferBytes, state.tryLock(queue) else { return }
        let isRetry = queue.topic != header.topic
        let start = startOffset(queue, initMode: isRetry ? 0 : header.initMode)
        let read = store.messages(topic: queue.topic, queueId: queue.queueId, offset: QueueOffset(start),
                                  maxCount: remaining, maxBytes: configuration.maxTransferBytes - result.bytes,
                                  filter: filter)
        var next = start
        switch read.status {
        case .found, .noMatchedMessage, .messageWasRemoving, .offsetTooSmall, .offsetOverflowBadly:
            next = read.nextBeginOffset.rawValue
        case .offsetFoundNull, .offsetOverflowOne, .noMessageInQueue:
            break
        }
        let offsets = read.queueOffsets.map(\.rawValue)
        var checkpoint: PopCheckpoint?
        if !read.messages.isEmpty {
            checkpoint = PopCheckpoint(
                key: PopCheckpointKey(queue: queue, startOffset: start, popTime: result.popTime),
                invisibleTime: header.invisibleTime, reviveQueueId: result.reviveQueueId, queueOffsets: offsets)
        }
        state.commitPop(queue, nextOffset: next, checkpoint: checkpoint)
        if next != start { consumerOffsets?.commitOffset(group: queue.group, topic: queue.topic,
                                                          queueId: queue.queueId, offset: next) }
        result.restCount += max(0, read.maxOffset.rawValue - next)
        guard !read.messages.isEmpty else { return }
        let mark = PopRetryMark(topic: queue.topic)
        result.startOffsetInfo.append("\(mark.rawValue) \(queue.queueId) \(start)")
        result.messageOffsetInfo.append(
            "\(mark.rawValue) \(queue.queueId) " + offsets.map(String.init).joined(separator: ","))
        for (record, offset) in zip(read.messages, offsets) {
            var record = record
            if isRetry && !configuration.popResponseReturnActualRetryTopic {
                let extraInfo = PopExtraInfo(
                    checkpointOffset: start, popTime: result.popTime, invisibleTime: header.invisibleTime,
                    reviveQueueId: result.reviveQueueId, retryMark: mark, brokerName: configuration.brokerName,
                    queueId: queue.queueId, queueOffset: offset)
                record = Self.recodeRetryRecord(record, topic: header.topic, extraInfo: extraInfo) ?? record
            }
            result.bytes += record.readableBytes
            result.records.append(record)
        }
    }

    /// Where popping `queue` continues: our progress, else the committed consumer offset, else `initMode`
    /// (MIN ⇒ queue minimum; MAX ⇒ the last message, or 0 while the queue still starts at 0, as RocketMQ's
    /// `initPopOffsetByCheckMsgInMem` does).
    private func startOffset(_ queue: PopQueueKey, initMode: Int32) -> Int64 {
        if let offset = state.consumeOffset(queue) { return offset }
        if let offset = consumerOffsets?.queryOffset(group: queue.group, topic: queue.topic, queueId: queue.queueId),
           offset >= 0 { return offset }
        let minimum = store.minOffset(topic: queue.topic, queueId: queue.queueId).rawValue
        if initMode == 0 || minimum == 0 { return minimum }
        return max(minimum, store.maxOffset(topic: queue.topic, queueId: queue.queueId).rawValue - 1)
    }

    /// Java 5.x (`popResponseReturnActualRetryTopic=false`) re-encodes retry records: topic set back to the
    /// consumer's topic and POP_CK added (if absent), so clients see the original topic yet ack the retry queue.
    static func recodeRetryRecord(_ record: ByteBuffer, topic: String, extraInfo: PopExtraInfo) -> ByteBuffer? {
        guard let decoded = MessageRecord.decode(record), let body = decoded.body else { return nil }
        var properties = decoded.properties
        if !properties.contains(where: { $0.0 == PopMessageProperty.popCheckpoint }) {
            properties.append((PopMessageProperty.popCheckpoint, extraInfo.description))
        }
        let message = MessageToStore(
            topic: topic, queueId: decoded.queueId, flag: decoded.flag, body: body, properties: properties,
            sysFlag: decoded.sysFlag, bornTimestamp: decoded.bornTimestamp, bornHost: decoded.bornHost,
            reconsumeTimes: decoded.reconsumeTimes, preparedTransactionOffset: decoded.preparedTransactionOffset)
        return try? MessageRecord.encode(message, storeHost: decoded.storeHost, queueOffset: decoded.queueOffset,
                                         physicalOffset: decoded.physicalOffset,
                                         storeTimestamp: decoded.storeTimestamp, maxBodySize: Int.max)
    }

    func response(to request: RemotingCommand, header: Header, result: PopResult) -> RemotingCommand {
        var body = ByteBufferAllocator().buffer(capacity: result.bytes)
        for var record in result.records { body.writeBuffer(&record) }
        let fields = [
            "popTime": String(result.popTime),
            "invisibleTime": String(header.invisibleTime),
            "reviveQid": String(result.reviveQueueId),
            "restNum": String(result.restCount),
            "startOffsetInfo": result.startOffsetInfo.joined(separator: ";"),
            "msgOffsetInfo": result.messageOffsetInfo.joined(separator: ";"),
        ]
        return request.response(.success, extFields: fields, body: body)
    }
}

/// Message property names POP reads and writes (remoting-protocol §4.4).
enum PopMessageProperty {
    /// The receipt string of a popped message.
    static let popCheckpoint = "POP_CK"
    /// Pop time of the first delivery, set when a message is first revived.
    static let firstPopTime = "1ST_POP_TIME"
    /// The original topic of a retry message.
    static let retryTopic = "RETRY_TOPIC"
    static let originMessageId = "ORIGIN_MESSAGE_ID"
    static let dlqOriginTopic = "DLQ_ORIGIN_TOPIC"
    static let dlqOriginMessageId = "DLQ_ORIGIN_MESSAGE_ID"
}
