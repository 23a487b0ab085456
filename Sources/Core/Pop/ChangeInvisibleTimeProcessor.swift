public import Store

/// CHANGE_MESSAGE_INVISIBLETIME (200053): moves one popped message's redelivery time to now + `invisibleTime`
/// (0 releases it at the next revive scan). As in RocketMQ, the message gets a new one-message checkpoint
/// (startOffset = its offset, popTime = now) and the old receipt is acked; the response's `popTime`,
/// `invisibleTime` and `reviveQid` make the new receipt (`ckQueueOffset` = the message offset).
/// Answers 208 NO_MESSAGE when the message is no longer in flight (acked or already redelivered) rather than
/// resurrecting it. The response is sent once the change is durable.
public final class ChangeInvisibleTimeProcessor: RequestProcessor {
    let store: any MessageStore
    let state: PopStateStore
    let topics: any PopTopicRegistry
    let clock: @Sendable () -> Int64

    public init(store: any MessageStore, state: PopStateStore, topics: any PopTopicRegistry,
                clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.state = state
        self.topics = topics
        self.clock = clock
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let target: PopAckTarget
        let invisibleTime: Int64
        do {
            target = try PopAckTarget(request, store: store, topics: topics)
            invisibleTime = try request.int64("invisibleTime")
        } catch let error as HeaderError {
            return context.respond(error.response(to: request))
        } catch let error as PopAckTarget.Refusal {
            return context.respond(request.response(error.code, remark: error.remark))
        } catch {
            return context.respond(request.response(.systemError, remark: "\(error)"))
        }
        guard invisibleTime >= 0 else {
            return context.respond(request.response(.invalidParameter, remark: "invisibleTime must not be negative"))
        }
        let replacement = PopCheckpoint(
            key: PopCheckpointKey(queue: target.checkpointKey.queue, startOffset: target.offset, popTime: clock()),
            invisibleTime: invisibleTime, reviveQueueId: target.extraInfo.reviveQueueId,
            queueOffsets: [target.offset])
        guard let stored = state.changeInvisibleTime(target.checkpointKey, offset: target.offset,
                                                     replacement: replacement) else {
            return context.respond(request.response(
                .noMessage, remark: "message at offset \(target.offset) is not in flight (acked or redelivered)"))
        }
        let response = request.response(.success, extFields: [
            "popTime": String(stored.key.popTime),
            "invisibleTime": String(stored.invisibleTime),
            "reviveQid": String(stored.reviveQueueId),
        ])
        state.whenDurable { durable in
            context.respond(durable ? response : request.response(.systemError, remark: "pop state not persisted"))
        }
    }
}

extension PopExtraInfo {
    /// The receipt of the same message after a successful CHANGE_MESSAGE_INVISIBLETIME answered with these
    /// response fields, as the Java client rebuilds it.
    public func changed(popTime: Int64, invisibleTime: Int64, reviveQueueId: Int32) -> PopExtraInfo {
        var copy = self
        copy.checkpointOffset = queueOffset
        copy.popTime = popTime
        copy.invisibleTime = invisibleTime
        copy.reviveQueueId = reviveQueueId
        return copy
    }
}
