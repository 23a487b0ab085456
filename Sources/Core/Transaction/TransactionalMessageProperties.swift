/// Property names and topics of transactional messages (RocketMQ's `MessageConst`, `TopicValidator`;
/// broker-internals §8).
enum TransactionalMessageProperties {
    /// `true` on a prepared (half) message; removed on commit (`PROPERTY_TRANSACTION_PREPARED`).
    static let prepared = "TRAN_MSG"
    /// The producer group that may be asked to check the transaction (`PROPERTY_PRODUCER_GROUP`).
    static let producerGroup = "PGROUP"
    /// Where a half message goes when committed (`PROPERTY_REAL_TOPIC`, `PROPERTY_REAL_QUEUE_ID`).
    static let realTopic = "REAL_TOPIC"
    static let realQueueId = "REAL_QID"
    /// = UNIQ_KEY of the half message (`PROPERTY_TRANSACTION_ID`).
    static let transactionId = "__transactionId__"
    /// How many check-backs the half message copy has had (`PROPERTY_TRANSACTION_CHECK_TIMES`).
    static let checkTimes = "TRANSACTION_CHECK_TIMES"
    /// Per-message override of `transactionTimeOut`, in seconds.
    static let checkImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS"
    /// Tag of op records (`TransactionalMessageUtil.REMOVE_TAG`).
    static let operationTag = "d"

    /// Half messages, queue 0.
    static let halfTopic = "RMQ_SYS_TRANS_HALF_TOPIC"
    /// Op records ("this half offset is decided"), queue 0.
    static let operationTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
    /// Half messages that exhausted `transactionCheckMax` check-backs.
    static let discardTopic = "TRANS_CHECK_MAX_TIME_TOPIC"

    /// `commitOrRollback` values of END_TRANSACTION (`MessageSysFlag.TRANSACTION_*_TYPE`).
    static let typeNone: Int32 = 0
    static let typeCommit: Int32 = 8
    static let typeRollback: Int32 = 12
}
