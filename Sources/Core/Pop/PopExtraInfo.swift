/// Which topic a popped message came from, as the first-class "retry mark" of POP_CK strings and the
/// startOffsetInfo / msgOffsetInfo headers (remoting-protocol POP_MESSAGE, `ExtraInfoUtil.getRetry`).
public enum PopRetryMark: String, Sendable, Hashable {
    /// The consumer's topic itself.
    case normal = "0"
    /// `%RETRY%<group>_<topic>` (retry topic V1, RocketMQ's default).
    case retryV1 = "1"
    /// `%RETRY%<group>+<topic>` (retry topic V2, `enableRetryTopicV2`).
    case retryV2 = "2"

    /// The prefix of every retry topic.
    public static let retryTopicPrefix = "%RETRY%"
    /// The prefix of every dead-letter topic.
    public static let deadLetterTopicPrefix = "%DLQ%"

    /// The mark of a topic name as stored: retry topics by their separator, everything else normal.
    public init(topic: String) {
        if !topic.hasPrefix(Self.retryTopicPrefix) {
            self = .normal
        } else {
            self = topic.contains("+") ? .retryV2 : .retryV1
        }
    }

    /// The stored topic this mark designates for `topic` consumed by `group`.
    public func realTopic(topic: String, group: String) -> String {
        switch self {
        case .normal: topic
        case .retryV1: Self.retryTopicPrefix + group + "_" + topic
        case .retryV2: Self.retryTopicPrefix + group + "+" + topic
        }
    }

    /// `%DLQ%<group>`.
    public static func deadLetterTopic(group: String) -> String { deadLetterTopicPrefix + group }
}

/// The POP_CK / `extraInfo` string of one popped message (broker-internals §9.2, `ExtraInfoUtil`):
/// `ckQueueOffset popTime invisibleTime reviveQid retryMark brokerName queueId msgQueueOffset`, space-separated,
/// optionally followed by a 9th field (the proxy's commit-log offset), which is accepted and ignored.
public struct PopExtraInfo: Sendable, Hashable {
    /// Start offset of the checkpoint the message belongs to.
    public var checkpointOffset: Int64
    /// Broker time (ms) of the pop.
    public var popTime: Int64
    /// Invisibility (ms) granted by the pop.
    public var invisibleTime: Int64
    public var reviveQueueId: Int32
    public var retryMark: PopRetryMark
    public var brokerName: String
    public var queueId: Int32
    /// Queue offset of the message itself.
    public var queueOffset: Int64

    public init(checkpointOffset: Int64, popTime: Int64, invisibleTime: Int64, reviveQueueId: Int32,
                retryMark: PopRetryMark, brokerName: String, queueId: Int32, queueOffset: Int64) {
        self.checkpointOffset = checkpointOffset
        self.popTime = popTime
        self.invisibleTime = invisibleTime
        self.reviveQueueId = reviveQueueId
        self.retryMark = retryMark
        self.brokerName = brokerName
        self.queueId = queueId
        self.queueOffset = queueOffset
    }

    /// Parses the wire string; nil when it has fewer than 8 fields or a field is not a number / known mark.
    public init?(_ text: String) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 8,
              let checkpointOffset = Int64(fields[0]), let popTime = Int64(fields[1]),
              let invisibleTime = Int64(fields[2]), let reviveQueueId = Int32(fields[3]),
              let retryMark = PopRetryMark(rawValue: fields[4]),
              let queueId = Int32(fields[6]), let queueOffset = Int64(fields[7])
        else { return nil }
        self.init(checkpointOffset: checkpointOffset, popTime: popTime, invisibleTime: invisibleTime,
                  reviveQueueId: reviveQueueId, retryMark: retryMark, brokerName: fields[5], queueId: queueId,
                  queueOffset: queueOffset)
    }

    /// The wire string, as Java's `ExtraInfoUtil.buildExtraInfo` writes it.
    public var description: String {
        "\(checkpointOffset) \(popTime) \(invisibleTime) \(reviveQueueId) \(retryMark.rawValue) \(brokerName) "
            + "\(queueId) \(queueOffset)"
    }
}
