import Logging
import NIOCore
import Store
import Synchronization

extension TimerMessageService {
    /// Reads newly stored timer messages into the wheel (overdue ones are delivered at once).
    /// - Returns: the number of queue entries read, at most about `limit`.
    @discardableResult
    public func scanAvailable(limit: Int = .max) -> Int {
        var read = 0
        while read < limit {
            let offset = state.withLock { $0.scanOffset }
            let result = store.messages(
                topic: ScheduleMessageProperties.timerTopic, queueId: 0, offset: QueueOffset(offset),
                maxCount: Self.scanBatchSize, maxBytes: 16 * 1024 * 1024, filter: nil)
            guard result.status == .found, !result.messages.isEmpty else {
                correctScanOffset(offset, result: result)
                return read
            }
            var overdue: [TimerEntry] = []
            state.withLock { state in
                for (record, queueOffset) in zip(result.messages, result.queueOffsets) {
                    enqueue(record, queueOffset: queueOffset.rawValue, state: &state, overdue: &overdue)
                }
                // Offsets the read skipped (none in a healthy queue) cannot be delivered: pass over them.
                state.scanOffset = result.nextBeginOffset.rawValue
                if let last = result.queueOffsets.last?.rawValue, last + 1 < state.scanOffset {
                    for gap in (last + 1)..<state.scanOffset { state.marks.markDelivered(gap) }
                }
                if let restored = state.restored, state.scanOffset >= restored.scannedOffset { state.restored = nil }
            }
            for entry in overdue { deliver(entry) }
            read += result.messages.count
        }
        return read
    }

    /// After a read found nothing: moves the scan offset into `[min, max]` when it fell outside (retention, or a
    /// checkpoint ahead of a truncated queue), as RocketMQ clamps its timer queue offset on recovery.
    private func correctScanOffset(_ offset: Int64, result: GetMessageResult) {
        switch result.status {
        case .offsetTooSmall, .offsetOverflowBadly:
            let corrected = result.nextBeginOffset.rawValue
            state.withLock { state in
                guard state.scanOffset == offset else { return }
                state.scanOffset = corrected
                if corrected > state.marks.lowestUndelivered {
                    state.marks.skip(below: corrected)
                } else {
                    state.marks = TimerDeliveredMarks(start: corrected)
                }
            }
            logger.warning("timer queue offset corrected", metadata: [
                "broker.from": "\(offset)", "broker.to": "\(corrected)",
            ])
        default:
            return
        }
    }

    /// One scanned record: into the wheel, into `overdue`, or skipped (delivered before the restart, or malformed).
    private func enqueue(_ record: ByteBuffer, queueOffset: Int64, state: inout State,
                         overdue: inout [TimerEntry]) {
        guard let decoded = MessageRecord.decode(record, readBody: false),
            let out = decoded.property(ScheduleMessageProperties.timerOutMilliseconds).flatMap({ Int64($0) })
        else {
            logger.warning("malformed timer message skipped", metadata: ["broker.queueOffset": "\(queueOffset)"])
            state.marks.markDelivered(queueOffset)
            return
        }
        let entry = TimerEntry(deliverMilliseconds: out + TimerWheel.precisionMilliseconds,
                               physicalOffset: decoded.physicalOffset.rawValue)
        let second = TimerWheel.second(ofDeliverTime: entry.deliverMilliseconds)
        if let restored = state.restored, restored.wasDelivered(queueOffset: queueOffset, second: second) {
            state.marks.markDelivered(queueOffset)
            return
        }
        if !state.wheel.insert(entry) {
            state.inFlight[second, default: 0] += 1
            overdue.append(entry)
        }
    }

    /// Re-puts one fired entry into its real topic; on success marks it delivered, on failure retries in 100 ms.
    func deliver(_ entry: TimerEntry) {
        let second = TimerWheel.second(ofDeliverTime: entry.deliverMilliseconds)
        guard let record = store.message(at: PhysicalOffset(entry.physicalOffset)),
            let decoded = MessageRecord.decode(record)
        else {
            // The commit log no longer holds it (retention): the checkpoint passes it once the queue minimum does.
            logger.error("timer message unreadable, dropped", metadata: [
                "broker.physicalOffset": "\(entry.physicalOffset)",
            ])
            finish(second: second, queueOffset: nil)
            return
        }
        let queueOffset = decoded.queueOffset.rawValue
        guard let message = ParkedMessage.delivery(of: decoded) else {
            logger.warning("timer message without REAL_TOPIC dropped", metadata: [
                "broker.queueOffset": "\(queueOffset)",
            ])
            finish(second: second, queueOffset: queueOffset)
            return
        }
        logger.trace("timer message due", metadata: ["broker.topic": "\(message.topic)"])
        store.putMessage(message) { [self] result in
            if result.status.isStored {
                finish(second: second, queueOffset: queueOffset)
                return
            }
            logger.warning("timer message re-put failed, retrying", metadata: [
                "broker.status": "\(result.status)",
            ])
            scheduler.schedule(afterMilliseconds: Self.retryMilliseconds) { [self] in
                // After shutdown the entry stays undelivered in the checkpoint and comes back on restart.
                if state.withLock({ $0.running }) { deliver(entry) }
            }
        }
    }

    private func finish(second: Int64, queueOffset: Int64?) {
        let lastAfterShutdown = state.withLock { state -> Bool in
            let wasInFlight = state.inFlight[second] != nil
            if let remaining = state.inFlight[second] {
                state.inFlight[second] = remaining > 1 ? remaining - 1 : nil
            }
            if let queueOffset {
                state.marks.markDelivered(queueOffset)
                state.deliveredCount += 1
            }
            return wasInFlight && !state.running && state.inFlight.isEmpty
        }
        // The shutdown checkpoint was written before this delivery was stored: write the one that counts it.
        if lastAfterShutdown { persist() }
    }

    static func snapshot(_ state: State) -> TimerCheckpoint {
        let firstOpenSecond = min(state.wheel.cursorSecond, state.inFlight.keys.min() ?? .max)
        var checkpoint = TimerCheckpoint(
            queueOffset: state.marks.lowestUndelivered, scannedOffset: state.scanOffset,
            deliveredSecond: firstOpenSecond - 1)
        if let restored = state.restored {
            // Still re-reading what the previous run had scanned: keep its skip information.
            checkpoint.scannedOffset = restored.scannedOffset
            checkpoint.deliveredSecond = restored.deliveredSecond
        }
        return checkpoint
    }

    /// Writes `timercheck.json` if the checkpoint changed. Blocking.
    public func persist() {
        guard persistsCheckpoint else { return }
        persistLock.withLock { _ in
            // Offsets the store no longer holds can never be delivered: let the checkpoint pass them.
            let minimum = store.minOffset(topic: ScheduleMessageProperties.timerTopic, queueId: 0).rawValue
            let checkpoint = state.withLock { state -> TimerCheckpoint? in
                if minimum > state.marks.lowestUndelivered, minimum <= state.scanOffset {
                    state.marks.skip(below: minimum)
                }
                let checkpoint = Self.snapshot(state)
                return checkpoint == state.lastWritten ? nil : checkpoint
            }
            guard let checkpoint else { return }
            do {
                try file.write(checkpoint.encode())
                state.withLock { $0.lastWritten = checkpoint }
            } catch {
                logger.error("cannot persist timer checkpoint", metadata: ["broker.error": "\(error)"])
            }
        }
    }
}
