public import Logging
import NIOCore
import Synchronization

/// The on-disk `MessageStore`: RocketMQ's commit log, consume queues, index files, checkpoint, abort and lock
/// files in RocketMQ's byte formats (broker-internals §1-4).
///
/// Threading: `putMessage(s)` encodes on the caller's thread, then appends under the commit log lock (a memcpy and
/// three patches); under sync flush its completion runs on the flush thread once the bytes are durable. A dispatcher
/// thread builds consume queues and calls arrival listeners; an index dispatcher thread trails it and builds the
/// index, so index I/O never delays a message becoming readable; a cleaner applies retention.
/// Lifecycle: `open(configuration:logger:)` recovers, `start()` starts the threads, `shutdown()` stops cleanly.
public final class FileMessageStore: MessageStore {
    public let configuration: StoreConfiguration
    let logger: Logger
    let commitLog: CommitLog
    let index: IndexService
    let checkpoint: StoreCheckpoint
    let lock: StoreLock
    let consumeQueues = Mutex<[CommitLog.QueueKey: ConsumeQueue]>([:])
    let listeners = Mutex<[@Sendable (MessageArrival) -> Void]>([])
    let pendingArrivals = Mutex<[MessageArrival]>([])
    let running = Atomic<Bool>(false)
    let writable = Atomic<Bool>(true)
    let putMessageCount = Atomic<Int64>(0)
    let putMessageBytes = Atomic<Int64>(0)
    let getMessageCount = Atomic<Int64>(0)
    let lastDispatchedTimestamp = Atomic<Int64>(0)
    let diskUsedRatioPermille = Atomic<Int>(0)
    /// Why the disk guard refuses writes (nil while `writable`).
    let diskFullRemark = Mutex<String?>(nil)
    /// Measures the disk every `diskCheckInterval`, off the send path (`statvfs` can block on a network file system).
    let diskGuard = Cleaner(label: "tern.store.disk-guard")
    /// Set while appends fail for want of space, so that is logged once when it starts and once when it ends.
    let appendsRefusedForSpace = Atomic<Bool>(false)
    /// The first record recovery could not dispatch for want of disk space, or -1: the dispatchers start there.
    let undispatchedOffset = Atomic<Int64>(-1)
    let cleaner = Cleaner()
    // Set once in `open`, before any other thread sees the store.
    nonisolated(unsafe) var flushService: FlushService!
    nonisolated(unsafe) var dispatcher: Dispatcher!
    nonisolated(unsafe) var indexDispatcher: Dispatcher!

    init(configuration: StoreConfiguration, logger: Logger) throws(StoreError) {
        self.configuration = configuration
        self.logger = logger
        try FileSystem.makeDirectories(configuration.storePathRootDir, as: StoreError.self)
        lock = try StoreLock(lockPath: configuration.lockPath, abortPath: configuration.abortPath)
        checkpoint = try StoreCheckpoint(path: configuration.checkpointPath)
        commitLog = CommitLog(configuration: configuration, logger: logger)
        index = IndexService(configuration: configuration, logger: logger)
    }

    /// Opens the store at `configuration.storePathRootDir`: takes the lock, loads every file and recovers
    /// (abnormal recovery when the `abort` file is present). Call `start()` before use.
    /// - Throws: `StoreError` (`alreadyLocked` when another process has the store, `corruptLayout`, `io`).
    public static func open(configuration: StoreConfiguration, logger: Logger) throws(StoreError) -> FileMessageStore {
        guard configuration.mappedFileSizeConsumeQueue % ConsumeQueueFormat.unitSize == 0,
              configuration.mappedFileSizeCommitLog >= 4096 else {
            throw StoreError(.invalidConfiguration, "segment sizes must be >= 4096 and a multiple of 20 for queues")
        }
        let store = try FileMessageStore(configuration: configuration, logger: logger)
        store.flushService = FlushService(files: store.commitLog.files, configuration: configuration, logger: logger,
                                          housekeeping: { [weak store] in
                                              store?.flushQueuesAndCheckpoint()
                                              store?.trimResidentPages()
                                          })
        store.dispatcher = Dispatcher(
            commitLog: store.commitLog,
            confirmOffset: { [weak store] in store?.confirmOffset ?? 0 },
            handle: { [weak store] bytes, offset in
                store?.dispatchToConsumeQueue(record: bytes, physicalOffset: offset) ?? true
            },
            afterBatch: { [weak store] in
                store?.indexDispatcher.wake()
                store?.notifyArrivals()
            }, logger: logger)
        store.indexDispatcher = Dispatcher(
            commitLog: store.commitLog,
            confirmOffset: { [weak store] in store?.dispatcher.reputFromOffset.load(ordering: .acquiring) ?? 0 },
            handle: { [weak store] bytes, offset in
                store?.dispatchToIndex(record: bytes, physicalOffset: offset) ?? true
            },
            afterBatch: {}, idleWait: .signal, label: "tern.store.dispatch.index", logger: logger)
        try store.recover()
        return store
    }

    /// Starts flushing, dispatching and retention, and creates the `abort` file.
    public func start() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        do {
            try commitLog.prepareForAppends()
        } catch {
            logger.error("cannot prepare the active commit log segment", metadata: ["store.error": "\(error)"])
        }
        flushService.start()
        let undispatched = undispatchedOffset.load(ordering: .relaxed)
        let dispatchFrom = undispatched >= 0 ? min(undispatched, commitLog.maxOffset) : commitLog.maxOffset
        dispatcher.start(from: dispatchFrom)
        indexDispatcher.start(from: dispatchFrom)
        lock.createAbortFile()
        cleaner.start(interval: configuration.cleanResourceInterval) { [weak self] in _ = self?.cleanResources() }
        refreshDiskGuard()
        diskGuard.start(interval: Self.diskCheckInterval) { [weak self] in self?.refreshDiskGuard() }
        logger.info("store started", metadata: ["store.root": "\(configuration.storePathRootDir)",
                                                "store.maxOffset": "\(commitLog.maxOffset)"])
    }

    /// Stops accepting puts, dispatches what is left, flushes everything, writes the checkpoint, removes `abort` and
    /// releases the lock. A stopped store cannot be restarted: open the directory again.
    public func shutdown() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        cleaner.stop()
        diskGuard.stop()
        dispatcher.stop()
        indexDispatcher.stop()
        flushService.stop()
        commitLog.drainAllocation()
        flushQueuesAndCheckpoint()
        if dispatcher.reputFromOffset.load(ordering: .acquiring) >= commitLog.maxOffset
            && indexDispatcher.reputFromOffset.load(ordering: .acquiring) >= commitLog.maxOffset {
            lock.removeAbortFile()
        }
        lock.release()
        logger.info("store shut down", metadata: ["store.maxOffset": "\(commitLog.maxOffset)"])
    }

    deinit {
        shutdown()
    }

    /// What the dispatcher may read: the flushed offset under sync flush, everything written under async flush.
    var confirmOffset: Int64 {
        configuration.flushDiskType == .sync ? commitLog.files.flushedOffset : commitLog.maxOffset
    }

    /// Blocks until every record written before the call is in its consume queue and the index (tests, tools).
    public func waitUntilDispatched() {
        dispatcher.waitUntilCaughtUp()
        indexDispatcher.waitUntilCaughtUp()
    }

    public func putMessage(_ message: MessageToStore, completion: @escaping @Sendable (PutMessageResult) -> Void) {
        putMessages([message], completion: completion)
    }

    public func putMessages(_ batch: [MessageToStore], completion: @escaping @Sendable (PutMessageResult) -> Void) {
        guard let first = batch.first else {
            return completion(PutMessageResult(status: .messageIllegal, remark: "empty batch"))
        }
        guard running.load(ordering: .relaxed) else {
            return completion(PutMessageResult(status: .serviceNotAvailable, remark: "the store is not running"))
        }
        guard writable.load(ordering: .relaxed) else {
            let remark = diskFullRemark.withLock { $0 } ?? "disk full: the broker refuses writes until space is freed"
            return completion(PutMessageResult(status: .diskFull, remark: remark))
        }
        var records: [ByteBuffer] = []
        var dispatched: [Bool] = []
        records.reserveCapacity(batch.count)
        dispatched.reserveCapacity(batch.count)
        for message in batch {
            guard message.topic == first.topic && message.queueId == first.queueId else {
                return completion(PutMessageResult(status: .messageIllegal,
                                                   remark: "a batch must target one topic and queue"))
            }
            do {
                records.append(try MessageRecord.encode(message, storeHost: configuration.storeHost,
                                                        maxBodySize: configuration.maxMessageSize))
            } catch {
                return completion(PutMessageResult(status: error.putStatus, remark: error.remark))
            }
            dispatched.append(SysFlag.isDispatchedToConsumeQueue(message.sysFlag))
        }
        let key = CommitLog.QueueKey(topic: first.topic, queueId: first.queueId)
        let appended: CommitLog.Appended
        switch commitLog.append(records, key: key, dispatched: dispatched) {
        case .success(let value): appended = value
        case .failure(.tooLarge):
            return completion(PutMessageResult(status: .messageIllegal, remark: "record larger than a segment"))
        case .failure(.createFileFailed(let error)) where error.code == .noSpace:
            if !appendsRefusedForSpace.exchange(true, ordering: .relaxed) {
                logger.error("disk full, refusing appends", metadata: ["store.error": "\(error)"])
            }
            return completion(PutMessageResult(status: .diskFull, remark: diskFullRemark(error)))
        case .failure(.createFileFailed(let error)):
            logger.error("cannot create commit log segment", metadata: ["store.error": "\(error)"])
            return completion(PutMessageResult(status: .createMappedFileFailed, remark: error.message))
        }
        if appendsRefusedForSpace.load(ordering: .relaxed), appendsRefusedForSpace.exchange(false, ordering: .relaxed) {
            logger.notice("disk space available again, appends resumed")
        }
        putMessageCount.add(Int64(batch.count), ordering: .relaxed)
        putMessageBytes.add(Int64(appended.wroteBytes), ordering: .relaxed)
        let result = PutMessageResult(
            status: .putOK, physicalOffset: PhysicalOffset(appended.physicalOffset), wroteBytes: appended.wroteBytes,
            queueOffset: QueueOffset(appended.queueOffset),
            messageIds: appended.recordOffsets.map {
                MessageId.offsetMessageId(storeHost: configuration.storeHost, physicalOffset: PhysicalOffset($0))
            },
            storeTimestamp: appended.storeTimestamp)
        guard configuration.flushDiskType == .sync, first.property(MessageProperties.wait) != "false" else {
            return completion(result)
        }
        flushService.enqueue(nextOffset: appended.physicalOffset + Int64(appended.wroteBytes)) { durable in
            var final = result
            if !durable {
                final.status = .flushDiskTimeout
                final.remark = "not flushed within syncFlushTimeout"
            }
            completion(final)
        }
    }

    public func addArrivalListener(_ listener: @escaping @Sendable (MessageArrival) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    public func statistics() -> StoreStatistics {
        var statistics = StoreStatistics()
        statistics.commitLogMinOffset = PhysicalOffset(commitLog.minOffset)
        statistics.commitLogMaxOffset = PhysicalOffset(commitLog.maxOffset)
        statistics.dispatchBehindBytes = max(0, commitLog.maxOffset - dispatcher.reputFromOffset.load(ordering: .relaxed))
        statistics.putMessageCount = putMessageCount.load(ordering: .relaxed)
        statistics.putMessageBytes = putMessageBytes.load(ordering: .relaxed)
        statistics.getMessageCount = getMessageCount.load(ordering: .relaxed)
        statistics.diskUsedRatio = Double(diskUsedRatioPermille.load(ordering: .relaxed)) / 1000
        statistics.isWritable = writable.load(ordering: .relaxed) && !appendsRefusedForSpace.load(ordering: .relaxed)
        return statistics
    }
}
