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
    private func recoveryStartIndex(_ files: [MappedFile], clean: Bool, dispatchFrom: Int64) -> Int {
        let minTimestamp = checkpoint.minTimestamp
        let indexTimestamp = checkpoint.indexMessageTimestamp.load(ordering: .relaxed)
        for index in files.indices.reversed() {
            let file = files[index]
            guard let first = MessageRecord.decode(bytes: file.bytes(at: 0, count: file.size), readBody: true),
                  first.isBodyCRCValid, first.physicalOffset.rawValue == file.startOffset else { continue }
            if clean {
                if dispatchFrom >= 0 && first.physicalOffset.rawValue <= dispatchFrom { return index }
            } else if first.storeTimestamp <= minTimestamp
                        && (!configuration.messageIndexEnable || first.storeTimestamp <= indexTimestamp
                            || indexTimestamp == 0) {
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
                guard let record = MessageRecord.decode(bytes: remaining, readBody: true), record.isBodyCRCValid,
                      record.physicalOffset.rawValue == file.startOffset + Int64(position)
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
}
