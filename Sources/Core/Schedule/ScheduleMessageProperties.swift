/// Property names and system topics of delayed and timer messages (RocketMQ's `MessageConst`, `TopicValidator`).
enum ScheduleMessageProperties {
    /// `PROPERTY_REAL_TOPIC`: the topic a parked message is delivered to.
    static let realTopic = "REAL_TOPIC"
    /// `PROPERTY_REAL_QUEUE_ID`.
    static let realQueueId = "REAL_QID"
    /// Absolute delivery time in ms (RocketMQ 5 timer message).
    static let timerDeliverMilliseconds = "TIMER_DELIVER_MS"
    /// Relative delay in seconds.
    static let timerDelaySeconds = "TIMER_DELAY_SEC"
    /// Relative delay in ms.
    static let timerDelayMilliseconds = "TIMER_DELAY_MS"
    /// The deliver time rounded down to the wheel precision (one precision less when exactly on a boundary), as
    /// RocketMQ's `transformTimerMessage` writes it: the message fires at `TIMER_OUT_MS + 1000`.
    static let timerOutMilliseconds = "TIMER_OUT_MS"
    /// When the timer message entered the wheel and left it (set on delivery).
    static let timerEnqueueMilliseconds = "TIMER_ENQUEUE_MS"
    static let timerDequeueMilliseconds = "TIMER_DEQUEUE_MS"

    /// Delay-level messages wait here, queue = level − 1.
    static let scheduleTopic = "SCHEDULE_TOPIC_XXXX"
    /// Timer messages wait here, queue 0.
    static let timerTopic = "rmq_sys_wheel_timer"

    /// Properties that trigger a timer.
    static let timerTriggers = [timerDeliverMilliseconds, timerDelaySeconds, timerDelayMilliseconds]
}
