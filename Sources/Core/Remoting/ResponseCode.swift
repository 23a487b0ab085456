/// A remoting response code.
///
/// RocketMQ's numeric values, sorted; each member notes RocketMQ's constant name.
public struct ResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// SUCCESS
    public static let success = ResponseCode(rawValue: 0)
    /// SYSTEM_ERROR
    public static let systemError = ResponseCode(rawValue: 1)
    /// SYSTEM_BUSY
    public static let systemBusy = ResponseCode(rawValue: 2)
    /// REQUEST_CODE_NOT_SUPPORTED
    public static let requestCodeNotSupported = ResponseCode(rawValue: 3)
    /// TRANSACTION_FAILED
    public static let transactionFailed = ResponseCode(rawValue: 4)
    /// FLUSH_DISK_TIMEOUT
    public static let flushDiskTimeout = ResponseCode(rawValue: 10)
    /// SLAVE_NOT_AVAILABLE
    public static let slaveNotAvailable = ResponseCode(rawValue: 11)
    /// FLUSH_SLAVE_TIMEOUT
    public static let flushSlaveTimeout = ResponseCode(rawValue: 12)
    /// MESSAGE_ILLEGAL
    public static let messageIllegal = ResponseCode(rawValue: 13)
    /// SERVICE_NOT_AVAILABLE
    public static let serviceNotAvailable = ResponseCode(rawValue: 14)
    /// VERSION_NOT_SUPPORTED
    public static let versionNotSupported = ResponseCode(rawValue: 15)
    /// NO_PERMISSION
    public static let noPermission = ResponseCode(rawValue: 16)
    /// TOPIC_NOT_EXIST
    public static let topicNotExist = ResponseCode(rawValue: 17)
    /// TOPIC_EXIST_ALREADY
    public static let topicExistAlready = ResponseCode(rawValue: 18)
    /// PULL_NOT_FOUND
    public static let pullNotFound = ResponseCode(rawValue: 19)
    /// PULL_RETRY_IMMEDIATELY
    public static let pullRetryImmediately = ResponseCode(rawValue: 20)
    /// PULL_OFFSET_MOVED
    public static let pullOffsetMoved = ResponseCode(rawValue: 21)
    /// QUERY_NOT_FOUND
    public static let queryNotFound = ResponseCode(rawValue: 22)
    /// SUBSCRIPTION_PARSE_FAILED
    public static let subscriptionParseFailed = ResponseCode(rawValue: 23)
    /// SUBSCRIPTION_NOT_EXIST
    public static let subscriptionNotExist = ResponseCode(rawValue: 24)
    /// SUBSCRIPTION_NOT_LATEST
    public static let subscriptionNotLatest = ResponseCode(rawValue: 25)
    /// SUBSCRIPTION_GROUP_NOT_EXIST
    public static let subscriptionGroupNotExist = ResponseCode(rawValue: 26)
    /// FILTER_DATA_NOT_EXIST
    public static let filterDataNotExist = ResponseCode(rawValue: 27)
    /// FILTER_DATA_NOT_LATEST
    public static let filterDataNotLatest = ResponseCode(rawValue: 28)
    /// INVALID_PARAMETER
    public static let invalidParameter = ResponseCode(rawValue: 29)
    /// TRANSACTION_SHOULD_COMMIT
    public static let transactionShouldCommit = ResponseCode(rawValue: 200)
    /// TRANSACTION_SHOULD_ROLLBACK
    public static let transactionShouldRollback = ResponseCode(rawValue: 201)
    /// TRANSACTION_STATE_UNKNOW
    public static let transactionStateUnknown = ResponseCode(rawValue: 202)
    /// TRANSACTION_STATE_GROUP_WRONG
    public static let transactionStateGroupWrong = ResponseCode(rawValue: 203)
    /// NO_BUYER_ID
    public static let noBuyerId = ResponseCode(rawValue: 204)
    /// NOT_IN_CURRENT_UNIT
    public static let notInCurrentUnit = ResponseCode(rawValue: 205)
    /// CONSUMER_NOT_ONLINE
    public static let consumerNotOnline = ResponseCode(rawValue: 206)
    /// CONSUME_MSG_TIMEOUT
    public static let consumeMessageTimeout = ResponseCode(rawValue: 207)
    /// NO_MESSAGE
    public static let noMessage = ResponseCode(rawValue: 208)
    /// POLLING_FULL
    public static let pollingFull = ResponseCode(rawValue: 209)
    /// POLLING_TIMEOUT
    public static let pollingTimeout = ResponseCode(rawValue: 210)
    /// BROKER_NOT_EXIST
    public static let brokerNotExist = ResponseCode(rawValue: 211)
    /// BROKER_DISPATCH_NOT_COMPLETE
    public static let brokerDispatchNotComplete = ResponseCode(rawValue: 212)
    /// BROADCAST_CONSUMPTION
    public static let broadcastConsumption = ResponseCode(rawValue: 213)
    /// FLOW_CONTROL
    public static let flowControl = ResponseCode(rawValue: 215)
    /// NOT_LEADER_FOR_QUEUE
    public static let notLeaderForQueue = ResponseCode(rawValue: 501)
    /// ILLEGAL_OPERATION
    public static let illegalOperation = ResponseCode(rawValue: 604)
    /// GO_AWAY
    public static let goAway = ResponseCode(rawValue: 1500)

    private static let names: [Int32: String] = [
        0: "SUCCESS",
        1: "SYSTEM_ERROR",
        2: "SYSTEM_BUSY",
        3: "REQUEST_CODE_NOT_SUPPORTED",
        4: "TRANSACTION_FAILED",
        10: "FLUSH_DISK_TIMEOUT",
        11: "SLAVE_NOT_AVAILABLE",
        12: "FLUSH_SLAVE_TIMEOUT",
        13: "MESSAGE_ILLEGAL",
        14: "SERVICE_NOT_AVAILABLE",
        15: "VERSION_NOT_SUPPORTED",
        16: "NO_PERMISSION",
        17: "TOPIC_NOT_EXIST",
        18: "TOPIC_EXIST_ALREADY",
        19: "PULL_NOT_FOUND",
        20: "PULL_RETRY_IMMEDIATELY",
        21: "PULL_OFFSET_MOVED",
        22: "QUERY_NOT_FOUND",
        23: "SUBSCRIPTION_PARSE_FAILED",
        24: "SUBSCRIPTION_NOT_EXIST",
        25: "SUBSCRIPTION_NOT_LATEST",
        26: "SUBSCRIPTION_GROUP_NOT_EXIST",
        27: "FILTER_DATA_NOT_EXIST",
        28: "FILTER_DATA_NOT_LATEST",
        29: "INVALID_PARAMETER",
        200: "TRANSACTION_SHOULD_COMMIT",
        201: "TRANSACTION_SHOULD_ROLLBACK",
        202: "TRANSACTION_STATE_UNKNOW",
        203: "TRANSACTION_STATE_GROUP_WRONG",
        204: "NO_BUYER_ID",
        205: "NOT_IN_CURRENT_UNIT",
        206: "CONSUMER_NOT_ONLINE",
        207: "CONSUME_MSG_TIMEOUT",
        208: "NO_MESSAGE",
        209: "POLLING_FULL",
        210: "POLLING_TIMEOUT",
        211: "BROKER_NOT_EXIST",
        212: "BROKER_DISPATCH_NOT_COMPLETE",
        213: "BROADCAST_CONSUMPTION",
        215: "FLOW_CONTROL",
        501: "NOT_LEADER_FOR_QUEUE",
        604: "ILLEGAL_OPERATION",
        1500: "GO_AWAY",
    ]

    /// RocketMQ's constant name, or the number for codes Tern does not know.
    public var description: String { Self.names[rawValue] ?? String(rawValue) }
}
