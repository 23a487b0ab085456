/// Property names the broker reads or writes beyond Store's `MessageProperties` (RocketMQ's `MessageConst`).
enum BrokerMessageProperties {
    static let cluster = "CLUSTER"
    static let messageRegion = "MSG_REGION"
    static let traceOn = "TRACE_ON"
    static let popCheckpoint = "POP_CK"
    static let retryTopic = "RETRY_TOPIC"
    static let originMessageId = "ORIGIN_MESSAGE_ID"
    static let reconsumeTime = "RECONSUME_TIME"
    static let maxReconsumeTimes = "MAX_RECONSUME_TIMES"
}
