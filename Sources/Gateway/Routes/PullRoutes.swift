import Core

/// `GET /v1/topics/{topic}/queues/{queueId}/messages`: PULL_MESSAGE for one queue.
enum PullRoutes {
    /// PullSysFlag bits (remoting-protocol §2.3).
    static let suspendFlag = 0x2
    static let subscriptionFlag = 0x4

    @Sendable static func pull(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        let queueId = try call.pathInt("queueId", range: 0...Int64(Int32.max))
        let group = try GatewayCall.validGroup(call.request.queryValue("group")
            ?? call.configuration.defaultConsumerGroup)
        let offset = try call.queryInt("offset", default: 0, range: 0...Int64.max)
        let maxCount = try call.queryInt("maxCount", default: 32, range: 1...1024)
        let wait = try call.waitMillis()
        let tag = call.request.queryValue("tag").flatMap { $0.isEmpty ? nil : $0 } ?? "*"
        let rendering = try PullRoutes.rendering(call)
        let response = try await call.invoke(.pullMessage, extFields: [
            "consumerGroup": group, "topic": topic, "queueId": String(queueId), "queueOffset": String(offset),
            "maxMsgNums": String(maxCount), "sysFlag": String(subscriptionFlag | (wait > 0 ? suspendFlag : 0)),
            "commitOffset": "0", "suspendTimeoutMillis": String(wait), "subscription": tag,
            "subVersion": String(wallClockMillis()), "expressionType": "TAG",
        ])
        let status: String
        switch ResponseCode(rawValue: response.code) {
        case .success: status = "FOUND"
        case .pullNotFound: status = "NO_NEW_MESSAGE"
        case .pullRetryImmediately: status = "NO_MATCHED_MESSAGE"
        case .pullOffsetMoved: status = "OFFSET_ILLEGAL"
        default:
            try await TopicQueues.requireQueue(Int(queueId), of: topic, call: call)
            throw GatewayProblem.from(response, request: .pullMessage)
        }
        let messages = status == "FOUND" ? try MessageRendering.decodeRecords(response.body) : []
        call.backend.metrics.recordMessages(returned: messages.count)
        return try call.json { writer in
            writer.beginObject()
            writer.field("status", status)
            writer.field("topic", topic)
            writer.field("queueId", queueId)
            writer.field("nextOffset", Int64(response.extFields["nextBeginOffset"] ?? "") ?? offset)
            writer.field("minOffset", Int64(response.extFields["minOffset"] ?? "") ?? 0)
            writer.field("maxOffset", Int64(response.extFields["maxOffset"] ?? "") ?? 0)
            writer.key("messages")
            writer.beginArray()
            for message in messages { rendering.write(message, to: writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// Body rendering options from `bodyEncoding` (`auto`, the default, or `base64`).
    static func rendering(_ call: GatewayCall) throws(GatewayProblem) -> MessageRendering {
        switch call.request.queryValue("bodyEncoding") ?? "auto" {
        case "auto": return MessageRendering(maxInflatedBytes: call.configuration.maxBodyBytes * 16)
        case "base64": return MessageRendering(forceBase64: true, maxInflatedBytes: call.configuration.maxBodyBytes * 16)
        default: throw GatewayProblem(.invalidParameter, "bodyEncoding is \"auto\" or \"base64\"")
        }
    }
}
