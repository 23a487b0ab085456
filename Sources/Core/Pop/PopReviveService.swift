public import Logging
public import Store
import Synchronization

/// Redelivers popped messages whose invisibility ended unacked (RocketMQ's `PopReviveService`, §9.4).
///
/// Each scan takes the due checkpoints from `PopStateStore` and, for every unacked message, re-puts a copy into
/// the group's retry topic (queue 0, reconsumeTimes + 1, `1ST_POP_TIME` set on the first retry, `RETRY_TOPIC` =
/// the original topic). A message whose reconsumeTimes already reached the group's `retryMaxTimes` goes to
/// `%DLQ%<group>` instead. RocketMQ leaves that last step to the client (send-back with delayLevel −1); Tern does
/// it here so gateway consumers, which cannot send back, still dead-letter. The checkpoint is removed once its
/// puts succeed; on a failed put it stays with its deadline pushed out 10 s, 20 s, 30 s, 60 s, ...
/// A crash between put and removal redelivers twice (at-least-once), never zero times.
public final class PopReviveService: Sendable {
    let store: any MessageStore
    let state: PopStateStore
    let topics: any PopTopicRegistry
    let groups: any PopGroupRegistry
    let configuration: PopConfiguration
    let logger: Logger

    public init(store: any MessageStore, state: PopStateStore, topics: any PopTopicRegistry,
                groups: any PopGroupRegistry, configuration: PopConfiguration, logger: Logger) {
        self.store = store
        self.state = state
        self.topics = topics
        self.groups = groups
        self.configuration = configuration
        self.logger = logger
    }

    /// Revives every checkpoint due at `now` (the clock's time when nil). Returns the number of messages re-put.
    /// Store puts complete asynchronously; checkpoints are settled in their completions.
    @discardableResult
    public func reviveOnce(now: Int64? = nil) -> Int {
        let now = now ?? configuration.clock()
        var count = 0
        for checkpoint in state.beginRevive(now: now, limit: configuration.reviveBatchSize) {
            count += revive(checkpoint, now: now)
        }
        return count
    }

    private func revive(_ checkpoint: PopCheckpoint, now: Int64) -> Int {
        let pending = checkpoint.unackedOffsets
        let tracker = Mutex((remaining: pending.count, revived: [Int64](), failed: false))
        let key = checkpoint.key
        let retryDelay = PopConfiguration.reviveRetrySeconds[
            min(Int(checkpoint.reviveAttempts), PopConfiguration.reviveRetrySeconds.count - 1)] * 1000
        let settle: @Sendable (Int64, Bool) -> Void = { [state] offset, succeeded in
            let done = tracker.withLock { tracker -> (revived: [Int64], failed: Bool)? in
                tracker.remaining -= 1
                if succeeded { tracker.revived.append(offset) } else { tracker.failed = true }
                return tracker.remaining == 0 ? (tracker.revived, tracker.failed) : nil
            }
            if let done { state.finishRevive(key, revived: done.revived, retryAt: done.failed ? now + retryDelay : nil) }
        }
        guard !pending.isEmpty else {
            state.finishRevive(key, revived: [], retryAt: nil)
            return 0
        }
        var count = 0
        for offset in pending {
            guard let message = redelivery(of: checkpoint, offset: offset) else {
                // The message is gone (queue deleted or retention): nothing left to redeliver.
                settle(offset, true)
                continue
            }
            count += 1
            store.putMessage(message) { [logger] result in
                let succeeded = result.status == .putOK || result.status == .flushDiskTimeout
                if !succeeded {
                    logger.warning("pop revive put failed", metadata: [
                        "pop.topic": "\(message.topic)", "pop.status": "\(result.status)",
                    ])
                }
                settle(offset, succeeded)
            }
        }
        return count
    }

    /// The message to re-put for `offset` of `checkpoint`: a retry copy, or a dead letter past `retryMaxTimes`.
    func redelivery(of checkpoint: PopCheckpoint, offset: Int64) -> MessageToStore? {
        let queue = checkpoint.key.queue
        let read = store.messages(topic: queue.topic, queueId: queue.queueId, offset: QueueOffset(offset), maxCount: 1,
                                  maxBytes: Int.max, filter: nil)
        guard read.queueOffsets.first?.rawValue == offset, let record = read.messages.first,
              let decoded = MessageRecord.decode(record), let body = decoded.body else { return nil }
        let isRetryTopic = queue.topic.hasPrefix(PopRetryMark.retryTopicPrefix)
        let originalTopic = isRetryTopic ? Self.originalTopic(ofRetryTopic: queue.topic, group: queue.group)
            : queue.topic
        let maxTimes = groups.popGroupSettings(queue.group)?.retryMaxTimes ?? configuration.defaultMaxReconsumeTimes
        var properties = decoded.properties.filter { $0.0 != PopMessageProperty.popCheckpoint }
        func setIfAbsent(_ name: String, _ value: String) {
            if !properties.contains(where: { $0.0 == name }) { properties.append((name, value)) }
        }
        let messageId = decoded.property(MessageProperties.uniqueKey) ?? decoded.offsetMessageId
        setIfAbsent(PopMessageProperty.retryTopic, originalTopic)
        setIfAbsent(PopMessageProperty.originMessageId, messageId)
        setIfAbsent(PopMessageProperty.firstPopTime, String(checkpoint.key.popTime))
        let target: String
        if decoded.reconsumeTimes >= maxTimes {
            target = PopRetryMark.deadLetterTopic(group: queue.group)
            setIfAbsent(PopMessageProperty.dlqOriginTopic, originalTopic)
            setIfAbsent(PopMessageProperty.dlqOriginMessageId, messageId)
        } else {
            target = isRetryTopic ? queue.topic
                : configuration.retryMark.realTopic(topic: originalTopic, group: queue.group)
        }
        topics.createTopicIfAbsent(target, queueCount: 1)
        return MessageToStore(
            topic: target, queueId: 0, flag: decoded.flag, body: body, properties: properties,
            sysFlag: decoded.sysFlag, bornTimestamp: decoded.bornTimestamp, bornHost: configuration.storeHost,
            reconsumeTimes: decoded.reconsumeTimes + 1)
    }

    /// `%RETRY%<group>_<topic>` or `%RETRY%<group>+<topic>` ⇒ `<topic>` (the name itself when it is not one).
    static func originalTopic(ofRetryTopic topic: String, group: String) -> String {
        for separator in ["_", "+"] {
            let prefix = PopRetryMark.retryTopicPrefix + group + separator
            if topic.hasPrefix(prefix) { return String(topic.dropFirst(prefix.count)) }
        }
        return topic
    }
}
