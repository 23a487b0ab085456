import Store

/// Parks delayed messages on their way into the store (RocketMQ's `HookUtils#transformDelayLevelMessage` and
/// `#transformTimerMessage`, broker-internals §7).
///
/// * `DELAY=n > 0` ⇒ topic `SCHEDULE_TOPIC_XXXX`, queue `min(n, maxLevel) − 1`, `REAL_TOPIC` / `REAL_QID` saved;
///   timer properties are dropped (a level wins over a timer, as in RocketMQ).
/// * `TIMER_DELIVER_MS` / `TIMER_DELAY_SEC` / `TIMER_DELAY_MS` with a deliver time in the future ⇒ topic
///   `rmq_sys_wheel_timer` queue 0 with `TIMER_OUT_MS`, `REAL_TOPIC`, `REAL_QID`. A deliver time not in the future is
///   stored as a normal message. More than `timerMaxDelaySec` ahead, or unparsable ⇒ MESSAGE_ILLEGAL.
///
/// Only NONE/COMMIT transaction types are parked. A value type; safe from any thread.
struct DelayMessageHook: Sendable {
    let levels: DelayLevelTable
    let timerWheelEnable: Bool
    let timerMaxDelayMilliseconds: Int64
    let clock: @Sendable () -> Int64

    init(configuration: BrokerConfiguration) {
        levels = configuration.delayLevels
        timerWheelEnable = configuration.timerWheelEnable
        timerMaxDelayMilliseconds = configuration.timerMaxDelaySec * 1000
        clock = configuration.clock
    }

    /// The message as it should be stored.
    /// - Throws: MESSAGE_ILLEGAL for a malformed or too distant timer.
    func transform(_ message: MessageToStore) throws(BrokerRequestError) -> MessageToStore {
        let transactionType = message.sysFlag & SysFlag.transactionMask
        guard transactionType != SysFlag.transactionPrepared, transactionType != SysFlag.transactionRollback else {
            return message
        }
        if let level = message.property(MessageProperties.delayLevel).flatMap({ Int32($0) }), level > 0 {
            var parked = message
            parked.properties.removeAll { ScheduleMessageProperties.timerTriggers.contains($0.0) }
            return Self.park(parked, level: level, levels: levels)
        }
        guard timerWheelEnable, let deliverAt = try timerDeliverTime(message) else { return message }
        let now = clock()
        guard deliverAt > now else { return message }
        guard deliverAt - now <= timerMaxDelayMilliseconds else {
            throw BrokerRequestError(.messageIllegal, "timer message delay exceeds the maximum, deliverMs \(deliverAt)")
        }
        var parked = message
        // RocketMQ's rounding: the record names the slot just before the target; it fires one precision later.
        let precision = TimerWheel.precisionMilliseconds
        let rounded = deliverAt % precision == 0 ? deliverAt - precision : deliverAt / precision * precision
        parked.properties.removeAll {
            $0.0 == ScheduleMessageProperties.timerOutMilliseconds || $0.0 == ScheduleMessageProperties.realTopic
                || $0.0 == ScheduleMessageProperties.realQueueId
        }
        parked.properties.append((ScheduleMessageProperties.timerOutMilliseconds, String(rounded)))
        parked.properties.append((ScheduleMessageProperties.realTopic, message.topic))
        parked.properties.append((ScheduleMessageProperties.realQueueId, String(message.queueId)))
        parked.topic = ScheduleMessageProperties.timerTopic
        parked.queueId = 0
        return parked
    }

    /// Moves `message` into `SCHEDULE_TOPIC_XXXX` for `level` (clamped), with `DELAY` set to that level.
    static func park(_ message: MessageToStore, level: Int32, levels: DelayLevelTable) -> MessageToStore {
        var parked = message
        let clamped = levels.clamp(level)
        parked.properties.removeAll {
            $0.0 == MessageProperties.delayLevel || $0.0 == ScheduleMessageProperties.realTopic
                || $0.0 == ScheduleMessageProperties.realQueueId
        }
        parked.properties.append((MessageProperties.delayLevel, String(clamped)))
        parked.properties.append((ScheduleMessageProperties.realTopic, message.topic))
        parked.properties.append((ScheduleMessageProperties.realQueueId, String(message.queueId)))
        parked.topic = ScheduleMessageProperties.scheduleTopic
        parked.queueId = levels.queueId(ofLevel: clamped)
        return parked
    }

    /// The absolute deliver time the timer properties ask for, nil when there are none.
    private func timerDeliverTime(_ message: MessageToStore) throws(BrokerRequestError) -> Int64? {
        func number(_ name: String) throws(BrokerRequestError) -> Int64? {
            guard let text = message.property(name) else { return nil }
            guard let value = Int64(text) else {
                throw BrokerRequestError(.messageIllegal, "property \(name) is not a number: \(text)")
            }
            return value
        }
        if let absolute = try number(ScheduleMessageProperties.timerDeliverMilliseconds) { return absolute }
        if let seconds = try number(ScheduleMessageProperties.timerDelaySeconds) {
            return clock() + seconds.multipliedReportingOverflow(by: 1000).partialValue
        }
        if let milliseconds = try number(ScheduleMessageProperties.timerDelayMilliseconds) {
            return clock() + milliseconds
        }
        return nil
    }
}
