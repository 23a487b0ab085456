import Dispatch
public import Store
import Synchronization

/// Long polling for PULL_MESSAGE (broker-internals §12): pulls that found nothing are parked per `topic@queueId` and
/// re-executed when a matching message arrives (store arrival listener), when the queue has grown past their offset,
/// or when their deadline passes (`checkHeldRequests`, called every second by the broker).
///
/// Threading: every method is a short `Mutex` section plus store reads outside it; re-executions are handed to
/// `executor` (a global dispatch queue by default) so the store's dispatcher thread is never blocked by a pull.
public final class PullRequestHoldService: Sendable {
    /// A parked pull: enough to re-run it and to decide when to.
    struct HeldRequest: Sendable {
        var request: RemotingCommand
        var context: any RequestContext
        var topic: String
        var queueId: Int32
        var pullFromOffset: Int64
        /// Wall-clock ms after which the pull is re-run whatever happened.
        var deadline: Int64
        var filter: TagsCodeFilter?
    }

    private let table = Mutex<[String: [HeldRequest]]>([:])
    private let wakeHandler = HandlerSlot<@Sendable (RemotingCommand, any RequestContext) -> Void>()
    private let store: any MessageStore
    private let clock: @Sendable () -> Int64
    private let executor: @Sendable (@escaping @Sendable () -> Void) -> Void

    /// - Parameters:
    ///   - executor: runs re-executions; defaults to a global dispatch queue. Tests may run them inline.
    public init(
        store: any MessageStore, clock: @escaping @Sendable () -> Int64,
        executor: (@Sendable (@escaping @Sendable () -> Void) -> Void)? = nil
    ) {
        self.store = store
        self.clock = clock
        self.executor = executor ?? { job in DispatchQueue.global().async(execute: job) }
    }

    /// Sets what re-runs a woken pull (the pull processor, with suspension disallowed).
    func setWakeHandler(_ handler: @escaping @Sendable (RemotingCommand, any RequestContext) -> Void) {
        wakeHandler.set(handler)
    }

    /// Number of parked pulls (metrics, tests).
    public var heldCount: Int {
        table.withLock { $0.values.reduce(0) { $0 + $1.count } }
    }

    /// Parks a pull. If the queue already grew past its offset (a message arrived between the read and now), it is
    /// woken at once.
    func suspend(_ held: HeldRequest) {
        let key = Self.key(held.topic, held.queueId)
        table.withLock { $0[key, default: []].append(held) }
        let maxOffset = store.maxOffset(topic: held.topic, queueId: held.queueId).rawValue
        if maxOffset > held.pullFromOffset {
            wake(key: key, maxOffset: maxOffset, tagsCode: nil, now: clock())
        }
    }

    /// Store arrival listener: wakes the pulls of that queue whose offset is now readable and whose filter accepts
    /// the message's tag hash.
    public func notifyMessageArriving(_ arrival: MessageArrival) {
        wake(
            key: Self.key(arrival.topic, arrival.queueId), maxOffset: arrival.queueOffset.rawValue + 1,
            tagsCode: arrival.tagsCode, now: clock())
    }

    /// Periodic check: wakes pulls whose queue grew past their offset or whose deadline passed.
    public func checkHeldRequests() {
        let keys = table.withLock { table in table.compactMap { key, held in held.first.map { (key, $0) } } }
        let now = clock()
        for (key, sample) in keys {
            let maxOffset = store.maxOffset(topic: sample.topic, queueId: sample.queueId).rawValue
            wake(key: key, maxOffset: maxOffset, tagsCode: nil, now: now)
        }
    }

    /// Re-runs every parked pull at once (shutdown): each answers with what it finds.
    public func wakeAll() {
        let all = table.withLock { table -> [HeldRequest] in
            defer { table.removeAll() }
            return table.values.flatMap { $0 }
        }
        run(all)
    }

    private func wake(key: String, maxOffset: Int64, tagsCode: Int64?, now: Int64) {
        let woken = table.withLock { table -> [HeldRequest] in
            guard let held = table[key] else { return [] }
            var remaining: [HeldRequest] = []
            var woken: [HeldRequest] = []
            for request in held {
                let arrived =
                    maxOffset > request.pullFromOffset
                    && (tagsCode == nil || request.filter.map { $0.isMatched(tagsCode: tagsCode ?? 0) } ?? true)
                if arrived || now >= request.deadline { woken.append(request) } else { remaining.append(request) }
            }
            table[key] = remaining.isEmpty ? nil : remaining
            return woken
        }
        run(woken)
    }

    private func run(_ requests: [HeldRequest]) {
        guard !requests.isEmpty, let handler = wakeHandler.handler else { return }
        for held in requests {
            executor { handler(held.request, held.context) }
        }
    }

    private static func key(_ topic: String, _ queueId: Int32) -> String {
        topic + "@" + String(queueId)
    }
}
