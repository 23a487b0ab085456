/// Topic names and rules from RocketMQ's `TopicValidator` and `MixAll` (remoting-protocol §1.9, §5.4).
enum TopicValidator {
    static let autoCreateTopicKeyTopic = "TBW102"
    static let selfTestTopic = "SELF_TEST_TOPIC"
    static let benchmarkTopic = "BenchmarkTest"
    static let offsetMovedEventTopic = "OFFSET_MOVED_EVENT"
    static let scheduleTopic = "SCHEDULE_TOPIC_XXXX"
    static let transactionHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC"
    static let transactionOperationHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
    static let retryGroupTopicPrefix = "%RETRY%"
    static let deadLetterQueueTopicPrefix = "%DLQ%"
    /// Delay levels of SCHEDULE_TOPIC_XXXX, one queue each (`1s 5s 10s 30s 1m ... 2h`).
    static let scheduleQueueCount: Int32 = 18

    /// Topics producers may not send to (answered with NO_PERMISSION).
    static let notAllowedToSend: Set<String> = [
        scheduleTopic, transactionHalfTopic, transactionOperationHalfTopic, selfTestTopic, offsetMovedEventTopic,
    ]

    static func retryTopic(group: String) -> String { retryGroupTopicPrefix + group }
    static func deadLetterTopic(group: String) -> String { deadLetterQueueTopicPrefix + group }

    static func isRetryOrDeadLetterTopic(_ topic: String) -> Bool {
        topic.hasPrefix(retryGroupTopicPrefix) || topic.hasPrefix(deadLetterQueueTopicPrefix)
    }

    /// Checks a topic name a client sent. - Returns: a remark for INVALID_PARAMETER, nil when valid.
    static func validationError(_ topic: String) -> String? {
        if topic.isEmpty { return "the specified topic is blank" }
        let limit = isRetryOrDeadLetterTopic(topic) ? 255 : 127
        if topic.utf8.count > limit { return "the specified topic is longer than topic max length \(limit)" }
        let valid = topic.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "%")
                || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if !valid {
            return "the specified topic[\(topic)] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        }
        return nil
    }
}
