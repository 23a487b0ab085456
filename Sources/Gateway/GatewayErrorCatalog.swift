import Core

/// Every gateway failure code: HTTP status, stable error number and title (STYLE §4's one table), plus the mapping
/// of remoting response codes onto them. `openapi/openapi.yaml` lists the same codes in `ProblemCode`.
extension GatewayProblem.Code {
    private init(_ rawValue: String, _ status: Int, _ number: Int, _ title: String) {
        self.init(rawValue: rawValue, status: status, number: number, title: title)
    }

    // 400
    public static let invalidJSON = Self("invalid_json", 400, 1001, "The body is not valid JSON")
    public static let invalidParameter = Self("invalid_parameter", 400, 1002, "A parameter is missing or invalid")
    public static let invalidTopicName = Self("invalid_topic_name", 400, 1003, "The topic name is invalid")
    public static let invalidGroupName = Self("invalid_group_name", 400, 1004, "The consumer group name is invalid")
    public static let invalidEncoding = Self("invalid_encoding", 400, 1005, "The message body cannot be decoded")
    public static let waitTooLong = Self("wait_too_long", 400, 1006, "The requested wait exceeds the maximum")
    public static let badReceiptHandle = Self("bad_receipt_handle", 400, 1007, "The receipt handle is malformed")
    public static let messageIllegal = Self("message_illegal", 400, 1008, "The broker refused the message")
    public static let subscriptionInvalid = Self("subscription_invalid", 400, 1009, "The filter expression is invalid")
    // 403 / 404 / 405 / 409
    public static let noPermission = Self("no_permission", 403, 1010, "The broker or topic does not allow this")
    public static let routeNotFound = Self("route_not_found", 404, 1011, "No such endpoint")
    public static let topicNotFound = Self("topic_not_found", 404, 1012, "The topic does not exist")
    public static let consumerGroupNotFound = Self("consumer_group_not_found", 404, 1013,
                                                   "The consumer group does not exist")
    public static let messageNotFound = Self("message_not_found", 404, 1014, "No such message")
    public static let offsetNotFound = Self("offset_not_found", 404, 1015, "The group has no offset for this queue")
    public static let queueNotFound = Self("queue_not_found", 404, 1029, "The topic has no such queue")
    public static let methodNotAllowed = Self("method_not_allowed", 405, 1016, "The endpoint does not allow this method")
    public static let receiptHandleExpired = Self("receipt_handle_expired", 409, 1017,
                                                  "The receipt handle is no longer valid")
    public static let illegalOperation = Self("illegal_operation", 409, 1018, "The broker refused the operation")
    // 413
    public static let bodyTooLarge = Self("body_too_large", 413, 1019, "The request body is too large")
    public static let batchTooLarge = Self("batch_too_large", 413, 1020, "The batch has too many messages")
    // 5xx
    public static let brokerError = Self("broker_error", 500, 1021, "The broker failed to handle the request")
    public static let notImplemented = Self("not_implemented", 501, 1022, "This broker does not serve the operation")
    public static let busy = Self("busy", 503, 1023, "The broker is busy; retry later")
    public static let notReady = Self("not_ready", 503, 1024, "The broker is starting; retry later")
    public static let tooManyConnections = Self("too_many_connections", 503, 1025, "Too many open connections")
    public static let shuttingDown = Self("shutting_down", 503, 1026, "The gateway is shutting down")
    public static let serviceUnavailable = Self("service_unavailable", 503, 1027, "The broker cannot serve this now")
    public static let upstreamTimeout = Self("upstream_timeout", 504, 1028, "The broker did not answer in time")
    public static let insufficientStorage = Self("insufficient_storage", 507, 1030,
                                                 "The broker's disk is full; retry when space is freed")

    /// Every code, for documentation and tests.
    public static let all: [Self] = [
        .invalidJSON, .invalidParameter, .invalidTopicName, .invalidGroupName, .invalidEncoding, .waitTooLong,
        .badReceiptHandle, .messageIllegal, .subscriptionInvalid, .noPermission, .routeNotFound, .topicNotFound,
        .consumerGroupNotFound, .messageNotFound, .offsetNotFound, .queueNotFound, .methodNotAllowed, .receiptHandleExpired,
        .illegalOperation, .bodyTooLarge, .batchTooLarge, .brokerError, .notImplemented, .busy, .notReady,
        .tooManyConnections, .shuttingDown, .serviceUnavailable, .upstreamTimeout, .insufficientStorage,
    ]
}

extension GatewayProblem {
    /// The generic mapping of a failed remoting response; handlers map codes with a route-specific meaning
    /// (22 QUERY_NOT_FOUND, 208 NO_MESSAGE, ...) before falling back to this.
    static func from(_ response: RemotingCommand, request: RequestCode) -> GatewayProblem {
        from(ResponseCode(rawValue: response.code), remark: response.remark, request: request)
    }

    /// The problem for a refusal with `code` and `remark` from the processor of `request`.
    static func from(_ code: ResponseCode, remark: String?, request: RequestCode) -> GatewayProblem {
        let remark = remark ?? ""
        let detail = remark.isEmpty ? "\(request) answered \(code)" : "\(request) answered \(code): \(remark)"
        let mapped: Code
        switch code {
        case .systemBusy, .flowControl, .pollingFull: mapped = .busy
        case .requestCodeNotSupported: mapped = .notImplemented
        case .messageIllegal: mapped = .messageIllegal
        case .serviceNotAvailable, .slaveNotAvailable, .notLeaderForQueue, .goAway: mapped = .serviceUnavailable
        case .noPermission: mapped = .noPermission
        case .topicNotExist: mapped = .topicNotFound
        case .subscriptionGroupNotExist: mapped = .consumerGroupNotFound
        case .subscriptionParseFailed, .subscriptionNotExist, .subscriptionNotLatest, .filterDataNotExist,
             .filterDataNotLatest:
            mapped = .subscriptionInvalid
        case .invalidParameter, .versionNotSupported: mapped = .invalidParameter
        case .queryNotFound, .noMessage: mapped = .messageNotFound
        case .illegalOperation, .topicExistAlready, .consumerNotOnline: mapped = .illegalOperation
        default: mapped = .brokerError
        }
        return GatewayProblem(mapped, detail, responseCode: code)
    }
}
