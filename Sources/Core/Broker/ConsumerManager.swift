public import Logging
import Synchronization

/// Live consumer groups learned from HEART_BEAT: channels, client ids and subscriptions (RocketMQ's
/// `ConsumerManager`). Sends NOTIFY_CONSUMER_IDS_CHANGED to every channel of a group when its membership or its
/// subscribed topics change, so clients rebalance at once.
///
/// Threading: every method is one short `Mutex` section, safe on event loops; notifications are sent after the lock
/// is released, through `ClientChannel.sendOneway` (which must not block).
public final class ConsumerManager: Sendable {
    private let groups = Mutex<[String: ConsumerGroupInfo]>([:])
    private let channelExpiredTimeout: Int64
    private let logger: Logger

    /// - Parameters:
    ///   - channelExpiredTimeout: ms without heartbeat after which `scanExpiredChannels` drops a channel.
    public init(channelExpiredTimeout: Int64, logger: Logger) {
        self.channelExpiredTimeout = channelExpiredTimeout
        self.logger = logger
    }

    /// Registers or refreshes one consumer's channel and subscriptions.
    /// - Parameter notify: the group's `notifyConsumerIdsChangedEnable`.
    /// - Returns: true when the group's membership or subscribed topics changed.
    @discardableResult
    public func register(
        group: String, channel: ClientChannelInfo, consumeType: ConsumeType,
        messageModel: MessageModel, consumeFromWhere: ConsumeFromWhere,
        subscriptions: [SubscriptionData], notify: Bool
    ) -> Bool {
        let (changed, channels) = groups.withLock { groups in
            var info = groups[group] ?? ConsumerGroupInfo(groupName: group)
            let newChannel = info.updateChannel(
                channel, consumeType: consumeType, messageModel: messageModel,
                consumeFromWhere: consumeFromWhere)
            let newSubscriptions = info.updateSubscriptions(subscriptions)
            groups[group] = info
            return (newChannel || newSubscriptions, Array(info.channels.values))
        }
        if changed {
            logger.debug(
                "consumer group changed",
                metadata: [
                    "broker.group": "\(group)",
                    "broker.client": "\(channel.clientId)",
                ])
            if notify { Self.notifyIdsChanged(group: group, channels: channels) }
        }
        return changed
    }

    /// Removes one connection from a group (UNREGISTER_CLIENT) and notifies the remaining members.
    public func unregister(group: String, connectionID: String, notify: Bool) {
        let remaining: [ClientChannelInfo]? = groups.withLock { groups in
            guard var info = groups[group], info.channels.removeValue(forKey: connectionID) != nil else { return nil }
            groups[group] = info.channels.isEmpty ? nil : info
            return Array(info.channels.values)
        }
        if let remaining, notify { Self.notifyIdsChanged(group: group, channels: remaining) }
    }

    /// Removes a closed connection from every group and notifies the remaining members of each.
    /// - Parameter notify: decides per group whether to notify (its `notifyConsumerIdsChangedEnable`).
    public func connectionClosed(_ connectionID: String, notify: (String) -> Bool = { _ in true }) {
        let affected = groups.withLock { groups in removeChannels(from: &groups) { $0.connectionID == connectionID } }
        for (group, channels) in affected where notify(group) {
            Self.notifyIdsChanged(group: group, channels: channels)
        }
    }

    /// Drops channels whose last heartbeat is older than the expiry timeout, and notifies the remaining members.
    public func scanExpiredChannels(now: Int64, notify: (String) -> Bool = { _ in true }) {
        let timeout = channelExpiredTimeout
        let affected = groups.withLock { groups in
            removeChannels(from: &groups) { now - $0.lastUpdateTimestamp > timeout }
        }
        for (group, channels) in affected {
            logger.info("consumer channels expired", metadata: ["broker.group": "\(group)"])
            if notify(group) { Self.notifyIdsChanged(group: group, channels: channels) }
        }
    }

    /// A copy of the group's state, nil when no consumer of it is connected.
    public func groupInfo(_ group: String) -> ConsumerGroupInfo? {
        groups.withLock { $0[group] }
    }

    /// The subscription of `group` to `topic` from heartbeats, if any.
    public func subscription(group: String, topic: String) -> SubscriptionData? {
        groups.withLock { $0[group]?.subscriptions[topic] }
    }

    /// Client ids of the group's live consumers, sorted; empty when none.
    public func clientIds(group: String) -> [String] {
        groups.withLock { $0[group]?.clientIds ?? [] }
    }

    /// Live groups with a subscription to `topic` (RocketMQ's `queryTopicConsumeByWho`).
    public func groups(subscribedTo topic: String) -> Set<String> {
        groups.withLock { groups in Set(groups.filter { $0.value.subscriptions[topic] != nil }.keys) }
    }

    /// Removes matching channels. - Returns: each group that lost a channel with its remaining channels.
    private func removeChannels(
        from groups: inout [String: ConsumerGroupInfo],
        where shouldRemove: (ClientChannelInfo) -> Bool
    ) -> [(String, [ClientChannelInfo])] {
        var affected: [(String, [ClientChannelInfo])] = []
        for (name, var info) in groups {
            let before = info.channels.count
            info.channels = info.channels.filter { !shouldRemove($0.value) }
            guard info.channels.count != before else { continue }
            groups[name] = info.channels.isEmpty ? nil : info
            affected.append((name, Array(info.channels.values)))
        }
        return affected
    }

    /// Sends NOTIFY_CONSUMER_IDS_CHANGED (oneway, header `consumerGroup`) on every active channel.
    static func notifyIdsChanged(group: String, channels: [ClientChannelInfo]) {
        for info in channels {
            guard let channel = info.channel, channel.isActive else { continue }
            channel.sendOneway(.request(.notifyConsumerIdsChanged, extFields: ["consumerGroup": group], oneway: true))
        }
    }
}
