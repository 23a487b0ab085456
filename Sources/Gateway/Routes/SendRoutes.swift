import Core
import NIOCore
import Store

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `POST /v1/topics/{topic}/messages`: one message or a batch (JSON), or a raw body sent as is.
enum SendRoutes {
    /// One message as the client described it.
    struct OutgoingMessage {
        var body: [UInt8]
        var tags: String?
        var keys: [String] = []
        var properties: [(String, String)] = []
        var shardingKey: String?
        var delayLevel: Int?
        var uniqueKey = UniqueKeyGenerator.shared.next()

        /// The properties string content, system properties first.
        var allProperties: [(String, String)] {
            var result: [(String, String)] = []
            result.reserveCapacity(6 + properties.count)
            if !keys.isEmpty { result.append((MessageProperties.keys, keys.joined(separator: " "))) }
            if let tags { result.append((MessageProperties.tags, tags)) }
            if let delayLevel { result.append((MessageProperties.delayLevel, String(delayLevel))) }
            if let shardingKey { result.append(("__SHARDINGKEY", shardingKey)) }
            result.append((MessageProperties.wait, "true"))
            result.append((MessageProperties.uniqueKey, uniqueKey))
            result.append(contentsOf: properties)
            return result
        }
    }

    /// Properties the broker or clients interpret; user properties may not set them.
    static let reservedProperties: Set<String> = [
        "KEYS", "TAGS", "WAIT", "DELAY", "RETRY_TOPIC", "REAL_TOPIC", "REAL_QID", "TRAN_MSG", "PGROUP", "MIN_OFFSET",
        "MAX_OFFSET", "UNIQ_KEY", "MAX_RECONSUME_TIMES", "RECONSUME_TIME", "CONSUME_START_TIME", "ORIGIN_MESSAGE_ID",
        "MSG_REGION", "TRACE_ON", "CLUSTER", "__transactionId__", "POP_CK", "1ST_POP_TIME", "INNER_NUM",
        "INNER_BASE", "__SHARDINGKEY", "TIMER_DELIVER_MS", "TIMER_DELAY_SEC", "TIMER_DELAY_MS",
    ]

    static let messageFields: Set<String> = ["body", "bodyEncoding", "tags", "keys", "properties", "shardingKey",
                                             "delayLevel"]

    /// A validated send, ready for the processor.
    struct PreparedSend: Sendable {
        var topic: String
        var messages: [OutgoingMessage]
        var isBatch: Bool
        var queueId: Int32
    }

    /// Answers on the libmicrohttpd thread when the store acknowledges inside the send (ASYNC_FLUSH): no task and
    /// no suspended connection per request. A sharding key needs the topic's queue count first, which may wait on
    /// the name server, so that case runs in a task.
    @Sendable static func send(_ call: GatewayCall,
                               answer: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let prepared: PreparedSend
        do {
            prepared = try prepare(call)
        } catch {
            return answer(.failure(error))
        }
        guard let shardingKey = prepared.messages[0].shardingKey else { return invoke(prepared, call, answer) }
        Task {
            do {
                var sharded = prepared
                let queueCount = try await TopicQueues.writeQueueCount(prepared.topic, call: call)
                sharded.queueId = Int32(Int(javaHashCode(shardingKey).magnitude) % max(1, queueCount))
                invoke(sharded, call, answer)
            } catch {
                answer(.failure(error))
            }
        }
    }

    /// Parses and checks the request: everything that can be refused before the broker sees it.
    static func prepare(_ call: GatewayCall) throws(GatewayProblem) -> PreparedSend {
        let topic = try call.topic()
        let (messages, isBatch) = try parseMessages(call)
        guard !messages.isEmpty else { throw GatewayProblem(.invalidParameter, "the batch is empty") }
        // The broker would answer MESSAGE_ILLEGAL; the request is well formed, the topic just does not allow it.
        if isBatch, topic.hasPrefix("%RETRY%") {
            throw GatewayProblem(.noPermission, "batches cannot be sent to retry topic \(topic)")
        }
        guard messages.count <= call.configuration.maxBatchSize else {
            throw GatewayProblem(.batchTooLarge,
                                 "\(messages.count) messages exceed the batch limit of \(call.configuration.maxBatchSize)")
        }
        return PreparedSend(topic: topic, messages: messages, isBatch: isBatch, queueId: -1)
    }

    private static func invoke(_ prepared: PreparedSend, _ call: GatewayCall,
                               _ answer: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let messages = prepared.messages
        let code: RequestCode
        let body: ByteBuffer
        let properties: [(String, String)]
        if prepared.isBatch {
            code = .sendBatchMessage
            properties = [(MessageProperties.wait, "true")]
            body = encodeBatch(messages, topic: prepared.topic)
        } else {
            code = .sendMessageV2
            properties = messages[0].allProperties
            body = ByteBuffer(bytes: messages[0].body)
        }
        let header = SendMessageRequestHeader(
            producerGroup: call.configuration.producerGroup, topic: prepared.topic, queueId: prepared.queueId,
            bornTimestamp: wallClockMillis(), properties: nil, batch: prepared.isBatch)
        let message = SendMessageProcessor.SendRequest(
            header: header, body: body, version: CoreVersion.remotingVersion,
            bornHost: call.request.remoteHost ?? HostAddressParser.parseOrLoopback(call.request.remoteAddress),
            properties: properties)
        call.backend.send(message, code: code, from: call.request) { result in
            answer(Result { () throws(GatewayProblem) -> HTTPResponse in
                try render(try result.get(), of: prepared, code: code, call: call)
            }.mapError { $0 as any Error })
        }
    }

    /// The send outcomes that mean the message was stored (the flush or replica may lag).
    private static let storedOutcomes: Set<ResponseCode> = [.success, .flushDiskTimeout, .slaveNotAvailable,
                                                           .flushSlaveTimeout]

    /// The JSON answer for a processor's receipt, or the problem it maps to.
    private static func render(_ receipt: SendReceipt, of prepared: PreparedSend, code: RequestCode,
                               call: GatewayCall) throws(GatewayProblem) -> HTTPResponse {
        let messages = prepared.messages
        let isBatch = prepared.isBatch
        guard storedOutcomes.contains(receipt.code) else {
            if receipt.isDiskFull {
                let remark = receipt.remark ?? "disk full"
                throw GatewayProblem(.insufficientStorage, "the broker's disk is full, the message was not stored: "
                                     + remark, responseCode: receipt.code)
            }
            throw GatewayProblem.from(receipt.code, remark: receipt.remark, request: code)
        }
        call.backend.metrics.recordMessages(sent: messages.count)
        let status = receipt.code == .success ? "SEND_OK" : receipt.code.description
        let offsetIDs = receipt.offsetMessageIds
        let resultQueue = Int64(receipt.queueId ?? prepared.queueId)
        let firstOffset = receipt.queueOffset ?? -1
        return try call.json { writer in
            writer.beginObject()
            if !isBatch {
                writeResult(writer, message: messages[0], offsetID: offsetIDs.first, queueOffset: firstOffset)
            }
            writer.field("topic", prepared.topic)
            writer.field("queueId", resultQueue)
            writer.field("broker", call.configuration.brokerName)
            writer.field("status", status)
            if isBatch {
                writer.key("messages")
                writer.beginArray()
                for (index, message) in messages.enumerated() {
                    writer.beginObject()
                    writeResult(writer, message: message, offsetID: index < offsetIDs.count ? offsetIDs[index] : nil,
                                queueOffset: firstOffset < 0 ? -1 : firstOffset + Int64(index))
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.endObject()
        }
    }

    private static func writeResult(_ writer: JSONWriter, message: OutgoingMessage, offsetID: String?,
                                    queueOffset: Int64) {
        writer.field("messageId", message.uniqueKey)
        if let offsetID { writer.field("offsetMessageId", offsetID) }
        writer.field("queueOffset", queueOffset)
    }

    /// JSON (`application/json` or `+json`) is a message object, an array of them, or
    /// `{"messages": [...], "shardingKey": "..."}`; any other content type is one raw message described by query
    /// parameters. A batch is stored in one queue, so its sharding key belongs to the batch, not to its messages.
    static func parseMessages(_ call: GatewayCall) throws(GatewayProblem) -> ([OutgoingMessage], Bool) {
        let mediaType = call.request.mediaType ?? "application/octet-stream"
        // The query parameters describe raw bodies only, but are checked either way: a request is refused when any
        // documented parameter is invalid.
        let described = try rawMessage(call)
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            guard !call.request.body.isEmpty else {
                throw GatewayProblem(.invalidParameter, "the message body is empty")
            }
            return ([described], false)
        }
        let json = try call.jsonBody()
        if case .array(let items) = json { return (try batch(items, shardingKey: nil), true) }
        if let members = json.objectValue, members.contains(where: { $0.0 == "messages" }) {
            if let unknown = members.first(where: { $0.0 != "messages" && $0.0 != "shardingKey" }) {
                throw GatewayProblem(.invalidParameter, "unknown batch field \"\(unknown.0)\"")
            }
            guard let items = json["messages"]?.arrayValue else {
                throw GatewayProblem(.invalidParameter, "\"messages\" is an array of messages")
            }
            return (try batch(items, shardingKey: try optionalString(json, "shardingKey")), true)
        }
        return ([try parseMessage(json, inBatch: false)], false)
    }

    private static func batch(_ items: [JSONValue], shardingKey: String?) throws(GatewayProblem)
        -> [OutgoingMessage] {
        var messages: [OutgoingMessage] = []
        for item in items {
            var message = try parseMessage(item, inBatch: true)
            message.shardingKey = shardingKey
            messages.append(message)
        }
        return messages
    }

    /// The request body as one message described by the query parameters.
    static func rawMessage(_ call: GatewayCall) throws(GatewayProblem) -> OutgoingMessage {
        let request = call.request
        var message = OutgoingMessage(body: request.body)
        message.tags = try request.queryValue("tags").flatMap { (text) throws(GatewayProblem) in
            text.isEmpty ? nil : try RequestFields.propertyText(text, "tags")
        }
        for text in request.queryValues("keys") {
            message.keys += try RequestFields.propertyText(text, "keys").split(separator: " ").map(String.init)
        }
        message.shardingKey = try request.queryValue("shardingKey").flatMap { (text) throws(GatewayProblem) in
            text.isEmpty ? nil : try RequestFields.propertyText(text, "shardingKey")
        }
        if request.queryValue("delayLevel") != nil {
            message.delayLevel = Int(try call.queryInt("delayLevel", range: 1...18))
        }
        for (name, value) in request.query where name.hasPrefix("property.") {
            message.properties.append((try userPropertyName(String(name.dropFirst("property.".count))),
                                       try RequestFields.propertyText(value, "property \(name)")))
        }
        return message
    }

    /// One message object; in a batch, `shardingKey` and `delayLevel` are refused (the batch has one queue and
    /// RocketMQ batches cannot be delayed).
    static func parseMessage(_ json: JSONValue, inBatch: Bool) throws(GatewayProblem) -> OutgoingMessage {
        guard let members = json.objectValue else {
            throw GatewayProblem(.invalidParameter, "a message must be a JSON object")
        }
        if let unknown = members.first(where: { !messageFields.contains($0.0) }) {
            throw GatewayProblem(.invalidParameter, "unknown message field \"\(unknown.0)\"")
        }
        if inBatch, let field = members.first(where: { $0.0 == "shardingKey" || $0.0 == "delayLevel" })?.0 {
            let hint = field == "shardingKey" ? "; give the batch one: {\"messages\": [...], \"shardingKey\": ...}" : ""
            throw GatewayProblem(.invalidParameter, "messages of a batch cannot carry \"\(field)\"\(hint)")
        }
        guard let text = json["body"]?.stringValue else {
            throw GatewayProblem(.invalidParameter, "a message needs a string \"body\"")
        }
        var message = OutgoingMessage(body: [])
        let encoding = json["bodyEncoding"] == nil ? "utf8" : json["bodyEncoding"]?.stringValue
        switch encoding {
        case "utf8": message.body = Array(text.utf8)
        case "base64":
            guard Base64.isWellFormed(text), let bytes = Base64.decode(text) else {
                throw GatewayProblem(.invalidEncoding, "\"body\" is not valid base64")
            }
            message.body = bytes
        default:
            throw GatewayProblem(.invalidParameter, "\"bodyEncoding\" is \"utf8\" or \"base64\"")
        }
        guard !message.body.isEmpty else { throw GatewayProblem(.invalidParameter, "the message body is empty") }
        message.tags = try optionalString(json, "tags")
        if let keys = json["keys"] {
            if let single = keys.stringValue {
                message.keys = try RequestFields.propertyText(single, "keys").split(separator: " ").map(String.init)
            } else if let array = keys.arrayValue, array.allSatisfy({ $0.stringValue != nil }) {
                for key in array.compactMap(\.stringValue) {
                    message.keys.append(try RequestFields.propertyText(key, "keys"))
                }
            } else {
                throw GatewayProblem(.invalidParameter, "\"keys\" is a string or an array of strings")
            }
        }
        message.shardingKey = try optionalString(json, "shardingKey")
        if let level = json["delayLevel"] {
            guard let value = level.exactInteger, (1...18).contains(value) else {
                throw GatewayProblem(.invalidParameter, "\"delayLevel\" is an integer from 1 to 18")
            }
            message.delayLevel = Int(value)
        }
        if let properties = json["properties"] {
            guard let members = properties.objectValue else {
                throw GatewayProblem(.invalidParameter, "\"properties\" is an object of strings")
            }
            for (name, value) in members {
                guard let text = value.scalarText, !text.isEmpty else {
                    throw GatewayProblem(.invalidParameter, "property \"\(name)\" needs a non-empty scalar value")
                }
                message.properties.append((try userPropertyName(name), try RequestFields.propertyText(text, name)))
            }
        }
        return message
    }

    private static func optionalString(_ json: JSONValue, _ name: String) throws(GatewayProblem) -> String? {
        guard let value = json[name] else { return nil }
        guard let text = value.stringValue else {
            throw GatewayProblem(.invalidParameter, "\"\(name)\" must be a string")
        }
        return text.isEmpty ? nil : try RequestFields.propertyText(text, name)
    }

    private static func userPropertyName(_ name: String) throws(GatewayProblem) -> String {
        let forbidden: Set<Character> = ["\u{1}", "\u{2}"]
        guard !name.isEmpty, !reservedProperties.contains(name), !name.contains(where: forbidden.contains) else {
            throw GatewayProblem(.invalidParameter, "\"\(name)\" cannot be used as a user property name")
        }
        return name
    }

    /// The batch body of remoting-protocol §4.6, one entry per message, written by the store's own batch codec
    /// (only the body, flag and properties of each element are encoded).
    static func encodeBatch(_ messages: [OutgoingMessage], topic: String) -> ByteBuffer {
        BatchMessageDecoder.encode(messages.map { message in
            MessageToStore(topic: topic, queueId: 0, body: ByteBuffer(bytes: message.body),
                           properties: message.allProperties, bornTimestamp: 0, bornHost: .loopbackIPv4)
        })
    }

    /// Java's `String.hashCode` over UTF-16 code units, so the same key picks the same queue as Java producers
    /// using `MessageQueueSelector` with `key.hashCode() % n`.
    static func javaHashCode(_ text: String) -> Int32 {
        var hash: Int32 = 0
        for unit in text.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }
}

/// Wall clock in milliseconds since 1970 (born timestamps).
func wallClockMillis() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
}
