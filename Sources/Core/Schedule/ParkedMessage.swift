import NIOCore
import Store

/// Rebuilds a parked record (`SCHEDULE_TOPIC_XXXX` or `rmq_sys_wheel_timer`) as the message to put into its real
/// topic and queue (RocketMQ's `ScheduleMessageService#messageTimeUp`, `TimerMessageStore#convertMessage`).
///
/// Topic and queue come from `REAL_TOPIC` / `REAL_QID` (both kept, as RocketMQ does); `DELAY` and the timer trigger
/// properties are removed so the copy is not parked again; body, flag, born info, reconsumeTimes, UNIQ_KEY and every
/// other property are kept. The store recomputes the tag hash from TAGS.
enum ParkedMessage {
    /// The message to deliver, or nil when the record is not a parked message (no REAL_TOPIC, no body).
    static func delivery(of record: DecodedMessage, extraProperties: [(String, String)] = [])
        -> MessageToStore?
    {
        guard let body = record.body, let realTopic = record.property(ScheduleMessageProperties.realTopic),
            let realQueueId = record.property(ScheduleMessageProperties.realQueueId).flatMap({ Int32($0) })
        else { return nil }
        var properties = record.properties.filter { name, _ in
            name != MessageProperties.delayLevel && !ScheduleMessageProperties.timerTriggers.contains(name)
                && name != MessageProperties.wait
        }
        properties.append((MessageProperties.wait, "false"))
        properties.append(contentsOf: extraProperties)
        return MessageToStore(
            topic: realTopic, queueId: realQueueId, flag: record.flag, body: body, properties: properties,
            sysFlag: record.sysFlag & ~(SysFlag.bornHostV6 | SysFlag.storeHostV6),
            bornTimestamp: record.bornTimestamp, bornHost: record.bornHost, reconsumeTimes: record.reconsumeTimes,
            preparedTransactionOffset: record.preparedTransactionOffset)
    }
}
