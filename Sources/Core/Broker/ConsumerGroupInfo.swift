/// One consumer group's live channels and subscriptions, RocketMQ's `ConsumerGroupInfo`. A value type owned by
/// `ConsumerManager`, which mutates it under its lock and hands out copies.
public struct ConsumerGroupInfo: Sendable {
    public var groupName: String
    /// Channels by connection id.
    public var channels: [String: ClientChannelInfo] = [:]
    /// Subscriptions by topic.
    public var subscriptions: [String: SubscriptionData] = [:]
    public var consumeType: ConsumeType = .consumePassively
    public var messageModel: MessageModel = .clustering
    public var consumeFromWhere: ConsumeFromWhere = .consumeFromLastOffset
    public var lastUpdateTimestamp: Int64 = 0

    public init(groupName: String) {
        self.groupName = groupName
    }

    /// Distinct client ids of the live channels, sorted (clients sort them again before allocating queues).
    public var clientIds: [String] {
        Array(Set(channels.values.map(\.clientId))).sorted()
    }

    /// Adds or refreshes a channel. - Returns: true when the channel is new to the group.
    mutating func updateChannel(
        _ info: ClientChannelInfo, consumeType: ConsumeType, messageModel: MessageModel,
        consumeFromWhere: ConsumeFromWhere
    ) -> Bool {
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
        lastUpdateTimestamp = info.lastUpdateTimestamp
        let isNew = channels[info.connectionID] == nil
        channels[info.connectionID] = info
        return isNew
    }

    /// Replaces the subscriptions as RocketMQ does: new topics are added, a newer `subVersion` replaces the entry
    /// silently, topics no longer listed are removed. - Returns: true when the set of topics changed (a mere version
    /// bump does not count, so clients that rebuild subscriptions on every heartbeat do not cause notify storms).
    mutating func updateSubscriptions(_ list: [SubscriptionData]) -> Bool {
        var changed = false
        var listed = Set<String>()
        for subscription in list {
            listed.insert(subscription.topic)
            if let old = subscriptions[subscription.topic] {
                if subscription.subVersion > old.subVersion || subscription.subString != old.subString {
                    changed = changed || subscription.subString != old.subString
                    subscriptions[subscription.topic] = subscription
                }
            } else {
                subscriptions[subscription.topic] = subscription
                changed = true
            }
        }
        for topic in subscriptions.keys where !listed.contains(topic) {
            subscriptions[topic] = nil
            changed = true
        }
        return changed
    }
}
