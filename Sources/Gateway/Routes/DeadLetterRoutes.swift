import Core

/// A consumer group's dead letters: list (`GET /v1/consumer-groups/{group}/dlq`) and re-send to the origin topic
/// (`POST /v1/consumer-groups/{group}/dlq/resend`), through the broker's TERN_QUERY_DLQ_MESSAGE and
/// TERN_RESEND_DLQ_MESSAGE processors, the same code `tern admin dlq` reaches over the native protocol.
enum DeadLetterRoutes {
    /// Most ids one re-send request may name.
    static let maxMessageIds = 100

    /// Query `offset` (default: the oldest) and `maxCount` (1...1024, default 32): one page of DLQ queue 0.
    @Sendable static func list(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        var fields = ["consumerGroup": group]
        fields["maxCount"] = String(try call.queryInt(
            "maxCount", default: Int64(DeadLetterQueueProcessor.defaultMaxCount),
            range: 1...Int64(DeadLetterQueueProcessor.maxCountLimit)))
        if call.request.queryValue("offset") != nil {
            fields["offset"] = String(try call.queryInt("offset", range: 0...Int64.max))
        }
        let response = try await call.invokeExpectingSuccess(.ternQueryDeadLetterMessages, extFields: fields)
        let page: DeadLetterMessageList
        do {
            page = try DeadLetterMessageList(jsonBytes: response.body.readableByteArray)
        } catch {
            throw GatewayProblem(.brokerError, "TERN_QUERY_DLQ_MESSAGE answered an unreadable body: \(error)")
        }
        return try call.json { writer in
            writer.beginObject()
            writer.field("group", page.group)
            writer.field("topic", page.topic)
            writer.field("minOffset", page.minOffset)
            writer.field("maxOffset", page.maxOffset)
            writer.field("nextOffset", page.nextOffset)
            writer.key("messages")
            writer.beginArray()
            for message in page.messages { write(message, to: writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// Body `{"messageIds":[…]}` (each a UNIQ_KEY or offset id of a dead letter, re-sent in order) or
    /// `{"all":true, "offset"?, "maxCount"?}` (one page from the DLQ; repeat from `nextOffset` until `maxOffset`).
    /// A named id that is not in the DLQ is a 404 (ids before it were already re-sent, as the detail says); with
    /// `all`, each result reports its own outcome.
    @Sendable static func resend(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        let body = try call.jsonObject()
        let all = try RequestFields.bool(body, "all", default: false)
        let messageIds = try ids(body)
        guard all != (messageIds != nil) else {
            throw GatewayProblem(.invalidParameter, "give either messageIds or \"all\": true")
        }
        let allowed: Set<String> = all ? ["all", "offset", "maxCount"] : ["messageIds"]
        if let unknown = (body.objectValue ?? []).first(where: { !allowed.contains($0.0) }) {
            throw GatewayProblem(.invalidParameter, "\(unknown.0) is not allowed here; allowed: "
                                 + allowed.sorted().joined(separator: ", "))
        }
        var results: [DeadLetterResendResult] = []
        if let messageIds {
            for (index, id) in messageIds.enumerated() {
                let response = try await call.invoke(
                    .ternResendDeadLetterMessages, extFields: ["consumerGroup": group, "msgId": id])
                guard response.code == ResponseCode.success.rawValue else {
                    var problem = GatewayProblem.from(response, request: .ternResendDeadLetterMessages)
                    if index > 0 { problem.detail += " (the \(index) ids before \(id) were re-sent)" }
                    throw problem
                }
                results.append(try decode(response))
            }
        } else {
            var fields = ["consumerGroup": group, "all": "true"]
            fields["maxCount"] = String(try RequestFields.integer(
                body, "maxCount", default: Int64(DeadLetterQueueProcessor.maxCountLimit),
                range: 1...Int64(DeadLetterQueueProcessor.maxCountLimit)))
            if body["offset"] != nil {
                fields["offset"] = String(try RequestFields.integer(body, "offset", range: 0...Int64.max))
            }
            let response = try await call.invokeExpectingSuccess(.ternResendDeadLetterMessages, extFields: fields)
            results.append(try decode(response))
        }
        return try call.json { writer in
            writer.beginObject()
            writer.field("group", group)
            if let last = results.last {
                writer.field("nextOffset", last.nextOffset)
                writer.field("maxOffset", last.maxOffset)
            }
            writer.key("results")
            writer.beginArray()
            for entry in results.flatMap(\.results) { write(entry, to: writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// `messageIds` when present: 1...100 non-empty strings.
    private static func ids(_ body: JSONValue) throws(GatewayProblem) -> [String]? {
        guard let value = body["messageIds"] else { return nil }
        guard let items = value.arrayValue, !items.isEmpty, items.count <= maxMessageIds else {
            throw GatewayProblem(.invalidParameter, "messageIds is an array of 1 to \(maxMessageIds) message ids")
        }
        var ids: [String] = []
        for item in items {
            guard case .string(let id) = item, !id.isEmpty, id.utf8.count <= 128,
                  id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw GatewayProblem(.invalidParameter, "each message id is 1 to 128 printable ASCII characters")
            }
            ids.append(id)
        }
        return ids
    }

    private static func decode(_ response: RemotingCommand) throws(GatewayProblem) -> DeadLetterResendResult {
        do {
            return try DeadLetterResendResult(jsonBytes: response.body.readableByteArray)
        } catch {
            throw GatewayProblem(.brokerError, "TERN_RESEND_DLQ_MESSAGE answered an unreadable body: \(error)")
        }
    }

    private static func write(_ message: DeadLetterMessage, to writer: JSONWriter) {
        writer.beginObject()
        writer.field("queueId", message.queueId)
        writer.field("queueOffset", message.queueOffset)
        writer.field("messageId", message.msgId)
        writer.field("offsetMessageId", message.offsetMsgId)
        writer.field("originTopic", message.originTopic)
        writer.field("originMessageId", message.originMsgId)
        writer.field("reconsumeTimes", message.reconsumeTimes)
        writer.field("storeTimestamp", message.storeTimestamp)
        writer.field("tags", message.tags)
        writer.key("keys")
        writer.beginArray()
        for key in message.keys.split(separator: " ") { writer.string(String(key)) }
        writer.endArray()
        writer.field("bodySize", message.bodySize)
        writer.endObject()
    }

    private static func write(_ entry: DeadLetterResendResult.Entry, to writer: JSONWriter) {
        writer.beginObject()
        writer.field("dlqOffsetMessageId", entry.dlqOffsetMsgId)
        writer.field("dlqQueueOffset", entry.dlqQueueOffset)
        writer.field("topic", entry.topic)
        writer.field("sent", entry.isSent)
        if entry.isSent {
            writer.field("messageId", entry.msgId)
            writer.field("offsetMessageId", entry.offsetMsgId)
            writer.field("queueId", entry.queueId)
            writer.field("queueOffset", entry.queueOffset)
        } else {
            writer.field("remotingCode", Int(entry.responseCode))
            writer.field("remotingCodeName", ResponseCode(rawValue: entry.responseCode).description)
            writer.field("detail", entry.remark)
        }
        writer.endObject()
    }
}
