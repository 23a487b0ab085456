import Dispatch
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// RocketMQ's `ReputMessageService`: one thread follows the commit log from `reputFromOffset` up to the confirm
/// offset and hands every record to `handle`. The store runs two: the consume-queue dispatcher (confirm offset:
/// everything under async flush, the flushed offset under sync flush), and the index dispatcher, which trails it
/// so slow index-file page faults never delay a record becoming readable. Idle, the first sleeps 1 ms, as
/// RocketMQ does, so appenders never pay for a wake-up; the second waits for `wake()` from the first.
final class Dispatcher: Sendable {
    enum IdleWait: Sendable {
        /// Sleep 1 ms between passes that found nothing.
        case poll
        /// Wait for `wake()` (at most 100 ms) between passes that found nothing.
        case signal
    }

    let commitLog: CommitLog
    let confirmOffset: @Sendable () -> Int64
    let handle: @Sendable (UnsafeRawBufferPointer, Int64) -> Bool
    let afterBatch: @Sendable () -> Void
    let reputFromOffset = Atomic<Int64>(0)
    let idleWait: IdleWait
    let label: String
    let logger: Logger
    private let wakeUp = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)
    private let thread: DispatchQueue
    /// Whether the last pass stopped at a record `handle` refused.
    let stalled = Atomic<Bool>(false)
    /// The pause before retrying a refused record: long enough not to spin on a full disk.
    static let stallRetryMicroseconds: UInt32 = 100_000

    /// - Parameters:
    ///   - handle: called with a record's bytes and its physical offset, on the dispatcher thread; false means the
    ///     record could not be dispatched yet (no space for a consume queue or index file): the dispatcher stops
    ///     at it and tries it again after `stallRetryMicroseconds`. The record is safe in the commit log meanwhile.
    ///   - afterBatch: called after each pass that dispatched something (arrival notifications).
    init(commitLog: CommitLog, confirmOffset: @escaping @Sendable () -> Int64,
         handle: @escaping @Sendable (UnsafeRawBufferPointer, Int64) -> Bool,
         afterBatch: @escaping @Sendable () -> Void, idleWait: IdleWait = .poll,
         label: String = "tern.store.dispatch", logger: Logger) {
        self.commitLog = commitLog
        self.label = label
        self.logger = logger
        thread = DispatchQueue(label: label)
        self.idleWait = idleWait
        self.confirmOffset = confirmOffset
        self.handle = handle
        self.afterBatch = afterBatch
    }

    func start(from offset: Int64) {
        reputFromOffset.store(offset, ordering: .releasing)
        running.store(true, ordering: .releasing)
        thread.async { [self] in
            while running.load(ordering: .acquiring) {
                let progressed = dispatchAvailable()
                if stalled.load(ordering: .relaxed) {
                    usleep(Self.stallRetryMicroseconds)
                } else if !progressed {
                    switch idleWait {
                    case .poll: usleep(1000)
                    case .signal: _ = wakeUp.wait(timeout: .now() + .milliseconds(100))
                    }
                }
            }
            _ = dispatchAvailable()
            stopped.signal()
        }
    }

    func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wakeUp.signal()
        stopped.wait()
    }

    /// Ends an idle `.signal` wait: there may be something to dispatch.
    func wake() {
        wakeUp.signal()
    }

    /// Dispatches every record below the confirm offset; returns whether it dispatched anything.
    @discardableResult
    func dispatchAvailable() -> Bool {
        var offset = reputFromOffset.load(ordering: .relaxed)
        let end = confirmOffset()
        let minimum = commitLog.minOffset
        if offset < minimum { offset = minimum }
        var progressed = false
        var refused = false
        scan: while offset < end, let file = commitLog.files.file(containing: offset) {
            let wrote = min(file.wrotePosition.load(ordering: .acquiring), Int(min(end, file.endOffset) - file.startOffset))
            var position = Int(offset - file.startOffset)
            while position + 8 <= wrote {
                let size = Int(Int32(bigEndian: file.base.loadUnaligned(fromByteOffset: position, as: Int32.self)))
                let magic = Int32(bigEndian: file.base.loadUnaligned(fromByteOffset: position + 4, as: Int32.self))
                if magic == CommitLogFormat.blankMagic { position = file.size; break }
                guard size > 0, position + size <= wrote,
                      magic == CommitLogFormat.magicV1 || magic == CommitLogFormat.magicV2 else {
                    // Not a record: skip the rest of the segment, as a master does.
                    if position + size > wrote && size > 0 { break }
                    position = file.size
                    break
                }
                guard handle(file.bytes(at: position, count: size), file.startOffset + Int64(position)) else {
                    refused = true
                    let next = file.startOffset + Int64(position)
                    if next != offset { reputFromOffset.store(next, ordering: .releasing) }
                    break scan
                }
                position += size
                progressed = true
            }
            let next = file.startOffset + Int64(position)
            if next == offset { break }
            offset = position >= file.size ? file.endOffset : next
            reputFromOffset.store(offset, ordering: .releasing)
        }
        if stalled.exchange(refused, ordering: .relaxed) != refused { logStall(refused) }
        if progressed { afterBatch() }
        return progressed
    }

    /// Logs a pause (once, not every retry) and the resumption.
    private func logStall(_ stalled: Bool) {
        let metadata: Logger.Metadata = [
            "store.dispatcher": "\(label)", "store.offset": "\(reputFromOffset.load(ordering: .relaxed))",
        ]
        if stalled {
            logger.error("dispatch paused: a consume queue or index file cannot get disk space; retrying",
                         metadata: metadata)
        } else {
            logger.notice("dispatch resumed", metadata: metadata)
        }
    }

    /// Blocks until everything below the confirm offset at call time is dispatched (tests and shutdown).
    func waitUntilCaughtUp() {
        let target = confirmOffset()
        while reputFromOffset.load(ordering: .acquiring) < target && running.load(ordering: .acquiring) {
            if commitLog.files.file(containing: reputFromOffset.load(ordering: .acquiring)) == nil { return }
            usleep(200)
        }
    }
}
