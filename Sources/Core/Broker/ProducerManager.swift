import Synchronization

/// Live producer groups learned from HEART_BEAT (RocketMQ's `ProducerManager`), kept so that transaction checks can
/// find a channel of the producing group.
///
/// Threading: every method is one short `Mutex` section, safe on event loops.
public final class ProducerManager: Sendable {
    private let groups = Mutex<[String: [String: ClientChannelInfo]]>([:])
    private let channelExpiredTimeout: Int64

    /// - Parameter channelExpiredTimeout: ms without heartbeat after which a channel is dropped.
    public init(channelExpiredTimeout: Int64) {
        self.channelExpiredTimeout = channelExpiredTimeout
    }

    /// Registers or refreshes a producer channel of `group`.
    public func register(group: String, channel: ClientChannelInfo) {
        groups.withLock { $0[group, default: [:]][channel.connectionID] = channel }
    }

    /// Removes one connection from a group (UNREGISTER_CLIENT).
    public func unregister(group: String, connectionID: String) {
        groups.withLock { groups in
            groups[group]?[connectionID] = nil
            if groups[group]?.isEmpty == true { groups[group] = nil }
        }
    }

    /// Removes a closed connection from every group.
    public func connectionClosed(_ connectionID: String) {
        groups.withLock { groups in
            for name in groups.keys {
                groups[name]?[connectionID] = nil
                if groups[name]?.isEmpty == true { groups[name] = nil }
            }
        }
    }

    /// Drops channels whose last heartbeat is older than the expiry timeout.
    public func scanExpiredChannels(now: Int64) {
        let timeout = channelExpiredTimeout
        groups.withLock { groups in
            for (name, channels) in groups {
                let live = channels.filter { now - $0.value.lastUpdateTimestamp <= timeout }
                groups[name] = live.isEmpty ? nil : live
            }
        }
    }

    /// One active channel of the group (for CHECK_TRANSACTION_STATE), nil when none is connected.
    public func availableChannel(group: String) -> ClientChannelInfo? {
        groups.withLock { groups in
            groups[group]?.values.sorted { $0.lastUpdateTimestamp > $1.lastUpdateTimestamp }
                .first { $0.channel?.isActive ?? false }
        }
    }

    /// Client ids of the group's producers, sorted.
    public func clientIds(group: String) -> [String] {
        groups.withLock { Array(Set(($0[group] ?? [:]).values.map(\.clientId))).sorted() }
    }
}
