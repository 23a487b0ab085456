import Logging
import Store
import Synchronization

extension ScheduleMessageService {
    /// What one run of a level does: the due messages in queue order, and where to resume.
    struct DeliveryPlan {
        /// Queue offset and message to put; nil message = unreadable or not a parked message, skipped.
        var deliveries: [(queueOffset: Int64, message: MessageToStore?)] = []
        /// Offset after the last message considered (the first not-due one, or the end of the batch).
        var resumeOffset: Int64
        /// Deliver time of the first message not yet due, if the batch stopped at one.
        var nextDeliverTime: Int64?
    }

    func planDeliveries(level: Int32, result: GetMessageResult, now: Int64) -> DeliveryPlan {
        let delay = levels.delay(ofLevel: level)
        var plan = DeliveryPlan(resumeOffset: result.nextBeginOffset.rawValue)
        for (record, queueOffset) in zip(result.messages, result.queueOffsets) {
            guard let decoded = MessageRecord.decode(record) else {
                logger.warning("unreadable delayed message skipped", metadata: [
                    "broker.delayLevel": "\(level)", "broker.queueOffset": "\(queueOffset.rawValue)",
                ])
                plan.deliveries.append((queueOffset.rawValue, nil))
                continue
            }
            var deliverTime = decoded.storeTimestamp + delay
            if deliverTime > now + delay { deliverTime = now }
            if deliverTime > now {
                plan.resumeOffset = queueOffset.rawValue
                plan.nextDeliverTime = deliverTime
                break
            }
            plan.deliveries.append((queueOffset.rawValue, ParkedMessage.delivery(of: decoded)))
        }
        return plan
    }

    /// Puts the plan's messages in queue order; when every completion is in, advances the level's offset over the
    /// leading run of successes and schedules the next run (at once, or after 100 ms when a put failed).
    func deliver(_ plan: DeliveryPlan, level: Int32, generation: Int) {
        let tracker = Mutex((remaining: plan.deliveries.count, succeeded: [Bool](repeating: false,
                                                                                 count: plan.deliveries.count)))
        let finish: @Sendable ([Bool]) -> Void = { [self] succeeded in
            let failedIndex = succeeded.firstIndex(of: false)
            advance(level, to: failedIndex.map { plan.deliveries[$0].queueOffset } ?? plan.resumeOffset)
            if failedIndex != nil {
                logger.warning("delayed message re-put failed, retrying", metadata: ["broker.delayLevel": "\(level)"])
            }
            scheduler.schedule(afterMilliseconds: failedIndex == nil ? 0 : Self.idleMilliseconds) { [self] in
                runLevel(level, generation: generation)
            }
        }
        for (index, delivery) in plan.deliveries.enumerated() {
            let record: @Sendable (Bool) -> Void = { ok in
                let done = tracker.withLock { tracker -> [Bool]? in
                    tracker.succeeded[index] = ok
                    tracker.remaining -= 1
                    return tracker.remaining == 0 ? tracker.succeeded : nil
                }
                if let done { finish(done) }
            }
            guard let message = delivery.message else {
                record(true)
                continue
            }
            logger.trace("delayed message due", metadata: [
                "broker.delayLevel": "\(level)", "broker.topic": "\(message.topic)",
            ])
            store.putMessage(message) { result in record(result.status.isStored) }
        }
    }
}
