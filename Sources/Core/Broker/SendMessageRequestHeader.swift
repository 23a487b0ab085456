/// The custom header of SEND_MESSAGE (10, long names), SEND_MESSAGE_V2 (310, `a`..`n`) and SEND_BATCH_MESSAGE (320),
/// read tolerantly: any of the three codes may use either naming (remoting-protocol §2.3).
///
/// In-process senders (the HTTP gateway) fill it directly and hand it to `SendMessageProcessor.send`, so a send
/// does not go through an extFields dictionary that the processor would parse straight back.
public struct SendMessageRequestHeader: Sendable {
    public var producerGroup: String
    public var topic: String
    public var defaultTopic: String
    public var defaultTopicQueueNums: Int32
    /// Negative: the broker picks a queue.
    public var queueId: Int32
    public var sysFlag: Int32
    public var bornTimestamp: Int64
    public var flag: Int32
    public var properties: String?
    public var reconsumeTimes: Int32?
    public var unitMode: Bool
    public var maxReconsumeTimes: Int32?
    /// The body is a batch blob (`m` / `batch`, or code 320).
    public var batch: Bool

    /// A header as a producer would send it; the fields not given read as a header without them does (TBW102,
    /// four default queues, no flags).
    public init(producerGroup: String, topic: String, queueId: Int32, bornTimestamp: Int64, properties: String?,
                batch: Bool) {
        self.producerGroup = producerGroup
        self.topic = topic
        defaultTopic = TopicValidator.autoCreateTopicKeyTopic
        defaultTopicQueueNums = 4
        self.queueId = queueId
        sysFlag = 0
        self.bornTimestamp = bornTimestamp
        flag = 0
        self.properties = properties
        reconsumeTimes = 0
        unitMode = false
        maxReconsumeTimes = nil
        self.batch = batch
    }

    /// The SEND_MESSAGE_V2 extFields (`a`..`n`) carrying this header, for a processor other than
    /// `SendMessageProcessor` (a forwarding or test processor) that reads the wire form.
    public var extFields: [String: String] {
        var fields: [String: String] = [
            "a": producerGroup, "b": topic, "c": defaultTopic, "d": String(defaultTopicQueueNums),
            "e": String(queueId), "f": String(sysFlag), "g": String(bornTimestamp), "h": String(flag),
            "k": unitMode ? "true" : "false", "m": batch ? "true" : "false",
        ]
        if let properties { fields["i"] = properties }
        if let reconsumeTimes { fields["j"] = String(reconsumeTimes) }
        if let maxReconsumeTimes { fields["l"] = String(maxReconsumeTimes) }
        return fields
    }

    /// - Throws: `BrokerRequestError` naming the first missing or unparsable field (by its long name).
    init(_ request: RemotingCommand) throws(BrokerRequestError) {
        // One pass over extFields instead of a lookup per name and field: this runs for every message sent.
        let fields = Fields(request.extFields)
        producerGroup = try fields.string(.producerGroup)
        topic = try fields.string(.topic)
        defaultTopic = fields.optionalString(.defaultTopic) ?? TopicValidator.autoCreateTopicKeyTopic
        defaultTopicQueueNums = try fields.optionalInteger(.defaultTopicQueueNums, as: Int32.self) ?? 4
        guard let queueId = try fields.optionalInteger(.queueId, as: Int32.self) else {
            throw BrokerRequestError(HeaderError(kind: .missing, field: Field.queueId.longName))
        }
        self.queueId = queueId
        sysFlag = try fields.optionalInteger(.sysFlag, as: Int32.self) ?? 0
        bornTimestamp = try fields.optionalInteger(.bornTimestamp, as: Int64.self) ?? 0
        flag = try fields.optionalInteger(.flag, as: Int32.self) ?? 0
        properties = fields.optionalString(.properties)
        reconsumeTimes = try fields.optionalInteger(.reconsumeTimes, as: Int32.self)
        unitMode = fields.optionalBool(.unitMode) ?? false
        maxReconsumeTimes = try fields.optionalInteger(.maxReconsumeTimes, as: Int32.self)
        batch = (fields.optionalBool(.batch) ?? false) || request.code == RequestCode.sendBatchMessage.rawValue
    }

    /// The header fields in SEND_MESSAGE_V2 order: the raw value is the index of the one-letter name (`a` = 0).
    private enum Field: Int, CaseIterable {
        case producerGroup, topic, defaultTopic, defaultTopicQueueNums, queueId, sysFlag, bornTimestamp, flag,
             properties, reconsumeTimes, unitMode, maxReconsumeTimes, batch

        var longName: String { "\(self)" }

        /// The field a SEND_MESSAGE (long) name stands for.
        init?(longName: String) {
            switch longName {
            case "producerGroup": self = .producerGroup
            case "topic": self = .topic
            case "defaultTopic": self = .defaultTopic
            case "defaultTopicQueueNums": self = .defaultTopicQueueNums
            case "queueId": self = .queueId
            case "sysFlag": self = .sysFlag
            case "bornTimestamp": self = .bornTimestamp
            case "flag": self = .flag
            case "properties": self = .properties
            case "reconsumeTimes": self = .reconsumeTimes
            case "unitMode": self = .unitMode
            case "maxReconsumeTimes": self = .maxReconsumeTimes
            case "batch": self = .batch
            default: return nil
            }
        }
    }

    /// The non-empty values by field; a long name wins over the one-letter name, as `BrokerHeaderFields` reads them.
    private struct Fields {
        private var long: [String?]
        private var short: [String?]

        init(_ extFields: [String: String]) {
            long = Array(repeating: nil, count: Field.allCases.count)
            short = long
            for (key, value) in extFields where !value.isEmpty {
                let utf8 = key.utf8
                if utf8.count == 1, let letter = utf8.first, letter >= UInt8(ascii: "a"),
                   let field = Field(rawValue: Int(letter - UInt8(ascii: "a"))) {
                    short[field.rawValue] = value
                } else if let field = Field(longName: key) {
                    long[field.rawValue] = value
                }
            }
        }

        func optionalString(_ field: Field) -> String? { long[field.rawValue] ?? short[field.rawValue] }

        func string(_ field: Field) throws(BrokerRequestError) -> String {
            guard let value = optionalString(field) else {
                throw BrokerRequestError(HeaderError(kind: .missing, field: field.longName))
            }
            return value
        }

        /// What `Integer.parseInt` / `Long.parseLong` accept; garbage is named by the long field name.
        func optionalInteger<Value: FixedWidthInteger>(_ field: Field, as type: Value.Type)
            throws(BrokerRequestError) -> Value? {
            guard let text = optionalString(field) else { return nil }
            guard let value = Value(text) else {
                throw BrokerRequestError(HeaderError(kind: .invalid, field: field.longName, value: text))
            }
            return value
        }

        /// `true` (any case) or `1` is true (C++ sends `"1"`), anything else false.
        func optionalBool(_ field: Field) -> Bool? {
            optionalString(field).map { text in
                text == "1" || text == "true" || (text != "false" && text.lowercased() == "true")
            }
        }
    }
}
