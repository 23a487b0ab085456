import Logging
import Synchronization

extension FileMessageStore {
    /// Loads and repairs every structure (broker-internals §3): consume queues, checkpoint, index, then the commit
    /// log scan from a start segment, with CRC checks, truncating at the first torn or corrupt record.
    func recover() throws(StoreError) {
        let clean = !lock.abortFileExists
        try commitLog.files.load()
        try loadConsumeQueues()
        try index.load(cleanShutdown: clean, indexTimestamp: checkpoint.indexMessageTimestamp.load(ordering: .relaxed))
        let queues = consumeQueues.withLock { Array($0.values) }
        let files = commitLog.files.all
        guard !files.isEmpty else {
            for queue in queues { queue.files.destroyAll() }
            consumeQueues.withLock { $0.removeAll() }
            logger.info("store recovered (empty)", metadata: ["store.clean": "\(clean)"])
            return
        }
        let dispatchFrom = queues.map { $0.maxPhysicalOffset.load(ordering: .relaxed) }.max() ?? -1
        let startIndex = recoveryStartIndex(files, clean: clean, dispatchFrom: dispatchFrom)
        let processOffset = scanAndDispatch(files[startIndex...])
        commitLog.files.truncate(to: processOffset)
        for queue in queues { queue.truncate(toPhysicalOffset: processOffset) }
        if configuration.messageIndexEnable { reindexIfAhead(of: processOffset) }
        var offsets: [CommitLog.QueueKey: Int64] = [:]
        for (key, queue) in consumeQueues.withLock({ $0 }) {
            queue.deleteExpired(commitLogMinOffset: commitLog.minOffset)
            offsets[key] = queue.maxOffset
        }
        commitLog.setQueueOffsets(offsets)
        logger.info("store recovered", metadata: [
            "store.clean": "\(clean)", "store.segments": "\(commitLog.files.all.count)",
            "store.startSegment": "\(files[startIndex].startOffset)", "store.maxOffset": "\(processOffset)",
            "store.queues": "\(offsets.count)",
        ])
    }

    private func loadConsumeQueues() throws(StoreError) {
        let root = configuration.consumeQueuePath
        try FileSystem.makeDirectories(root, as: StoreError.self)
        var loaded: [CommitLog.QueueKey: ConsumeQueue] = [:]
        for topic in FileSystem.list(root) {
            for queueName in FileSystem.list(root + "/" + topic) {
                guard let queueId = Int32(queueName) else { continue }
                let queue = ConsumeQueue(topic: topic, queueId: queueId, rootDirectory: root,
                                         fileSize: configuration.mappedFileSizeConsumeQueue)
                try queue.recover()
                loaded[CommitLog.QueueKey(topic: topic, queueId: queueId)] = queue
            }
        }
        consumeQueues.withLock { $0 = loaded }
    }

    /// Walks back from the newest segment to the first one whose first record is old enough (§3): its offset is
    /// at most `dispatchFrom` after a clean stop, its store time at most the checkpoint's min timestamp otherwise.
    /// With the index enabled, it must also start at or before the last record the kept index files hold: the
    /// index files past the checkpoint were dropped, and only re-dispatch brings their keys back.
    private func recoveryStartIndex(_ files: [MappedFile], clean: Bool, dispatchFrom: Int64) -> Int {
        let minTimestamp = checkpoint.minTimestamp
        // No kept index file: rebuild the index from the oldest segment.
        let indexFrom = configuration.messageIndexEnable ? (index.durableEndPhysicalOffset ?? -1) : Int64.max
        for index in files.indices.reversed() {
            let file = files[index]
            guard let first = MessageRecord.decode(bytes: file.bytes(at: 0, count: file.size), readBody: true),
                  first.isBodyCRCValid, first.physicalOffset.rawValue == file.startOffset else { continue }
            if clean {
                if dispatchFrom >= 0 && first.physicalOffset.rawValue <= dispatchFrom { return index }
            } else if first.storeTimestamp <= minTimestamp && first.physicalOffset.rawValue <= indexFrom {
                return index
            }
        }
        return 0
    }

    /// Validates records from the start of `files` (size, magic, CRC, length, offset) and dispatches each;
    /// returns the end of the last valid record.
    private func scanAndDispatch(_ files: ArraySlice<MappedFile>) -> Int64 {
        var processOffset = files.first?.startOffset ?? 0
        for file in files {
            var position = 0
            while position + 8 <= file.size {
                let header = file.bytes(at: position, count: 8)
                let magic = Int32(bigEndian: header.loadUnaligned(fromByteOffset: 4, as: Int32.self))
                if magic == CommitLogFormat.blankMagic {
                    position = file.size
                    break
                }
                let remaining = file.bytes(at: position, count: file.size - position)
                guard let record = MessageRecord.decode(bytes: remaining, readBody: true),
                      record.physicalOffset.rawValue == file.startOffset + Int64(position),
                      record.isBodyCRCValid || isDamagedInPlace(file, position: position, size: Int(record.totalSize))
                else {
                    if position > 0 || processOffset == file.startOffset {
                        logger.info("commit log ends at first invalid record",
                                    metadata: ["store.offset": "\(file.startOffset + Int64(position))"])
                    }
                    return file.startOffset + Int64(position)
                }
                if !dispatch(record: file.bytes(at: position, count: Int(record.totalSize)),
                             physicalOffset: record.physicalOffset.rawValue) {
                    // A full disk: the dispatchers start here instead of at the end (re-dispatch is idempotent).
                    _ = undispatchedOffset.compareExchange(expected: -1, desired: record.physicalOffset.rawValue,
                                                           ordering: .relaxed)
                }
                position += Int(record.totalSize)
                processOffset = file.startOffset + Int64(position)
            }
            processOffset = file.startOffset + Int64(position)
            file.lastModifiedMilliseconds.store(
                max(file.lastModifiedMilliseconds.load(ordering: .relaxed), lastDispatchedTimestamp.load(ordering: .relaxed)),
                ordering: .relaxed)
        }
        return processOffset
    }

    /// A record whose header is sound but whose body fails its CRC is the torn tail of an interrupted append when
    /// nothing valid follows it; when a record (or the segment's end) follows, its bytes were damaged after they
    /// were written. Truncating there would drop every acknowledged record after it, so recovery keeps and
    /// dispatches it (its queue offset stays taken) and reads refuse it (`intact(_:at:)`).
    private func isDamagedInPlace(_ file: MappedFile, position: Int, size: Int) -> Bool {
        let next = position + size
        let followed: Bool
        if next == file.size {
            followed = true
        } else if next + 8 <= file.size {
            let header = file.bytes(at: next, count: 8)
            let magic = Int32(bigEndian: header.loadUnaligned(fromByteOffset: 4, as: Int32.self))
            followed = magic == CommitLogFormat.blankMagic
                || MessageRecord.decode(bytes: file.bytes(at: next, count: file.size - next), readBody: false)?
                    .physicalOffset.rawValue == file.startOffset + Int64(next)
        } else {
            followed = false
        }
        if followed {
            logger.error("damaged record kept: body CRC mismatch, it will not be served",
                         metadata: ["store.offset": "\(file.startOffset + Int64(position))", "store.size": "\(size)"])
        }
        return followed
    }

    /// The index is ahead of the commit log only when the log lost records the index had seen (its tail lost in a
    /// power failure under async flush, or cut at a damaged record): their entries would send lookups to whatever
    /// new record takes the same offset, and `IndexService.put` would skip that record. Drops the files holding
    /// them and indexes the kept log again from where the remaining files end.
    private func reindexIfAhead(of processOffset: Int64) {
        guard let end = index.durableEndPhysicalOffset, end >= processOffset else { return }
        let dropped = index.dropFiles(indexingFrom: processOffset)
        let from = index.durableEndPhysicalOffset ?? commitLog.minOffset
        logger.warning("index ahead of the recovered commit log: files dropped and rebuilt", metadata: [
            "store.indexFiles": "\(dropped)", "store.indexEnd": "\(end)", "store.maxOffset": "\(processOffset)",
            "store.reindexFrom": "\(from)",
        ])
        let replay = Dispatcher(
            commitLog: commitLog, confirmOffset: { processOffset },
            handle: { [self] bytes, offset in dispatchToIndex(record: bytes, physicalOffset: offset) },
            afterBatch: {}, label: "tern.store.recovery.index", logger: logger)
        replay.reputFromOffset.store(from, ordering: .relaxed)
        replay.dispatchAvailable()
    }
}
