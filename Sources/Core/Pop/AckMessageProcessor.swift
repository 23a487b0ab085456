public import Store

/// ACK_MESSAGE (200051) and BATCH_ACK_MESSAGE (200151): marks popped messages consumed so they are never
/// redelivered (broker-internals §9.3). The response is sent once the ack is durable in the pop-state log.
///
/// Acks of messages no longer in flight (already acked or already revived) succeed and change nothing, as
/// RocketMQ's revive service drops unmatched acks. Orderly acks (reviveQid 999) are treated as normal acks.
public final class AckMessageProcessor: RequestProcessor {
    let store: any MessageStore
    let state: PopStateStore
    let topics: any PopTopicRegistry

    public init(store: any MessageStore, state: PopStateStore, topics: any PopTopicRegistry) {
        self.store = store
        self.state = state
        self.topics = topics
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        if request.code == RequestCode.batchAckMessage.rawValue {
            return processBatch(request, context: context)
        }
        let target: PopAckTarget
        do {
            target = try PopAckTarget(request, store: store, topics: topics)
        } catch let error as HeaderError {
            return context.respond(error.response(to: request))
        } catch let error as PopAckTarget.Refusal {
            return context.respond(request.response(error.code, remark: error.remark))
        } catch {
            return context.respond(request.response(.systemError, remark: "\(error)"))
        }
        let outcome = state.ack(target.checkpointKey, offsets: [target.offset])
        respondWhenDurable(request, context: context, changed: outcome == .acked)
    }

    private func processBatch(_ request: RemotingCommand, context: any RequestContext) {
        guard let body = request.body, let batch = BatchAckBody(body) else {
            return context.respond(request.response(.invalidParameter, remark: "invalid BatchAckMessageRequestBody"))
        }
        var changed = false
        for ack in batch.acks {
            let topic = PopAckTarget.storedTopic(ack.topic, mark: ack.retryMark, group: ack.group)
            let key = PopCheckpointKey(queue: PopQueueKey(group: ack.group, topic: topic, queueId: ack.queueId),
                                       startOffset: ack.startOffset, popTime: ack.popTime)
            if state.ack(key, offsets: ack.ackedOffsets) == .acked { changed = true }
        }
        respondWhenDurable(request, context: context, changed: changed)
    }

    private func respondWhenDurable(_ request: RemotingCommand, context: any RequestContext, changed: Bool) {
        let response = request.response(.success)
        guard changed else { return context.respond(response) }
        state.whenDurable { durable in
            context.respond(durable ? response : request.response(.systemError, remark: "pop state not persisted"))
        }
    }
}

/// The message an ACK or CHANGE_INVISIBLE_TIME request designates, validated as RocketMQ's
/// `AckMessageProcessor` does: topic exists (17), queue id in range (13), offset in the queue (208).
struct PopAckTarget: Sendable {
    struct Refusal: Error {
        var code: ResponseCode
        var remark: String
    }

    var group: String
    var extraInfo: PopExtraInfo
    var offset: Int64
    var checkpointKey: PopCheckpointKey

    init(_ request: RemotingCommand, store: any MessageStore, topics: any PopTopicRegistry) throws {
        group = try request.requiredString("consumerGroup")
        let requestTopic = try request.requiredString("topic")
        let queueId = try request.int32("queueId")
        let extraInfoText = try request.requiredString("extraInfo")
        offset = try request.int64("offset")
        guard let extraInfo = PopExtraInfo(extraInfoText) else {
            throw Refusal(code: .messageIllegal, remark: "extraInfo [\(extraInfoText)] is illegal")
        }
        self.extraInfo = extraInfo
        guard let queueCount = topics.readQueueCount(topic: requestTopic) else {
            throw Refusal(code: .topicNotExist, remark: "topic[\(requestTopic)] not exist, apply first please!")
        }
        let topic = Self.storedTopic(requestTopic, mark: extraInfo.retryMark, group: group)
        if topic == requestTopic && (queueId < 0 || queueId >= queueCount) {
            throw Refusal(code: .messageIllegal, remark: "queueId[\(queueId)] is illegal, topic:[\(requestTopic)]")
        }
        let minimum = store.minOffset(topic: topic, queueId: queueId).rawValue
        let maximum = store.maxOffset(topic: topic, queueId: queueId).rawValue
        if offset < minimum || offset >= maximum {
            throw Refusal(code: .noMessage, remark: "offset is illegal, key:\(topic)@\(queueId), offset:\(offset), "
                + "minOffset:\(minimum), maxOffset:\(maximum)")
        }
        checkpointKey = PopCheckpointKey(queue: PopQueueKey(group: group, topic: topic, queueId: queueId),
                                         startOffset: extraInfo.checkpointOffset, popTime: extraInfo.popTime)
    }

    /// The stored topic an ack refers to: the retry topic named by `mark` unless `topic` already is one.
    static func storedTopic(_ topic: String, mark: PopRetryMark, group: String) -> String {
        if mark == .normal || topic.hasPrefix(PopRetryMark.retryTopicPrefix) { return topic }
        return mark.realTopic(topic: topic, group: group)
    }
}
