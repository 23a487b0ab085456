/// The custom header of SEND_MESSAGE (10, long names), SEND_MESSAGE_V2 (310, `a`..`n`) and SEND_BATCH_MESSAGE (320),
/// read tolerantly: any of the three codes may use either naming (remoting-protocol §2.3).
struct SendMessageRequestHeader: Sendable {
    var producerGroup: String
    var topic: String
    var defaultTopic: String
    var defaultTopicQueueNums: Int32
    /// Negative: the broker picks a queue.
    var queueId: Int32
    var sysFlag: Int32
    var bornTimestamp: Int64
    var flag: Int32
    var properties: String?
    var reconsumeTimes: Int32?
    var unitMode: Bool
    var maxReconsumeTimes: Int32?
    /// The body is a batch blob (`m` / `batch`, or code 320).
    var batch: Bool

    /// - Throws: `BrokerRequestError` naming the first missing or unparsable field (by its long name).
    init(_ request: RemotingCommand) throws(BrokerRequestError) {
        let fields = BrokerHeaderFields(request)
        producerGroup = try fields.string("producerGroup", "a")
        topic = try fields.string("topic", "b")
        defaultTopic = fields.optionalString("defaultTopic", "c") ?? TopicValidator.autoCreateTopicKeyTopic
        defaultTopicQueueNums = try fields.optionalInt32("defaultTopicQueueNums", "d") ?? 4
        queueId = try fields.int32("queueId", "e")
        sysFlag = try fields.optionalInt32("sysFlag", "f") ?? 0
        bornTimestamp = try fields.optionalInt64("bornTimestamp", "g") ?? 0
        flag = try fields.optionalInt32("flag", "h") ?? 0
        properties = fields.optionalString("properties", "i")
        reconsumeTimes = try fields.optionalInt32("reconsumeTimes", "j")
        unitMode = fields.optionalBool("unitMode", "k") ?? false
        maxReconsumeTimes = try fields.optionalInt32("maxReconsumeTimes", "l")
        batch = (fields.optionalBool("batch", "m") ?? false) || request.code == RequestCode.sendBatchMessage.rawValue
    }
}
