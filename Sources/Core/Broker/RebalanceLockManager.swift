import Synchronization

/// Which client of a consumer group owns each queue for orderly consumption (RocketMQ's `RebalanceLockManager`,
/// broker-internals §13). A lock lives `lockMaxLiveTime` ms after its last renewal; expired locks are taken over.
///
/// Threading: one short `Mutex` section per call, safe on event loops.
public final class RebalanceLockManager: Sendable {
    private struct LockEntry {
        var clientId: String
        var lastUpdateTimestamp: Int64
    }

    private let locks = Mutex<[String: [MessageQueue: LockEntry]]>([:])
    private let lockMaxLiveTime: Int64

    /// - Parameter lockMaxLiveTime: ms a lock survives without renewal (RocketMQ default 60000).
    public init(lockMaxLiveTime: Int64) {
        self.lockMaxLiveTime = lockMaxLiveTime
    }

    /// Grants or renews each queue not held by another live client. - Returns: the queues `clientId` now holds.
    public func tryLockBatch(group: String, queues: [MessageQueue], clientId: String, now: Int64) -> [MessageQueue] {
        let maxLive = lockMaxLiveTime
        return locks.withLock { locks in
            var table = locks[group] ?? [:]
            var granted: [MessageQueue] = []
            for queue in queues {
                if let entry = table[queue], entry.clientId != clientId, now - entry.lastUpdateTimestamp <= maxLive {
                    continue
                }
                table[queue] = LockEntry(clientId: clientId, lastUpdateTimestamp: now)
                granted.append(queue)
            }
            locks[group] = table
            return granted
        }
    }

    /// Releases the queues `clientId` holds; locks of other clients are left alone.
    public func unlockBatch(group: String, queues: [MessageQueue], clientId: String) {
        locks.withLock { locks in
            guard var table = locks[group] else { return }
            for queue in queues where table[queue]?.clientId == clientId { table[queue] = nil }
            locks[group] = table.isEmpty ? nil : table
        }
    }

    /// Whether `clientId` holds a live lock on `queue`.
    public func isLocked(group: String, queue: MessageQueue, clientId: String, now: Int64) -> Bool {
        locks.withLock { locks in
            guard let entry = locks[group]?[queue] else { return false }
            return entry.clientId == clientId && now - entry.lastUpdateTimestamp <= lockMaxLiveTime
        }
    }
}
