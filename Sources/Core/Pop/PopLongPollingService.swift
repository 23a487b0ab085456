import Dispatch
import Synchronization

/// Parks POP requests that found nothing until a message arrives or their poll time ends
/// (RocketMQ's `PopLongPollingService`, broker-internals §9.5). No thread waits: a parked request is a closure.
///
/// A waiter listens on its topic and its group's retry topic. On arrival in (topic, queueId) the oldest waiter of
/// each group whose queue matches (its queueId, or −1 for "any") is woken — one per group, as RocketMQ wakes one
/// request per key — and re-executes its pop on `executionQueue`. `expire(now:)` (driven by `PopService`'s timer
/// every `pollingScanInterval`) wakes waiters whose deadline passed; the pop then answers POLLING_TIMEOUT.
/// Threading: all methods are short `Mutex` sections; callable from any thread.
public final class PopLongPollingService: Sendable {
    /// Outcome of `park`.
    public enum ParkResult: Sendable, Equatable {
        case parked
        /// `popPollingSize` or `maxPopPollingSize` reached: answer POLLING_FULL.
        case full
    }

    struct Waiter: Sendable {
        var id: UInt64
        var group: String
        var topic: String
        var queueId: Int32
        var deadline: Int64
        var resume: @Sendable () -> Void
    }

    private struct State {
        /// Waiters by every topic they listen on, oldest first (each waiter appears under 2 topics).
        var byTopic: [String: [Waiter]] = [:]
        var count = 0
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())
    private let perKeyLimit: Int
    private let totalLimit: Int
    let executionQueue = DispatchQueue(label: "tern.pop.long-polling")

    public init(popPollingSize: Int, maxPopPollingSize: Int) {
        perKeyLimit = popPollingSize
        totalLimit = maxPopPollingSize
    }

    /// Number of parked requests.
    public var parkedCount: Int { state.withLock { $0.count } }

    /// Parks a pop of `group` on `topic` (and on `retryTopic`); `resume` runs once, on wake-up or expiry.
    public func park(group: String, topic: String, retryTopic: String, queueId: Int32, deadline: Int64,
                     resume: @escaping @Sendable () -> Void) -> ParkResult {
        state.withLock { state in
            guard state.count < totalLimit else { return .full }
            let sameKey = state.byTopic[topic, default: []].count { $0.group == group && $0.queueId == queueId }
            guard sameKey < perKeyLimit else { return .full }
            state.nextID += 1
            let waiter = Waiter(id: state.nextID, group: group, topic: topic, queueId: queueId, deadline: deadline,
                                resume: resume)
            state.byTopic[topic, default: []].append(waiter)
            state.byTopic[retryTopic, default: []].append(waiter)
            state.count += 1
            return .parked
        }
    }

    /// A message became readable in (topic, queueId): wakes the oldest matching waiter of each group.
    /// Retry topics have one queue, so any waiter listening on one matches.
    public func messageArrived(topic: String, queueId: Int32) {
        let isRetryTopic = topic.hasPrefix(PopRetryMark.retryTopicPrefix)
        let woken: [Waiter] = state.withLock { state in
            guard let waiters = state.byTopic[topic], !waiters.isEmpty else { return [] }
            var seenGroups: Set<String> = []
            var chosen: [Waiter] = []
            for waiter in waiters where !seenGroups.contains(waiter.group) {
                if isRetryTopic || waiter.queueId < 0 || waiter.queueId == queueId {
                    seenGroups.insert(waiter.group)
                    chosen.append(waiter)
                }
            }
            Self.remove(Set(chosen.map(\.id)), from: &state)
            return chosen
        }
        resume(woken)
    }

    /// Wakes one more waiter of `group` on `topic` (a pop left messages behind, as `notifyMessageArriving`).
    public func wakeOne(group: String, topic: String) {
        let woken: [Waiter] = state.withLock { state in
            guard let waiter = state.byTopic[topic]?.first(where: { $0.group == group }) else { return [] }
            Self.remove([waiter.id], from: &state)
            return [waiter]
        }
        resume(woken)
    }

    /// Wakes every waiter whose deadline is at or before `now`.
    public func expire(now: Int64) {
        let expired: [Waiter] = state.withLock { state in
            var found: [UInt64: Waiter] = [:]
            for waiters in state.byTopic.values {
                for waiter in waiters where waiter.deadline <= now { found[waiter.id] = waiter }
            }
            Self.remove(Set(found.keys), from: &state)
            return Array(found.values)
        }
        resume(expired)
    }

    /// Wakes everything (shutdown): each pop answers with what it finds now.
    public func wakeAll() {
        expire(now: Int64.max)
    }

    private func resume(_ waiters: [Waiter]) {
        for waiter in waiters { executionQueue.async(execute: waiter.resume) }
    }

    private static func remove(_ ids: Set<UInt64>, from state: inout State) {
        guard !ids.isEmpty else { return }
        for (topic, waiters) in state.byTopic {
            let kept = waiters.filter { !ids.contains($0.id) }
            if kept.count != waiters.count { state.byTopic[topic] = kept.isEmpty ? nil : kept }
        }
        state.count -= ids.count
    }
}
