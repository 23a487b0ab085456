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
              String(validating: bytes, as: UTF8.self) != nil else {
            throw problem
        }
        // Split on the bytes and read the numbers from them: an ack parses up to 32 handles, and Strings per
        // piece (then parsed again) cost more than the rest of the ack.
        var lines: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        lines.append(start..<bytes.count)
        guard lines.count == 5, bytes[lines[0]].elementsEqual("1".utf8), !lines[1].isEmpty, !lines[2].isEmpty,
              !lines[3].isEmpty, let fields = Fields(bytes[lines[4]]) else {
            throw problem
        }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        self.init(topic: text(lines[1]), realTopic: text(lines[2]), group: text(lines[3]), extraInfo: text(lines[4]),
                  fields: fields)
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
            guard let fields = Fields(Array(extraInfo.utf8)[...]) else { return nil }
            self = fields
        }

        init?(_ bytes: ArraySlice<UInt8>) {
            let pieces = bytes.split(separator: UInt8(ascii: " "))
            guard pieces.count == 8, let ckQueueOffset = Self.integer(pieces[0]), let popTime = Self.integer(pieces[1]),
                  let invisibleTime = Self.integer(pieces[2]),
                  let reviveQueueId = Self.integer(pieces[3]).flatMap(Int32.init(exactly:)),
                  let queueId = Self.integer(pieces[6]).flatMap(Int32.init(exactly:)),
                  let queueOffset = Self.integer(pieces[7]) else { return nil }
            self.ckQueueOffset = ckQueueOffset
            self.popTime = popTime
            self.invisibleTime = invisibleTime
            self.reviveQueueId = reviveQueueId
            retryMark = String(decoding: pieces[4], as: UTF8.self)
            brokerName = String(decoding: pieces[5], as: UTF8.self)
            self.queueId = queueId
            self.queueOffset = queueOffset
        }

        /// A decimal `Int64` with an optional sign, as `Int64(_: String)` reads it.
        static func integer(_ digits: ArraySlice<UInt8>) -> Int64? {
            var rest = digits[...]
            var negative = false
            if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                rest = rest.dropFirst()
            }
            guard !rest.isEmpty else { return nil }
            var value: Int64 = 0
            for byte in rest {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                let digit = Int64(byte - UInt8(ascii: "0"))
                let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (next, overflowB) = negative ? shifted.subtractingReportingOverflow(digit)
                                                 : shifted.addingReportingOverflow(digit)
                guard !overflowA, !overflowB else { return nil }
                value = next
            }
            return value
        }
    }
}
