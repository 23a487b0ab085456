/// A remoting request code.
///
/// RocketMQ's numeric values, sorted; each member notes RocketMQ's constant name.
public struct RequestCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// SEND_MESSAGE
    public static let sendMessage = RequestCode(rawValue: 10)
    /// PULL_MESSAGE
    public static let pullMessage = RequestCode(rawValue: 11)
    /// QUERY_MESSAGE
    public static let queryMessage = RequestCode(rawValue: 12)
    /// QUERY_BROKER_OFFSET
    public static let queryBrokerOffset = RequestCode(rawValue: 13)
    /// QUERY_CONSUMER_OFFSET
    public static let queryConsumerOffset = RequestCode(rawValue: 14)
    /// UPDATE_CONSUMER_OFFSET
    public static let updateConsumerOffset = RequestCode(rawValue: 15)
    /// UPDATE_AND_CREATE_TOPIC
    public static let updateAndCreateTopic = RequestCode(rawValue: 17)
    /// UPDATE_AND_CREATE_TOPIC_LIST
    public static let updateAndCreateTopicList = RequestCode(rawValue: 18)
    /// GET_ALL_TOPIC_CONFIG
    public static let getAllTopicConfig = RequestCode(rawValue: 21)
    /// GET_TOPIC_CONFIG_LIST
    public static let getTopicConfigList = RequestCode(rawValue: 22)
    /// GET_TOPIC_NAME_LIST
    public static let getTopicNameList = RequestCode(rawValue: 23)
    /// UPDATE_BROKER_CONFIG
    public static let updateBrokerConfig = RequestCode(rawValue: 25)
    /// GET_BROKER_CONFIG
    public static let getBrokerConfig = RequestCode(rawValue: 26)
    /// TRIGGER_DELETE_FILES
    public static let triggerDeleteFiles = RequestCode(rawValue: 27)
    /// GET_BROKER_RUNTIME_INFO
    public static let getBrokerRuntimeInfo = RequestCode(rawValue: 28)
    /// SEARCH_OFFSET_BY_TIMESTAMP
    public static let searchOffsetByTimestamp = RequestCode(rawValue: 29)
    /// GET_MAX_OFFSET
    public static let getMaxOffset = RequestCode(rawValue: 30)
    /// GET_MIN_OFFSET
    public static let getMinOffset = RequestCode(rawValue: 31)
    /// GET_EARLIEST_MSG_STORETIME
    public static let getEarliestMessageStoreTime = RequestCode(rawValue: 32)
    /// VIEW_MESSAGE_BY_ID
    public static let viewMessageById = RequestCode(rawValue: 33)
    /// HEART_BEAT
    public static let heartBeat = RequestCode(rawValue: 34)
    /// UNREGISTER_CLIENT
    public static let unregisterClient = RequestCode(rawValue: 35)
    /// CONSUMER_SEND_MSG_BACK
    public static let consumerSendMessageBack = RequestCode(rawValue: 36)
    /// END_TRANSACTION
    public static let endTransaction = RequestCode(rawValue: 37)
    /// GET_CONSUMER_LIST_BY_GROUP
    public static let getConsumerListByGroup = RequestCode(rawValue: 38)
    /// CHECK_TRANSACTION_STATE
    public static let checkTransactionState = RequestCode(rawValue: 39)
    /// NOTIFY_CONSUMER_IDS_CHANGED
    public static let notifyConsumerIdsChanged = RequestCode(rawValue: 40)
    /// LOCK_BATCH_MQ
    public static let lockBatchMQ = RequestCode(rawValue: 41)
    /// UNLOCK_BATCH_MQ
    public static let unlockBatchMQ = RequestCode(rawValue: 42)
    /// GET_ALL_CONSUMER_OFFSET
    public static let getAllConsumerOffset = RequestCode(rawValue: 43)
    /// GET_ALL_DELAY_OFFSET
    public static let getAllDelayOffset = RequestCode(rawValue: 45)
    /// CHECK_CLIENT_CONFIG
    public static let checkClientConfig = RequestCode(rawValue: 46)
    /// GET_CLIENT_CONFIG
    public static let getClientConfig = RequestCode(rawValue: 47)
    /// PUT_KV_CONFIG
    public static let putKVConfig = RequestCode(rawValue: 100)
    /// GET_KV_CONFIG
    public static let getKVConfig = RequestCode(rawValue: 101)
    /// DELETE_KV_CONFIG
    public static let deleteKVConfig = RequestCode(rawValue: 102)
    /// REGISTER_BROKER
    public static let registerBroker = RequestCode(rawValue: 103)
    /// UNREGISTER_BROKER
    public static let unregisterBroker = RequestCode(rawValue: 104)
    /// GET_ROUTEINFO_BY_TOPIC
    public static let getRouteInfoByTopic = RequestCode(rawValue: 105)
    /// GET_BROKER_CLUSTER_INFO
    public static let getBrokerClusterInfo = RequestCode(rawValue: 106)
    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP
    public static let updateAndCreateSubscriptionGroup = RequestCode(rawValue: 200)
    /// GET_ALL_SUBSCRIPTIONGROUP_CONFIG
    public static let getAllSubscriptionGroupConfig = RequestCode(rawValue: 201)
    /// GET_TOPIC_STATS_INFO
    public static let getTopicStatsInfo = RequestCode(rawValue: 202)
    /// GET_CONSUMER_CONNECTION_LIST
    public static let getConsumerConnectionList = RequestCode(rawValue: 203)
    /// GET_PRODUCER_CONNECTION_LIST
    public static let getProducerConnectionList = RequestCode(rawValue: 204)
    /// WIPE_WRITE_PERM_OF_BROKER
    public static let wipeWritePermOfBroker = RequestCode(rawValue: 205)
    /// GET_ALL_TOPIC_LIST_FROM_NAMESERVER
    public static let getAllTopicListFromNameserver = RequestCode(rawValue: 206)
    /// DELETE_SUBSCRIPTIONGROUP
    public static let deleteSubscriptionGroup = RequestCode(rawValue: 207)
    /// GET_CONSUME_STATS
    public static let getConsumeStats = RequestCode(rawValue: 208)
    /// SUSPEND_CONSUMER
    public static let suspendConsumer = RequestCode(rawValue: 209)
    /// RESUME_CONSUMER
    public static let resumeConsumer = RequestCode(rawValue: 210)
    /// RESET_CONSUMER_OFFSET_IN_CONSUMER
    public static let resetConsumerOffsetInConsumer = RequestCode(rawValue: 211)
    /// RESET_CONSUMER_OFFSET_IN_BROKER
    public static let resetConsumerOffsetInBroker = RequestCode(rawValue: 212)
    /// ADJUST_CONSUMER_THREAD_POOL
    public static let adjustConsumerThreadPool = RequestCode(rawValue: 213)
    /// WHO_CONSUME_THE_MESSAGE
    public static let whoConsumeTheMessage = RequestCode(rawValue: 214)
    /// DELETE_TOPIC_IN_BROKER
    public static let deleteTopicInBroker = RequestCode(rawValue: 215)
    /// DELETE_TOPIC_IN_NAMESRV
    public static let deleteTopicInNamesrv = RequestCode(rawValue: 216)
    /// REGISTER_TOPIC_IN_NAMESRV
    public static let registerTopicInNamesrv = RequestCode(rawValue: 217)
    /// GET_KVLIST_BY_NAMESPACE
    public static let getKVListByNamespace = RequestCode(rawValue: 219)
    /// RESET_CONSUMER_CLIENT_OFFSET
    public static let resetConsumerClientOffset = RequestCode(rawValue: 220)
    /// GET_CONSUMER_STATUS_FROM_CLIENT
    public static let getConsumerStatusFromClient = RequestCode(rawValue: 221)
    /// INVOKE_BROKER_TO_RESET_OFFSET
    public static let invokeBrokerToResetOffset = RequestCode(rawValue: 222)
    /// INVOKE_BROKER_TO_GET_CONSUMER_STATUS
    public static let invokeBrokerToGetConsumerStatus = RequestCode(rawValue: 223)
    /// GET_TOPICS_BY_CLUSTER
    public static let getTopicsByCluster = RequestCode(rawValue: 224)
    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST
    public static let updateAndCreateSubscriptionGroupList = RequestCode(rawValue: 225)
    /// QUERY_TOPIC_CONSUME_BY_WHO
    public static let queryTopicConsumeByWho = RequestCode(rawValue: 300)
    /// QUERY_CONSUME_TIME_SPAN
    public static let queryConsumeTimeSpan = RequestCode(rawValue: 303)
    /// GET_SYSTEM_TOPIC_LIST_FROM_NS
    public static let getSystemTopicListFromNameserver = RequestCode(rawValue: 304)
    /// GET_SYSTEM_TOPIC_LIST_FROM_BROKER
    public static let getSystemTopicListFromBroker = RequestCode(rawValue: 305)
    /// CLEAN_EXPIRED_CONSUMEQUEUE
    public static let cleanExpiredConsumeQueue = RequestCode(rawValue: 306)
    /// GET_CONSUMER_RUNNING_INFO
    public static let getConsumerRunningInfo = RequestCode(rawValue: 307)
    /// QUERY_CORRECTION_OFFSET
    public static let queryCorrectionOffset = RequestCode(rawValue: 308)
    /// CONSUME_MESSAGE_DIRECTLY
    public static let consumeMessageDirectly = RequestCode(rawValue: 309)
    /// SEND_MESSAGE_V2
    public static let sendMessageV2 = RequestCode(rawValue: 310)
    /// GET_UNIT_TOPIC_LIST
    public static let getUnitTopicList = RequestCode(rawValue: 311)
    /// CLONE_GROUP_OFFSET
    public static let cloneGroupOffset = RequestCode(rawValue: 314)
    /// VIEW_BROKER_STATS_DATA
    public static let viewBrokerStatsData = RequestCode(rawValue: 315)
    /// CLEAN_UNUSED_TOPIC
    public static let cleanUnusedTopic = RequestCode(rawValue: 316)
    /// GET_BROKER_CONSUME_STATS
    public static let getBrokerConsumeStats = RequestCode(rawValue: 317)
    /// UPDATE_NAMESRV_CONFIG
    public static let updateNamesrvConfig = RequestCode(rawValue: 318)
    /// GET_NAMESRV_CONFIG
    public static let getNamesrvConfig = RequestCode(rawValue: 319)
    /// SEND_BATCH_MESSAGE
    public static let sendBatchMessage = RequestCode(rawValue: 320)
    /// QUERY_CONSUME_QUEUE
    public static let queryConsumeQueue = RequestCode(rawValue: 321)
    /// QUERY_DATA_VERSION
    public static let queryDataVersion = RequestCode(rawValue: 322)
    /// RESUME_CHECK_HALF_MESSAGE
    public static let resumeCheckHalfMessage = RequestCode(rawValue: 323)
    /// SEND_REPLY_MESSAGE
    public static let sendReplyMessage = RequestCode(rawValue: 324)
    /// SEND_REPLY_MESSAGE_V2
    public static let sendReplyMessageV2 = RequestCode(rawValue: 325)
    /// PUSH_REPLY_MESSAGE_TO_CLIENT
    public static let pushReplyMessageToClient = RequestCode(rawValue: 326)
    /// ADD_WRITE_PERM_OF_BROKER
    public static let addWritePermOfBroker = RequestCode(rawValue: 327)
    /// GET_TOPIC_CONFIG
    public static let getTopicConfig = RequestCode(rawValue: 351)
    /// GET_SUBSCRIPTIONGROUP_CONFIG
    public static let getSubscriptionGroupConfig = RequestCode(rawValue: 352)
    /// LITE_PULL_MESSAGE
    public static let litePullMessage = RequestCode(rawValue: 361)
    /// QUERY_ASSIGNMENT
    public static let queryAssignment = RequestCode(rawValue: 400)
    /// SET_MESSAGE_REQUEST_MODE
    public static let setMessageRequestMode = RequestCode(rawValue: 401)
    /// GET_ALL_MESSAGE_REQUEST_MODE
    public static let getAllMessageRequestMode = RequestCode(rawValue: 402)
    /// GET_BROKER_MEMBER_GROUP
    public static let getBrokerMemberGroup = RequestCode(rawValue: 901)
    /// BROKER_HEARTBEAT
    public static let brokerHeartbeat = RequestCode(rawValue: 904)
    /// POP_MESSAGE
    public static let popMessage = RequestCode(rawValue: 200050)
    /// ACK_MESSAGE
    public static let ackMessage = RequestCode(rawValue: 200051)
    /// PEEK_MESSAGE
    public static let peekMessage = RequestCode(rawValue: 200052)
    /// CHANGE_MESSAGE_INVISIBLETIME
    public static let changeMessageInvisibleTime = RequestCode(rawValue: 200053)
    /// NOTIFICATION
    public static let notification = RequestCode(rawValue: 200054)
    /// POLLING_INFO
    public static let pollingInfo = RequestCode(rawValue: 200055)
    /// POP_ROLLBACK
    public static let popRollback = RequestCode(rawValue: 200056)
    /// BATCH_ACK_MESSAGE
    public static let batchAckMessage = RequestCode(rawValue: 200151)

    // Tern vendor codes. RocketMQ has no broker request that lists or re-sends dead letters (its dashboard
    // re-delivers through CONSUME_MESSAGE_DIRECTLY to one live consumer, which is not a re-send), so Tern adds its own
    // above RocketMQ's highest code; RocketMQ brokers answer them REQUEST_CODE_NOT_SUPPORTED.

    /// TERN_QUERY_DLQ_MESSAGE (Tern only): a page of `%DLQ%<group>` (`DeadLetterQueueProcessor`).
    public static let ternQueryDeadLetterMessages = RequestCode(rawValue: 1_000_001)
    /// TERN_RESEND_DLQ_MESSAGE (Tern only): re-sends dead letters to their origin topic.
    public static let ternResendDeadLetterMessages = RequestCode(rawValue: 1_000_002)

    private static let names: [Int32: String] = [
        10: "SEND_MESSAGE",
        11: "PULL_MESSAGE",
        12: "QUERY_MESSAGE",
        13: "QUERY_BROKER_OFFSET",
        14: "QUERY_CONSUMER_OFFSET",
        15: "UPDATE_CONSUMER_OFFSET",
        17: "UPDATE_AND_CREATE_TOPIC",
        18: "UPDATE_AND_CREATE_TOPIC_LIST",
        21: "GET_ALL_TOPIC_CONFIG",
        22: "GET_TOPIC_CONFIG_LIST",
        23: "GET_TOPIC_NAME_LIST",
        25: "UPDATE_BROKER_CONFIG",
        26: "GET_BROKER_CONFIG",
        27: "TRIGGER_DELETE_FILES",
        28: "GET_BROKER_RUNTIME_INFO",
        29: "SEARCH_OFFSET_BY_TIMESTAMP",
        30: "GET_MAX_OFFSET",
        31: "GET_MIN_OFFSET",
        32: "GET_EARLIEST_MSG_STORETIME",
        33: "VIEW_MESSAGE_BY_ID",
        34: "HEART_BEAT",
        35: "UNREGISTER_CLIENT",
        36: "CONSUMER_SEND_MSG_BACK",
        37: "END_TRANSACTION",
        38: "GET_CONSUMER_LIST_BY_GROUP",
        39: "CHECK_TRANSACTION_STATE",
        40: "NOTIFY_CONSUMER_IDS_CHANGED",
        41: "LOCK_BATCH_MQ",
        42: "UNLOCK_BATCH_MQ",
        43: "GET_ALL_CONSUMER_OFFSET",
        45: "GET_ALL_DELAY_OFFSET",
        46: "CHECK_CLIENT_CONFIG",
        47: "GET_CLIENT_CONFIG",
        100: "PUT_KV_CONFIG",
        101: "GET_KV_CONFIG",
        102: "DELETE_KV_CONFIG",
        103: "REGISTER_BROKER",
        104: "UNREGISTER_BROKER",
        105: "GET_ROUTEINFO_BY_TOPIC",
        106: "GET_BROKER_CLUSTER_INFO",
        200: "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP",
        201: "GET_ALL_SUBSCRIPTIONGROUP_CONFIG",
        202: "GET_TOPIC_STATS_INFO",
        203: "GET_CONSUMER_CONNECTION_LIST",
        204: "GET_PRODUCER_CONNECTION_LIST",
        205: "WIPE_WRITE_PERM_OF_BROKER",
        206: "GET_ALL_TOPIC_LIST_FROM_NAMESERVER",
        207: "DELETE_SUBSCRIPTIONGROUP",
        208: "GET_CONSUME_STATS",
        209: "SUSPEND_CONSUMER",
        210: "RESUME_CONSUMER",
        211: "RESET_CONSUMER_OFFSET_IN_CONSUMER",
        212: "RESET_CONSUMER_OFFSET_IN_BROKER",
        213: "ADJUST_CONSUMER_THREAD_POOL",
        214: "WHO_CONSUME_THE_MESSAGE",
        215: "DELETE_TOPIC_IN_BROKER",
        216: "DELETE_TOPIC_IN_NAMESRV",
        217: "REGISTER_TOPIC_IN_NAMESRV",
        219: "GET_KVLIST_BY_NAMESPACE",
        220: "RESET_CONSUMER_CLIENT_OFFSET",
        221: "GET_CONSUMER_STATUS_FROM_CLIENT",
        222: "INVOKE_BROKER_TO_RESET_OFFSET",
        223: "INVOKE_BROKER_TO_GET_CONSUMER_STATUS",
        224: "GET_TOPICS_BY_CLUSTER",
        225: "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST",
        300: "QUERY_TOPIC_CONSUME_BY_WHO",
        303: "QUERY_CONSUME_TIME_SPAN",
        304: "GET_SYSTEM_TOPIC_LIST_FROM_NS",
        305: "GET_SYSTEM_TOPIC_LIST_FROM_BROKER",
        306: "CLEAN_EXPIRED_CONSUMEQUEUE",
        307: "GET_CONSUMER_RUNNING_INFO",
        308: "QUERY_CORRECTION_OFFSET",
        309: "CONSUME_MESSAGE_DIRECTLY",
        310: "SEND_MESSAGE_V2",
        311: "GET_UNIT_TOPIC_LIST",
        314: "CLONE_GROUP_OFFSET",
        315: "VIEW_BROKER_STATS_DATA",
        316: "CLEAN_UNUSED_TOPIC",
        317: "GET_BROKER_CONSUME_STATS",
        318: "UPDATE_NAMESRV_CONFIG",
        319: "GET_NAMESRV_CONFIG",
        320: "SEND_BATCH_MESSAGE",
        321: "QUERY_CONSUME_QUEUE",
        322: "QUERY_DATA_VERSION",
        323: "RESUME_CHECK_HALF_MESSAGE",
        324: "SEND_REPLY_MESSAGE",
        325: "SEND_REPLY_MESSAGE_V2",
        326: "PUSH_REPLY_MESSAGE_TO_CLIENT",
        327: "ADD_WRITE_PERM_OF_BROKER",
        351: "GET_TOPIC_CONFIG",
        352: "GET_SUBSCRIPTIONGROUP_CONFIG",
        361: "LITE_PULL_MESSAGE",
        400: "QUERY_ASSIGNMENT",
        401: "SET_MESSAGE_REQUEST_MODE",
        402: "GET_ALL_MESSAGE_REQUEST_MODE",
        901: "GET_BROKER_MEMBER_GROUP",
        904: "BROKER_HEARTBEAT",
        200050: "POP_MESSAGE",
        200051: "ACK_MESSAGE",
        200052: "PEEK_MESSAGE",
        200053: "CHANGE_MESSAGE_INVISIBLETIME",
        200054: "NOTIFICATION",
        200055: "POLLING_INFO",
        200056: "POP_ROLLBACK",
        200151: "BATCH_ACK_MESSAGE",
        1_000_001: "TERN_QUERY_DLQ_MESSAGE",
        1_000_002: "TERN_RESEND_DLQ_MESSAGE",
    ]

    /// RocketMQ's constant name, or the number for codes Tern does not know.
    public var description: String { Self.names[rawValue] ?? String(rawValue) }
}
