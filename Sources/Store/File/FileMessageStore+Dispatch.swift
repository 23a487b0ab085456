import Logging
import Synchronization

extension FileMessageStore {
    /// The consume queue of a topic/queue, created on first use.
    func consumeQueue(topic: String, queueId: Int32, create: Bool) -> ConsumeQueue? {
        let key = CommitLog.QueueKey(topic: topic, queueId: queueId)
        return consumeQueues.withLock { queues in
            if let queue = queues[key] { return queue }
            guard create else { return nil }
            let queue = ConsumeQueue(topic: topic, queueId: queueId, rootDirectory: configuration.consumeQueuePath,
                                     fileSize: configuration.mappedFileSizeConsumeQueue)
            queues[key] = queue
            return queue
        }
    }

    /// Builds the consume queue unit and index entries of one record (`CommitLogDispatcherBuildConsumeQueue`,
    /// `CommitLogDispatcherBuildIndex`). Idempotent, so recovery may replay records.
    /// - Returns: false when a consume queue or index file could not get disk space: the dispatchers must go over
    ///   this record again once they start.
    func dispatch(record bytes: UnsafeRawBufferPointer, physicalOffset: Int64) -> Bool {
        guard let decoded = decode(record: bytes, physicalOffset: physicalOffset) else { return true }
        let queued = buildConsumeQueue(decoded, physicalOffset: physicalOffset)
        let indexed = buildIndex(decoded, physicalOffset: physicalOffset)
        return queued && indexed
    }

    /// The consume queue dispatcher's half of `dispatch`: the unit and the arrival notification.
    /// It decodes no property but TAGS (the unit's tag hash): nothing else of a record goes into its unit or arrival.
    /// - Returns: false when the unit could not be written for want of disk space (the dispatcher retries it).
    func dispatchToConsumeQueue(record bytes: UnsafeRawBufferPointer, physicalOffset: Int64) -> Bool {
        guard let decoded = decode(record: bytes, physicalOffset: physicalOffset, keeping: Self.isTagsProperty) else {
            return true
        }
        return buildConsumeQueue(decoded, physicalOffset: physicalOffset)
    }

    private static func isTagsProperty(_ name: UnsafeRawBufferPointer) -> Bool {
        name.elementsEqual(MessageProperties.tags.utf8)
    }

    /// The index dispatcher's half of `dispatch`. Runs behind the consume queue dispatcher, on its own thread:
    /// creating and first touching index pages (a 420 MB file by default) can take milliseconds, and
    /// records must not wait for that to become readable.
    /// - Returns: false when the index could not get disk space (the dispatcher retries the record).
    func dispatchToIndex(record bytes: UnsafeRawBufferPointer, physicalOffset: Int64) -> Bool {
        guard configuration.messageIndexEnable,
              let decoded = MessageRecord.decode(bytes: bytes, keepingProperties: Self.isIndexedProperty)
        else { return true }
        return buildIndex(decoded, physicalOffset: physicalOffset)
    }

    /// The properties `IndexKeys` reads (`UNIQ_KEY`, `KEYS`); the index dispatcher decodes no others.
    private static func isIndexedProperty(_ name: UnsafeRawBufferPointer) -> Bool {
        name.elementsEqual(MessageProperties.uniqueKey.utf8) || name.elementsEqual(MessageProperties.keys.utf8)
    }

    /// The record without its body; with `keep`, only the properties it accepts.
    private func decode(record bytes: UnsafeRawBufferPointer, physicalOffset: Int64,
                        keeping keep: ((UnsafeRawBufferPointer) -> Bool)? = nil) -> DecodedMessage? {
        let decoded = keep.map { MessageRecord.decode(bytes: bytes, keepingProperties: $0) }
            ?? MessageRecord.decode(bytes: bytes, readBody: false)
        guard let decoded else {
            logger.warning("undecodable record skipped by dispatch", metadata: ["store.offset": "\(physicalOffset)"])
            return nil
        }
        return decoded
    }

    /// - Returns: false when the unit could not be written (no disk space for the queue's segment); nothing else
    ///   happened then, so the call can be repeated.
    @discardableResult
    private func buildConsumeQueue(_ decoded: DecodedMessage, physicalOffset: Int64) -> Bool {
        if SysFlag.isDispatchedToConsumeQueue(decoded.sysFlag) {
            let tagsCode = decoded.tagsCode
            let queue = consumeQueue(topic: decoded.topic, queueId: decoded.queueId, create: true)!
            let unit = ConsumeQueueUnit(physicalOffset: physicalOffset, size: decoded.totalSize, tagsCode: tagsCode)
            do {
                try queue.put(unit, queueOffset: decoded.queueOffset.rawValue)
            } catch {
                return skipUnlessOutOfSpace(error, topic: decoded.topic, physicalOffset: physicalOffset)
            }
            if running.load(ordering: .relaxed), !listeners.withLock({ $0.isEmpty }) {
                let arrival = MessageArrival(topic: decoded.topic, queueId: decoded.queueId,
                                             queueOffset: decoded.queueOffset, tagsCode: tagsCode,
                                             storeTimestamp: decoded.storeTimestamp)
                pendingArrivals.withLock { $0.append(arrival) }
            }
        }
        lastDispatchedTimestamp.store(decoded.storeTimestamp, ordering: .relaxed)
        return true
    }

    /// - Returns: false when an index file could not get disk space; the keys of the record are not indexed yet.
    @discardableResult
    private func buildIndex(_ decoded: DecodedMessage, physicalOffset: Int64) -> Bool {
        let transactionType = decoded.sysFlag & SysFlag.transactionMask
        if configuration.messageIndexEnable && transactionType != SysFlag.transactionRollback {
            let keys = IndexKeys.keys(topic: decoded.topic, properties: decoded.properties)
            do {
                if let filled = try index.put(keys: keys, physicalOffset: physicalOffset,
                                              storeTimestamp: decoded.storeTimestamp) {
                    checkpoint.indexMessageTimestamp.store(filled, ordering: .relaxed)
                }
            } catch {
                return skipUnlessOutOfSpace(error, topic: decoded.topic, physicalOffset: physicalOffset)
            }
        }
        return true
    }

    /// A full disk pauses dispatch until space returns (false: the dispatcher retries the record). Any other failure
    /// (a topic whose consume-queue directory name is too long for the file system, a permission problem) would
    /// never heal by retrying and would stop dispatch for every topic: the record is skipped for that queue or index
    /// with an error log line, and stays in the commit log.
    private func skipUnlessOutOfSpace(_ error: StoreError, topic: String, physicalOffset: Int64) -> Bool {
        if error.code == .noSpace { return false }
        logger.error("record not dispatched: \(error)",
                     metadata: ["store.topic": "\(topic)", "store.offset": "\(physicalOffset)"])
        return true
    }

    /// Runs arrival listeners for what the last dispatch pass produced (dispatcher thread).
    func notifyArrivals() {
        let arrivals = pendingArrivals.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !arrivals.isEmpty else { return }
        let listeners = listeners.withLock { $0 }
        for arrival in arrivals { for listener in listeners { listener(arrival) } }
    }

    /// Flushes consume queues and the index, then records their timestamps in the checkpoint (once a second).
    /// The index timestamp moves with every flush, not only when a file fills as in RocketMQ, so after an unclean
    /// stop with nothing indexed since the last flush the newest index file is kept rather than rebuilt.
    func flushQueuesAndCheckpoint() {
        let logicsTimestamp = lastDispatchedTimestamp.load(ordering: .relaxed)
        let physicTimestamp = commitLog.files.all.last { $0.flushedPosition.load(ordering: .acquiring) > 0 }?
            .lastModifiedMilliseconds.load(ordering: .relaxed) ?? 0
        for queue in consumeQueues.withLock({ Array($0.values) }) { queue.flush() }
        if let indexTimestamp = index.flush(), indexTimestamp > 0 {
            checkpoint.indexMessageTimestamp.store(indexTimestamp, ordering: .relaxed)
        }
        if logicsTimestamp > 0 { checkpoint.logicsMessageTimestamp.store(logicsTimestamp, ordering: .relaxed) }
        if physicTimestamp > 0 { checkpoint.physicMessageTimestamp.store(physicTimestamp, ordering: .relaxed) }
        checkpoint.flush()
    }
}
