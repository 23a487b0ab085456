import Core

/// A consumer group's committed offsets: read, commit, reset by time.
enum OffsetRoutes {
    /// QUERY_CONSUMER_OFFSET; 404 `offset_not_found` when the group has none for the queue.
    @Sendable static func read(_ call: GatewayCall) async throws -> HTTPResponse {
        let (group, topic, queueId) = try target(call)
        let response = try await call.invoke(.queryConsumerOffset, extFields: [
            "consumerGroup": group, "topic": topic, "queueId": String(queueId), "setZeroIfNotFound": "false",
        ])
        if response.code == ResponseCode.queryNotFound.rawValue {
            throw GatewayProblem(.offsetNotFound, "group \(group) has no offset for \(topic) queue \(queueId)",
                                 responseCode: .queryNotFound)
        }
        guard response.code == ResponseCode.success.rawValue else {
            throw GatewayProblem.from(response, request: .queryConsumerOffset)
        }
        return try offsetDocument(call, group: group, topic: topic, queueId: queueId,
                                  offset: Int64(response.extFields["offset"] ?? "") ?? 0)
    }

    /// UPDATE_CONSUMER_OFFSET with body `{"offset": n}`.
    @Sendable static func commit(_ call: GatewayCall) async throws -> HTTPResponse {
        let (group, topic, queueId) = try target(call)
        let body = try call.jsonObject()
        let offset = try RequestFields.integer(body, "offset", range: 0...Int64.max)
        _ = try await call.invokeExpectingSuccess(.updateConsumerOffset, extFields: [
            "consumerGroup": group, "topic": topic, "queueId": String(queueId), "commitOffset": String(offset),
        ])
        return try offsetDocument(call, group: group, topic: topic, queueId: queueId, offset: offset)
    }

    /// Body `{"timestamp": ms}`: per queue, SEARCH_OFFSET_BY_TIMESTAMP then UPDATE_CONSUMER_OFFSET.
    @Sendable static func reset(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        let topic = try call.topic()
        let body = try call.jsonObject()
        let timestamp = try RequestFields.integer(body, "timestamp", range: 0...Int64.max)
        let counts = try await TopicQueues.counts(topic, call: call)
        var offsets: [(Int, Int64)] = []
        for queueId in 0..<counts.readQueueNums {
            let found = try await call.invokeExpectingSuccess(.searchOffsetByTimestamp, extFields: [
                "topic": topic, "queueId": String(queueId), "timestamp": String(timestamp), "boundaryType": "LOWER",
            ])
            let offset = Int64(found.extFields["offset"] ?? "") ?? 0
            _ = try await call.invokeExpectingSuccess(.updateConsumerOffset, extFields: [
                "consumerGroup": group, "topic": topic, "queueId": String(queueId), "commitOffset": String(offset),
            ])
            offsets.append((queueId, offset))
        }
        return try call.json { writer in
            writer.beginObject()
            writer.field("group", group)
            writer.field("topic", topic)
            writer.field("timestamp", timestamp)
            writer.key("offsets")
            writer.beginArray()
            for (queueId, offset) in offsets {
                writer.beginObject()
                writer.field("queueId", queueId)
                writer.field("offset", offset)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
    }

    private static func target(_ call: GatewayCall) throws(GatewayProblem) -> (String, String, Int64) {
        (try call.group(), try call.topic(), try call.pathInt("queueId", range: 0...Int64(Int32.max)))
    }

    private static func offsetDocument(_ call: GatewayCall, group: String, topic: String, queueId: Int64,
                                       offset: Int64) throws(GatewayProblem) -> HTTPResponse {
        try call.json { writer in
            writer.beginObject()
            writer.field("group", group)
            writer.field("topic", topic)
            writer.field("queueId", queueId)
            writer.field("offset", offset)
            writer.endObject()
        }
    }
}
