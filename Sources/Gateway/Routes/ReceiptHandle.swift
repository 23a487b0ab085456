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
        Self.encode(topic: topic, realTopic: realTopic, group: group, extraInfo: extraInfo)
    }

    /// The encoded handle, without splitting `extraInfo` (a pop renders up to 32 of them).
    static func encode(topic: String, realTopic: String, group: String, extraInfo: String) -> String {
        Base64.encode(Array("1\n\(topic)\n\(realTopic)\n\(group)\n\(extraInfo)".utf8), urlSafe: true)
    }

    /// Parses an encoded handle.
    /// - Throws: `bad_receipt_handle` when it is not one this gateway issued.
    init(encoded: String) throws(GatewayProblem) {
        let problem = GatewayProblem(.badReceiptHandle, "the receipt handle is malformed")
        guard let bytes = Base64.decode(encoded), !bytes.contains(UInt8(ascii: "\r")),
              let text = String(validating: bytes, as: UTF8.self) else {
            throw problem
        }
        // UTF-8 splits: splitting the String by Character costs grapheme breaking on every byte.
        let parts = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(Substring($0)) }
        guard parts.count == 5, parts[0] == "1", !parts[1].isEmpty, !parts[2].isEmpty, !parts[3].isEmpty,
              let fields = Fields(parts[4]) else {
            throw problem
        }
        self.init(topic: parts[1], realTopic: parts[2], group: parts[3], extraInfo: parts[4], fields: fields)
    }

    init(topic: String, realTopic: String, group: String, extraInfo: String) {
        self.init(topic: topic, realTopic: realTopic, group: group, extraInfo: extraInfo,
                  fields: Fields(extraInfo) ?? Fields())
    }

    private init(topic: String, realTopic: String, group: String, extraInfo: String, fields: Fields) {
        self.topic = topic
        self.realTopic = realTopic
        self.group = group
        self.extraInfo = extraInfo
        ckQueueOffset = fields.ckQueueOffset
        popTime = fields.popTime
        invisibleTime = fields.invisibleTime
        reviveQueueId = fields.reviveQueueId
        retryMark = fields.retryMark
        brokerName = fields.brokerName
        queueId = fields.queueId
        queueOffset = fields.queueOffset
    }

    /// `extraInfo` split into its eight fields; nil unless there are eight and the numeric ones are numbers.
    private struct Fields {
        var ckQueueOffset: Int64 = 0
        var popTime: Int64 = 0
        var invisibleTime: Int64 = 0
        var reviveQueueId: Int32 = 0
        var retryMark = ""
        var brokerName = ""
        var queueId: Int32 = 0
        var queueOffset: Int64 = 0

        init() {}

        init?(_ extraInfo: String) {
            let pieces = extraInfo.utf8.split(separator: UInt8(ascii: " ")).map { Substring($0) }
            guard pieces.count == 8, let ckQueueOffset = Int64(pieces[0]), let popTime = Int64(pieces[1]),
                  let invisibleTime = Int64(pieces[2]), let reviveQueueId = Int32(pieces[3]),
                  let queueId = Int32(pieces[6]), let queueOffset = Int64(pieces[7]) else { return nil }
            self.ckQueueOffset = ckQueueOffset
            self.popTime = popTime
            self.invisibleTime = invisibleTime
            self.reviveQueueId = reviveQueueId
            retryMark = String(pieces[4])
            brokerName = String(pieces[5])
            self.queueId = queueId
            self.queueOffset = queueOffset
        }
    }
}
