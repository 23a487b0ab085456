import Dispatch
import Logging
import Synchronization

/// Forces the commit log to disk (broker-internals §2.4) on its own thread, never on a caller's.
///
/// Async mode (`FlushRealTimeService`): every `flushIntervalCommitLog`, flush when at least
/// `flushCommitLogLeastPages` pages are dirty, everything every `flushCommitLogThoroughInterval`.
/// Sync mode (`GroupCommitService`): puts enqueue a request; one flush serves every request queued before it;
/// completions run on this thread; a request not durable by its deadline completes with `false`.
/// Once a second `housekeeping` runs (consume queue / index / checkpoint flush).
final class FlushService: Sendable {
    struct Request: Sendable {
        var nextOffset: Int64
        var deadline: DispatchTime
        var completion: @Sendable (Bool) -> Void
    }

    let files: MappedFileQueue
    let configuration: StoreConfiguration
    let housekeeping: @Sendable () -> Void
    let logger: Logger
    private let requests = Mutex<[Request]>([])
    private let wake = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let thread = DispatchQueue(label: "tern.store.flush")

    init(files: MappedFileQueue, configuration: StoreConfiguration, logger: Logger,
         housekeeping: @escaping @Sendable () -> Void) {
        self.files = files
        self.configuration = configuration
        self.logger = logger
        self.housekeeping = housekeeping
    }

    func start() {
        running.store(true, ordering: .releasing)
        thread.async { [self] in
            run()
            stopped.signal()
        }
    }

    /// Stops the thread after a final full flush; pending sync requests complete.
    func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        stopped.wait()
        files.flushAll()
        completeRequests(force: true)
        housekeeping()
    }

    /// Sync flush: calls `completion(true)` once the bytes before `nextOffset` are durable, `false` on timeout.
    func enqueue(nextOffset: Int64, completion: @escaping @Sendable (Bool) -> Void) {
        let timeout = configuration.syncFlushTimeout.components
        let nanoseconds = UInt64(timeout.seconds) * 1_000_000_000 + UInt64(timeout.attoseconds / 1_000_000_000)
        let request = Request(nextOffset: nextOffset, deadline: .now() + .nanoseconds(Int(nanoseconds)),
                              completion: completion)
        requests.withLock { $0.append(request) }
        wake.signal()
    }

    private func run() {
        var lastThorough = DispatchTime.now()
        var lastHousekeeping = DispatchTime.now()
        let interval = Self.milliseconds(configuration.flushIntervalCommitLog)
        let thoroughInterval = UInt64(Self.milliseconds(configuration.flushCommitLogThoroughInterval)) * 1_000_000
        while running.load(ordering: .acquiring) {
            switch configuration.flushDiskType {
            case .sync:
                _ = wake.wait(timeout: .now() + .milliseconds(10))
                completeRequests(force: false)
            case .async:
                _ = wake.wait(timeout: .now() + .milliseconds(interval))
                let now = DispatchTime.now()
                let thorough = now.uptimeNanoseconds - lastThorough.uptimeNanoseconds >= thoroughInterval
                if thorough { lastThorough = now }
                flushDirty(leastPages: thorough ? 0 : configuration.flushCommitLogLeastPages)
            }
            if DispatchTime.now().uptimeNanoseconds - lastHousekeeping.uptimeNanoseconds >= 1_000_000_000 {
                lastHousekeeping = .now()
                housekeeping()
            }
        }
    }

    private func flushDirty(leastPages: Int) {
        for file in files.all {
            let wrote = file.wrotePosition.load(ordering: .acquiring)
            let flushed = file.flushedPosition.load(ordering: .relaxed)
            guard wrote > flushed else { continue }
            if file.isFull || leastPages == 0 || file.dirtyPages >= leastPages { file.flush() }
        }
    }

    private func completeRequests(force: Bool) {
        let pending = requests.withLock { requests in
            defer { requests.removeAll(keepingCapacity: true) }
            return requests
        }
        guard !pending.isEmpty else { return }
        if !files.flushAll() { logger.error("commit log flush failed") }
        let flushed = files.flushedOffset
        let now = DispatchTime.now()
        var retry: [Request] = []
        for request in pending {
            if request.nextOffset <= flushed {
                request.completion(true)
            } else if force || now >= request.deadline {
                request.completion(false)
            } else {
                retry.append(request)
            }
        }
        if !retry.isEmpty { requests.withLock { $0.insert(contentsOf: retry, at: 0) } }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let components = duration.components
        return Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
