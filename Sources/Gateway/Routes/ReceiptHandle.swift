/// What a client needs to ack a popped message, as one opaque URL-safe string.
///
/// Content (version 1): original topic, real topic (the retry topic for retried messages), consumer group and the
/// `extraInfo` string Java clients keep in `POP_CK`:
/// `<ckQueueOffset> <popTime> <invisibleTime> <reviveQid> <retryMark> <brokerName> <queueId> <queueOffset>`.
struct ReceiptHandle: Sendable, Equatable {
    let topic: String
    let realTopic: String
    let group: String
    let extraInfo: String

    // `extraInfo`'s fields, split once: a batch ack reads several of them for each of up to 32 handles.
    let ckQueueOffset: Int64
    let popTime: Int64
    let invisibleTime: Int64
    let reviveQueueId: Int32
    let retryMark: String
    let brokerName: String
    let queueId: Int32
    let queueOffset: Int64

    /// `ExtraInfoUtil.buildExtraInfo` with the message's queue offset appended.
    static func extraInfo(ckQueueOffset: Int64, popTime: Int64, invisibleTime: Int64, reviveQueueId: Int32,
                          realTopic: String, brokerName: String, queueId: Int32, queueOffset: Int64) -> String {
        "\(ckQueueOffset) \(popTime) \(invisibleTime) \(reviveQueueId) \(retryMark(of: realTopic)) \(brokerName) "
            + "\(queueId) \(queueOffset)"
    }

    /// `0` normal topic, `1` `%RETRY%<group>_<topic>`, `2` `%RETRY%<group>+<topic>`.
    static func retryMark(of topic: String) -> String {
        guard topic.hasPrefix("%RETRY%") else { return "0" }
        return topic.contains("+") ? "2" : "1"
    }

    var encoded: String {
        Base64.encode(Array("1\n\(topic)\n\(realTopic)\n\(group)\n\(extraInfo)".utf8), urlSafe: true)
    }

    /// Parses an encoded handle.
    /// - Throws: `bad_receipt_handle` when it is not one this gateway issued.
    init(encoded: String) throws(GatewayProblem) {
        let problem = GatewayProblem(.badReceiptHandle, "the receipt handle is malformed")
        guard let bytes = Base64.decode(encoded), let text = String(validating: bytes, as: UTF8.self) else {
            throw problem
        }
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, parts[0] == "1", !parts[1].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty else {
            throw problem
        }
        let fields = parts[4].split(separator: " ")
        guard fields.count == 8, Int64(fields[0]) != nil, Int64(fields[1]) != nil, Int64(fields[2]) != nil,
              Int32(fields[3]) != nil, Int32(fields[6]) != nil, Int64(fields[7]) != nil else {
            throw problem
        }
        self.init(topic: parts[1], realTopic: parts[2], group: parts[3], extraInfo: parts[4])
    }

    init(topic: String, realTopic: String, group: String, extraInfo: String) {
        self.topic = topic
        self.realTopic = realTopic
        self.group = group
        self.extraInfo = extraInfo
        let fields = extraInfo.split(separator: " ")
        func field(_ index: Int) -> Substring { index < fields.count ? fields[index] : "" }
        ckQueueOffset = Int64(field(0)) ?? 0
        popTime = Int64(field(1)) ?? 0
        invisibleTime = Int64(field(2)) ?? 0
        reviveQueueId = Int32(field(3)) ?? 0
        retryMark = String(field(4))
        brokerName = String(field(5))
        queueId = Int32(field(6)) ?? 0
        queueOffset = Int64(field(7)) ?? 0
    }
}
