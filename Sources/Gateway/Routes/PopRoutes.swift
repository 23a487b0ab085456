import Core
import Store

/// Pop consumption: `POST /v1/topics/{topic}/pop`, `POST /v1/ack`, `POST /v1/change-invisible-time`, mapped onto
/// POP_MESSAGE, ACK_MESSAGE / BATCH_ACK_MESSAGE and CHANGE_MESSAGE_INVISIBLETIME.
enum PopRoutes {
    /// Answers on the libmicrohttpd thread when the pop finds messages (or nothing) at once; a long poll answers
    /// later from the thread that wakes it. No task per request.
    @Sendable static func pop(_ call: GatewayCall,
                              answer: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let request: PopRequest
        do {
            request = try PopRequest(call)
        } catch {
            return answer(.failure(error))
        }
        call.backend.invoke(.popMessage, on: .broker, extFields: request.extFields, from: call.request) { result in
            let response: RemotingCommand
            switch result {
            case .success(let value): response = value
            case .failure(let problem): return answer(.failure(problem))
            }
            let code = ResponseCode(rawValue: response.code)
            guard code == .success || code == .pullNotFound || code == .pollingTimeout || code == .noMessage else {
                let problem = GatewayProblem.from(response, request: .popMessage)
                guard request.queueId >= 0 else { return answer(.failure(problem)) }
                // RocketMQ answers SYSTEM_ERROR for a queue the topic does not have: say which, if so.
                Task {
                    do {
                        try await TopicQueues.requireQueue(Int(request.queueId), of: request.topic, call: call)
                        answer(.failure(problem))
                    } catch {
                        answer(.failure(error))
                    }
                }
                return
            }
            answer(Result { () throws(GatewayProblem) -> HTTPResponse in
                try render(response, code: code, of: request, call: call)
            }.mapError { $0 as any Error })
        }
    }

    /// A validated pop: the POP_MESSAGE fields and what rendering the answer needs.
    struct PopRequest: Sendable {
        var topic: String
        var group: String
        var queueId: Int64
        var invisibleTime: Int64
        var rendering: MessageRendering
        var extFields: [String: String]

        init(_ call: GatewayCall) throws(GatewayProblem) {
            topic = try call.topic()
            guard let groupText = call.request.queryValue("group") else {
                throw GatewayProblem(.invalidParameter, "query parameter group is required")
            }
            group = try GatewayCall.validGroup(groupText)
            let maxCount = try call.queryInt("maxCount", default: 1, range: 1...32)
            invisibleTime = try call.queryInt("invisibleTimeMs", default: 60_000, range: 1_000...43_200_000)
            let wait = try call.waitMillis()
            queueId = try call.queryInt("queueId", default: -1, range: -1...Int64(Int32.max))
            let tag = call.request.queryValue("tag").flatMap { $0.isEmpty ? nil : $0 } ?? "*"
            let initMode: String
            switch call.request.queryValue("initMode") ?? "min" {
            case "min": initMode = "0"
            case "max": initMode = "1"
            default: throw GatewayProblem(.invalidParameter, "initMode is \"min\" or \"max\"")
            }
            rendering = try PullRoutes.rendering(call)
            extFields = [
                "consumerGroup": group, "topic": topic, "queueId": String(queueId), "maxMsgNums": String(maxCount),
                "invisibleTime": String(invisibleTime), "pollTime": String(wait),
                "bornTime": String(wallClockMillis()), "initMode": initMode, "expType": "TAG", "exp": tag,
                "order": "false",
            ]
        }
    }

    private static func render(_ response: RemotingCommand, code: ResponseCode, of request: PopRequest,
                               call: GatewayCall) throws(GatewayProblem) -> HTTPResponse {
        let topic = request.topic
        let group = request.group
        let rendering = request.rendering
        let messages = code == .success ? try MessageRendering.decodeRecords(response.body) : []
        call.backend.metrics.recordMessages(returned: messages.count)
        let popTime = Int64(response.extFields["popTime"] ?? "") ?? 0
        let reviveQueueId = Int32(response.extFields["reviveQid"] ?? "") ?? 0
        let responseInvisibleTime = Int64(response.extFields["invisibleTime"] ?? "") ?? request.invisibleTime
        let startOffsets = parseStartOffsets(response.extFields["startOffsetInfo"] ?? "")
        let brokerName = call.configuration.brokerName
        return try call.json { writer in
            writer.beginObject()
            writer.field("topic", topic)
            writer.field("group", group)
            writer.field("popTime", popTime)
            writer.field("invisibleTimeMs", responseInvisibleTime)
            writer.key("messages")
            writer.beginArray()
            for message in messages {
                let extraInfo = message.property("POP_CK") ?? ReceiptHandle.extraInfo(
                    ckQueueOffset: startOffsets["\(ReceiptHandle.retryMark(of: message.topic)) \(message.queueId)"]
                        ?? message.queueOffset.rawValue,
                    popTime: popTime, invisibleTime: responseInvisibleTime, reviveQueueId: reviveQueueId,
                    realTopic: message.topic, brokerName: brokerName, queueId: message.queueId,
                    queueOffset: message.queueOffset.rawValue)
                let handle = ReceiptHandle.encode(topic: topic, realTopic: message.topic, group: group,
                                                  extraInfo: extraInfo)
                rendering.write(message, to: writer) { writer in writer.field("receiptHandle", handle) }
            }
            writer.endArray()
            writer.endObject()
        }
    }

    /// `startOffsetInfo`: `<retryMark> <queueId> <startOffset>` entries joined by `;`, keyed `"<mark> <queueId>"`.
    static func parseStartOffsets(_ text: String) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for entry in text.split(separator: ";") {
            let tokens = entry.split(separator: " ")
            guard tokens.count == 3, let offset = Int64(tokens[2]) else { continue }
            result["\(tokens[0]) \(tokens[1])"] = offset
        }
        return result
    }

    /// Body `{"receiptHandle": "..."}` or `{"receiptHandles": ["...", ...]}`.
    /// Answered from the thread that makes the ack durable (the pop-state flush), without a task.
    @Sendable static func ack(_ call: GatewayCall,
                              answer: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let handles: [ReceiptHandle]
        let body: ByteBufferBytes?
        do {
            handles = try receiptHandles(call)
            body = handles.count == 1 ? nil : ByteBufferBytes(try batchAckBody(handles, call: call))
        } catch {
            return answer(.failure(error))
        }
        let code: RequestCode = handles.count == 1 ? .ackMessage : .batchAckMessage
        var extFields: [String: String] = [:]
        if let handle = handles.first, handles.count == 1 {
            extFields = [
                "consumerGroup": handle.group, "topic": handle.realTopic, "queueId": String(handle.queueId),
                "extraInfo": handle.extraInfo, "offset": String(handle.queueOffset),
            ]
        }
        call.backend.invoke(code, on: .broker, extFields: extFields, body: body, from: call.request) { result in
            answer(Result { () throws(GatewayProblem) -> HTTPResponse in
                try checkReceiptResponse(try result.get(), request: code)
                return try call.json { writer in
                    writer.beginObject()
                    writer.field("acknowledged", handles.count)
                    writer.endObject()
                }
            }.mapError { $0 as any Error })
        }
    }

    /// The body's `receiptHandle` or `receiptHandles`, decoded.
    private static func receiptHandles(_ call: GatewayCall) throws(GatewayProblem) -> [ReceiptHandle] {
        let body = try call.jsonObject()
        var encoded: [String] = []
        if body["receiptHandle"] != nil, body["receiptHandles"] != nil {
            throw GatewayProblem(.invalidParameter, "give receiptHandle or receiptHandles, not both")
        }
        if let single = body["receiptHandle"] {
            guard let text = single.stringValue else {
                throw GatewayProblem(.invalidParameter, "receiptHandle is a string")
            }
            encoded.append(text)
        }
        if let many = body["receiptHandles"] {
            guard let items = many.arrayValue, !items.isEmpty else {
                throw GatewayProblem(.invalidParameter, "receiptHandles is a non-empty array of strings")
            }
            for item in items {
                guard let text = item.stringValue else {
                    throw GatewayProblem(.invalidParameter, "receiptHandles holds strings")
                }
                encoded.append(text)
            }
        }
        guard !encoded.isEmpty else {
            throw GatewayProblem(.invalidParameter, "give receiptHandle or a non-empty receiptHandles array")
        }
        guard encoded.count <= call.configuration.maxBatchSize else {
            throw GatewayProblem(.batchTooLarge, "\(encoded.count) receipt handles exceed the batch limit of "
                                 + "\(call.configuration.maxBatchSize)")
        }
        var handles: [ReceiptHandle] = []
        for text in encoded { handles.append(try ReceiptHandle(encoded: text)) }
        return handles
    }

    /// Body `{"receiptHandle": "...", "invisibleTimeMs": 30000}`; answers the new receipt handle.
    @Sendable static func changeInvisibleTime(_ call: GatewayCall) async throws -> HTTPResponse {
        let body = try call.jsonObject()
        guard let text = body["receiptHandle"]?.stringValue else {
            throw GatewayProblem(.invalidParameter, "receiptHandle is required")
        }
        let invisibleTime = try RequestFields.integer(body, "invisibleTimeMs", range: 1_000...43_200_000)
        let handle = try ReceiptHandle(encoded: text)
        let response = try await call.invoke(.changeMessageInvisibleTime, extFields: [
            "consumerGroup": handle.group, "topic": handle.realTopic, "queueId": String(handle.queueId),
            "extraInfo": handle.extraInfo, "offset": String(handle.queueOffset),
            "invisibleTime": String(invisibleTime),
        ])
        try checkReceiptResponse(response, request: .changeMessageInvisibleTime)
        let renewed = ReceiptHandle(
            topic: handle.topic, realTopic: handle.realTopic, group: handle.group,
            extraInfo: ReceiptHandle.extraInfo(
                ckQueueOffset: handle.queueOffset, popTime: Int64(response.extFields["popTime"] ?? "") ?? 0,
                invisibleTime: Int64(response.extFields["invisibleTime"] ?? "") ?? invisibleTime,
                reviveQueueId: Int32(response.extFields["reviveQid"] ?? "") ?? handle.reviveQueueId,
                realTopic: handle.realTopic, brokerName: handle.brokerName, queueId: handle.queueId,
                queueOffset: handle.queueOffset))
        return try call.json { writer in
            writer.beginObject()
            writer.field("receiptHandle", renewed.encoded)
            writer.field("invisibleTimeMs", invisibleTime)
            writer.endObject()
        }
    }

    private static func checkReceiptResponse(_ response: RemotingCommand, request: RequestCode)
        throws(GatewayProblem) {
        switch ResponseCode(rawValue: response.code) {
        case .success: return
        case .noMessage:
            throw GatewayProblem(.receiptHandleExpired, "\(request): the message is no longer held by this handle",
                                 responseCode: .noMessage)
        default: throw GatewayProblem.from(response, request: request)
        }
    }

    /// BatchAckMessageRequestBody (remoting-protocol §3.8): handles merged per (group, topic, retry mark, queue,
    /// checkpoint offset, pop time), offsets as a Java `BitSet.toByteArray()` relative to the checkpoint offset.
    static func batchAckBody(_ handles: [ReceiptHandle], call: GatewayCall) throws(GatewayProblem) -> [UInt8] {
        struct Merge: Hashable {
            var group: String, topic: String, retry: String, queueId: Int32, start: Int64, popTime: Int64
        }
        var order: [Merge] = []
        var bits: [Merge: (handle: ReceiptHandle, bits: [UInt8])] = [:]
        for handle in handles {
            let key = Merge(group: handle.group, topic: handle.topic, retry: handle.retryMark, queueId: handle.queueId,
                            start: handle.ckQueueOffset, popTime: handle.popTime)
            let index = handle.queueOffset - handle.ckQueueOffset
            guard index >= 0, index < 1 << 20 else {
                throw GatewayProblem(.badReceiptHandle, "the receipt handle's offsets are inconsistent")
            }
            if bits[key] == nil { order.append(key); bits[key] = (handle, []) }
            var set = bits[key]!.bits
            let byte = Int(index / 8)
            if set.count <= byte { set += [UInt8](repeating: 0, count: byte - set.count + 1) }
            set[byte] |= 1 << UInt8(index % 8)
            bits[key]!.bits = set
        }
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("acks")
        writer.beginArray()
        for key in order {
            guard let (handle, set) = bits[key] else { continue }
            writer.beginObject()
            writer.field("b", Base64.encode(set))
            writer.field("c", key.group)
            writer.field("it", handle.invisibleTime)
            writer.field("pt", key.popTime)
            writer.field("q", key.queueId)
            writer.field("r", key.retry)
            writer.field("rq", handle.reviveQueueId)
            writer.field("so", key.start)
            writer.field("t", key.topic)
            writer.endObject()
        }
        writer.endArray()
        writer.field("brokerName", call.configuration.brokerName)
        writer.endObject()
        return writer.bytes()
    }
}
