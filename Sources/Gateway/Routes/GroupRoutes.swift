import Core

/// Consumer groups: list, describe with lag per queue, create/update, delete.
enum GroupRoutes {
    @Sendable static func list(_ call: GatewayCall) async throws -> HTTPResponse {
        let table = try await groupTable(call)
        return try call.json { writer in
            writer.beginObject()
            writer.key("groups")
            writer.beginArray()
            for (name, config) in table { writeGroup(writer, name: name, config: config) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// Config plus GET_CONSUME_STATS per queue: broker offset, consumer offset, lag (`topic` narrows it).
    @Sendable static func describe(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        guard let config = try await groupTable(call).first(where: { $0.0 == group })?.1 else {
            throw GatewayProblem(.consumerGroupNotFound, "the broker has no consumer group \(group)")
        }
        var fields = ["consumerGroup": group]
        if let topic = call.request.queryValue("topic") { fields["topic"] = try GatewayCall.validTopic(topic) }
        let response = try await call.invokeExpectingSuccess(.getConsumeStats, extFields: fields)
        let stats = try GatewayCall.parseBody(response, of: .getConsumeStats)
        var queues: [(topic: String, queueId: Int64, broker: Int64, consumer: Int64, timestamp: Int64?)] = []
        for (key, entry) in stats["offsetTable"]?.objectValue ?? [] {
            guard let queue = try? JSONParser.parse(key), let topic = queue["topic"]?.stringValue,
                  let queueId = queue["queueId"]?.int64Value else { continue }
            queues.append((topic, queueId, entry["brokerOffset"]?.int64Value ?? 0,
                           entry["consumerOffset"]?.int64Value ?? 0, entry["lastTimestamp"]?.int64Value))
        }
        queues.sort { ($0.topic, $0.queueId) < ($1.topic, $1.queueId) }
        return try call.json { writer in
            writeGroup(writer, name: group, config: config) { writer in
                writer.field("totalLag", queues.reduce(Int64(0)) { $0 + max(0, $1.broker - $1.consumer) })
                writer.key("queues")
                writer.beginArray()
                for queue in queues {
                    writer.beginObject()
                    writer.field("topic", queue.topic)
                    writer.field("queueId", queue.queueId)
                    writer.field("brokerOffset", queue.broker)
                    writer.field("consumerOffset", queue.consumer)
                    writer.field("lag", max(0, queue.broker - queue.consumer))
                    if let timestamp = queue.timestamp { writer.field("lastTimestamp", timestamp) }
                    writer.endObject()
                }
                writer.endArray()
            }
        }
    }

    /// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP; body `{"maxReconsumeTimes", "consumeEnable",
    /// "consumeBroadcastEnable", "consumeFromMinEnable"}`, all optional.
    @Sendable static func put(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        let body = try call.jsonObject(optional: true)
        let retryMaxTimes = try AdminRoutes.integer(body, "maxReconsumeTimes", default: 16, range: 0...1000)
        let consumeEnable = try RequestFields.bool(body, "consumeEnable", default: true)
        let broadcast = try RequestFields.bool(body, "consumeBroadcastEnable", default: true)
        let fromMin = try RequestFields.bool(body, "consumeFromMinEnable", default: true)
        let config = JSONValue.object([
            ("brokerId", .number("0")), ("consumeBroadcastEnable", .bool(broadcast)),
            ("consumeEnable", .bool(consumeEnable)), ("consumeFromMinEnable", .bool(fromMin)),
            ("groupName", .string(group)), ("notifyConsumerIdsChangedEnable", .bool(true)),
            ("retryMaxTimes", .number(String(retryMaxTimes))), ("retryQueueNums", .number("1")),
            ("whichBrokerWhenConsumeSlowly", .number("1")),
        ])
        _ = try await call.invokeExpectingSuccess(.updateAndCreateSubscriptionGroup,
                                                  body: ByteBufferBytes(config.serialized()))
        return try call.json { writer in writeGroup(writer, name: group, config: config) }
    }

    @Sendable static func delete(_ call: GatewayCall) async throws -> HTTPResponse {
        let group = try call.group()
        _ = try await call.invokeExpectingSuccess(.deleteSubscriptionGroup, extFields: ["groupName": group])
        return HTTPResponse(status: 204)
    }

    static func groupTable(_ call: GatewayCall) async throws(GatewayProblem) -> [(String, JSONValue)] {
        let response = try await call.invokeExpectingSuccess(.getAllSubscriptionGroupConfig)
        let wrapper = try GatewayCall.parseBody(response, of: .getAllSubscriptionGroupConfig)
        return (wrapper["subscriptionGroupTable"]?.objectValue ?? []).sorted { $0.0 < $1.0 }
    }

    static func writeGroup(_ writer: JSONWriter, name: String, config: JSONValue,
                           extra: (JSONWriter) -> Void = { _ in }) {
        writer.beginObject()
        writer.field("name", name)
        writer.field("maxReconsumeTimes", config["retryMaxTimes"]?.int64Value ?? 16)
        writer.field("consumeEnable", config["consumeEnable"]?.boolValue ?? true)
        writer.field("consumeBroadcastEnable", config["consumeBroadcastEnable"]?.boolValue ?? true)
        writer.field("consumeFromMinEnable", config["consumeFromMinEnable"]?.boolValue ?? true)
        extra(writer)
        writer.endObject()
    }
}
