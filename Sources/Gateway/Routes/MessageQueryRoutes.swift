import Core
import Store

/// Message lookup: by id (`GET /v1/messages/{messageId}`) and by key (`GET /v1/topics/{topic}/messages?key=`).
enum MessageQueryRoutes {
    /// An offset message id is decoded and read with VIEW_MESSAGE_BY_ID; with `topic`, a client id (UNIQ_KEY) is
    /// looked up with QUERY_MESSAGE when the id is not an offset id of a stored record.
    @Sendable static func byID(_ call: GatewayCall) async throws -> HTTPResponse {
        let id = call.parameters["messageId"] ?? ""
        let rendering = try PullRoutes.rendering(call)
        let topic = try call.request.queryValue("topic").map { (text) throws(GatewayProblem) in
            try GatewayCall.validTopic(text)
        }
        if let (_, offset) = MessageId.decodeOffsetMessageId(id) {
            var fields = ["offset": String(offset.rawValue)]
            if let topic { fields["topic"] = topic }
            let response = try await call.invoke(.viewMessageById, extFields: fields)
            if response.code == ResponseCode.success.rawValue,
               let message = try MessageRendering.decodeRecords(response.body).first,
               message.offsetMessageId == id.uppercased() || message.property(MessageProperties.uniqueKey) == id {
                return try call.json { writer in rendering.write(message, to: writer) }
            }
        }
        guard let topic else {
            throw GatewayProblem(.messageNotFound, "no message has offset id \(id); give topic to look up client ids")
        }
        let messages = try await query(call, topic: topic, key: id, uniqueKey: true, maxCount: 32)
            .filter { $0.property(MessageProperties.uniqueKey) == id }
        guard let message = messages.first else {
            throw GatewayProblem(.messageNotFound, "no message of topic \(topic) has id \(id)")
        }
        return try call.json { writer in rendering.write(message, to: writer) }
    }

    /// QUERY_MESSAGE by a KEYS token, newest first; `begin`/`end` bound the store time (ms).
    @Sendable static func byKey(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        guard let key = call.request.queryValue("key"), !key.isEmpty else {
            throw GatewayProblem(.invalidParameter, "query parameter key is required")
        }
        let maxCount = try call.queryInt("maxCount", default: 32, range: 1...1024)
        let rendering = try PullRoutes.rendering(call)
        let messages = try await query(call, topic: topic, key: key, uniqueKey: false, maxCount: maxCount)
            .filter { ($0.property(MessageProperties.keys) ?? "").split(separator: " ").contains(Substring(key)) }
        return try call.json { writer in
            writer.beginObject()
            writer.field("topic", topic)
            writer.field("key", key)
            writer.key("messages")
            writer.beginArray()
            for message in messages { rendering.write(message, to: writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    private static func query(_ call: GatewayCall, topic: String, key: String, uniqueKey: Bool, maxCount: Int64)
        async throws(GatewayProblem) -> [DecodedMessage] {
        let begin = try call.queryInt("begin", default: 0, range: 0...Int64.max)
        let end = try call.queryInt("end", default: Int64.max, range: 0...Int64.max)
        let response = try await call.invoke(.queryMessage, extFields: [
            "topic": topic, "key": key, "maxNum": String(maxCount), "beginTimestamp": String(begin),
            "endTimestamp": String(end), "_UNIQUE_KEY_QUERY": uniqueKey ? "true" : "false",
        ])
        if response.code == ResponseCode.queryNotFound.rawValue { return [] }
        guard response.code == ResponseCode.success.rawValue else {
            throw GatewayProblem.from(response, request: .queryMessage)
        }
        return try MessageRendering.decodeRecords(response.body)
    }
}
