import NIOCore
import Store

/// Where a dead letter came from, and the SEND_MESSAGE that puts a fresh copy of it back there.
///
/// Send-back (CONSUMER_SEND_MSG_BACK) records the origin in RETRY_TOPIC / ORIGIN_MESSAGE_ID; POP revive also writes
/// DLQ_ORIGIN_TOPIC / DLQ_ORIGIN_MESSAGE_ID (remoting-protocol §4.4), which win when present.
struct DeadLetterOrigin: Sendable {
    /// Properties that describe the message's trip through retry, delay, timer, transaction, POP and the DLQ. They
    /// are dropped from the copy so it is delivered at once, as a first delivery; everything else is kept.
    static let bookkeepingProperties: Set<String> = [
        "RETRY_TOPIC", "ORIGIN_MESSAGE_ID", "DLQ_ORIGIN_TOPIC", "DLQ_ORIGIN_MESSAGE_ID", "RECONSUME_TIME",
        "MAX_RECONSUME_TIMES", "1ST_POP_TIME", "POP_CK", "DELAY", "REAL_TOPIC", "REAL_QID", "WAIT", "CLUSTER",
        "TRAN_MSG", "PGROUP", "TRAN_PREPARED_QUEUE_OFFSET", "CHECK_IMMUNITY_TIME_IN_SECONDS",
        "TRANSACTION_CHECK_TIMES", "__STARTDELIVERTIME", "TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS",
        "TIMER_OUT_MS", "TIMER_ENQUEUE_MS", "TIMER_DEQUEUE_MS", "TIMER_ROLL_TIMES", "TIMER_DEL_UNIQKEY",
        "TIMER_DELAY_LEVEL", "MIN_OFFSET", "MAX_OFFSET",
    ]

    let record: DecodedMessage
    /// The topic to re-send to; empty when the record names none.
    let topic: String
    /// The id of the first delivery.
    let messageId: String

    init(_ record: DecodedMessage) {
        self.record = record
        topic = record.property("DLQ_ORIGIN_TOPIC") ?? record.property(BrokerMessageProperties.retryTopic) ?? ""
        messageId =
            record.property("DLQ_ORIGIN_MESSAGE_ID") ?? record.property(BrokerMessageProperties.originMessageId)
            ?? record.property(MessageProperties.uniqueKey) ?? record.offsetMessageId
    }

    /// SEND_MESSAGE (long header names) of a copy: same body, flag, tags, keys, UNIQ_KEY and user properties, the
    /// compression bits of the sys flag, reconsume count 0, WAIT=true, born `bornTimestamp`, any queue.
    /// Nil when the record was read without its body.
    func sendRequest(producerGroup: String, bornTimestamp: Int64) -> RemotingCommand? {
        guard let body = record.body else { return nil }
        var properties = record.properties.filter { !Self.bookkeepingProperties.contains($0.0) }
        properties.append((MessageProperties.wait, "true"))
        let sysFlag = record.sysFlag & ~(SysFlag.transactionMask | SysFlag.bornHostV6 | SysFlag.storeHostV6)
        let fields = [
            "producerGroup": producerGroup, "topic": topic, "defaultTopic": TopicValidator.autoCreateTopicKeyTopic,
            "defaultTopicQueueNums": "4", "queueId": "-1", "sysFlag": String(sysFlag),
            "bornTimestamp": String(bornTimestamp), "flag": String(record.flag),
            "properties": MessageProperties.encode(properties), "reconsumeTimes": "0", "unitMode": "false",
            "batch": "false",
        ]
        return .request(.sendMessage, extFields: fields, body: body)
    }
}
