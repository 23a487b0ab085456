/// The custom header of PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) (remoting-protocol §2.3).
struct PullMessageRequestHeader: Sendable {
    /// PullSysFlag bit 0: store `commitOffset` as the group's offset.
    static let commitOffsetFlag: Int32 = 0x1
    /// PullSysFlag bit 1: the broker may hold the request (long polling).
    static let suspendFlag: Int32 = 0x2
    /// PullSysFlag bit 2: use `subscription` from this request instead of the heartbeat's.
    static let subscriptionFlag: Int32 = 0x4

    var consumerGroup: String
    var topic: String
    var queueId: Int32
    var queueOffset: Int64
    var maxMsgNums: Int32
    var sysFlag: Int32
    var commitOffset: Int64
    var suspendTimeoutMillis: Int64
    var subscription: String?
    var subVersion: Int64
    var expressionType: String?
    var maxMsgBytes: Int32?

    var hasCommitOffset: Bool { sysFlag & Self.commitOffsetFlag != 0 }
    var hasSuspend: Bool { sysFlag & Self.suspendFlag != 0 }
    var hasSubscription: Bool { sysFlag & Self.subscriptionFlag != 0 }

    /// - Throws: `BrokerRequestError` naming the first missing or unparsable field.
    init(_ request: RemotingCommand) throws(BrokerRequestError) {
        let fields = BrokerHeaderFields(request)
        consumerGroup = try fields.string("consumerGroup")
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
        queueOffset = try fields.int64("queueOffset")
        maxMsgNums = try fields.int32("maxMsgNums")
        sysFlag = try fields.int32("sysFlag")
        commitOffset = try fields.optionalInt64("commitOffset") ?? 0
        suspendTimeoutMillis = try fields.optionalInt64("suspendTimeoutMillis") ?? 0
        subscription = fields.optionalString("subscription")
        subVersion = try fields.optionalInt64("subVersion") ?? 0
        expressionType = fields.optionalString("expressionType")
        maxMsgBytes = try fields.optionalInt32("maxMsgBytes")
    }
}
