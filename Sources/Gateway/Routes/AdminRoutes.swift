import Core

/// Routes, topics, cluster and broker runtime info.
enum AdminRoutes {
    /// GET_ROUTEINFO_BY_TOPIC on the name server, its TopicRouteData as served.
    @Sendable static func route(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        let response = try await call.invoke(.getRouteInfoByTopic, on: .nameServer,
                                             extFields: ["topic": topic, "acceptStandardJsonOnly": "true"])
        if response.code == ResponseCode.topicNotExist.rawValue {
            throw GatewayProblem(.topicNotFound, "the name server has no route for topic \(topic)",
                                 responseCode: .topicNotExist)
        }
        guard response.code == ResponseCode.success.rawValue else {
            throw GatewayProblem.from(response, request: .getRouteInfoByTopic)
        }
        let route = try GatewayCall.parseBody(response, of: .getRouteInfoByTopic)
        return try call.json { writer in writer.value(route) }
    }

    @Sendable static func listTopics(_ call: GatewayCall) async throws -> HTTPResponse {
        let table = try await topicConfigTable(call)
        return try call.json { writer in
            writer.beginObject()
            writer.key("topics")
            writer.beginArray()
            for (name, config) in table { writeTopic(writer, name: name, config: config) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// Topic config plus per-queue min/max offsets (GET_TOPIC_STATS_INFO, or GET_MIN/MAX_OFFSET per queue).
    @Sendable static func describeTopic(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        guard let config = try await topicConfigTable(call).first(where: { $0.0 == topic })?.1 else {
            throw GatewayProblem(.topicNotFound, "the broker has no topic \(topic)")
        }
        let queueCount = Int(max(config["readQueueNums"]?.int64Value ?? 0, config["writeQueueNums"]?.int64Value ?? 0))
        let queues = try await queueStats(call, topic: topic, queueCount: queueCount)
        return try call.json { writer in
            writeTopic(writer, name: topic, config: config) { writer in
                writer.key("queues")
                writer.beginArray()
                for queue in queues {
                    writer.beginObject()
                    writer.field("queueId", queue.queueId)
                    writer.field("minOffset", queue.minOffset)
                    writer.field("maxOffset", queue.maxOffset)
                    if let timestamp = queue.lastUpdateTimestamp { writer.field("lastUpdateTimestamp", timestamp) }
                    writer.endObject()
                }
                writer.endArray()
            }
        }
    }

    /// UPDATE_AND_CREATE_TOPIC with body `{"readQueueNums", "writeQueueNums", "perm", "order"}` (all optional).
    @Sendable static func putTopic(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        let body = try call.jsonObject(optional: true)
        let read = try integer(body, "readQueueNums", default: 8, range: 1...1024)
        let write = try integer(body, "writeQueueNums", default: read, range: 1...1024)
        let perm = try integer(body, "perm", default: 6, range: 0...7)
        let order = try RequestFields.bool(body, "order", default: false)
        _ = try await call.invokeExpectingSuccess(.updateAndCreateTopic, extFields: [
            "topic": topic, "defaultTopic": "TBW102", "readQueueNums": String(read), "writeQueueNums": String(write),
            "perm": String(perm), "topicFilterType": "SINGLE_TAG", "topicSysFlag": "0", "order": String(order),
        ])
        await TopicQueues.awaitRoute(topic, counts: .init(readQueueNums: Int(read), writeQueueNums: Int(write)),
                                     call: call)
        return try call.json { writer in
            writer.beginObject()
            writer.field("name", topic)
            writer.field("readQueueNums", read)
            writer.field("writeQueueNums", write)
            writer.field("perm", perm)
            writer.field("order", order)
            writer.endObject()
        }
    }

    /// DELETE_TOPIC_IN_BROKER, then DELETE_TOPIC_IN_NAMESRV when the name server serves it.
    @Sendable static func deleteTopic(_ call: GatewayCall) async throws -> HTTPResponse {
        let topic = try call.topic()
        _ = try await call.invokeExpectingSuccess(.deleteTopicInBroker, extFields: ["topic": topic])
        if call.backend.nameServerProcessors[RequestCode.deleteTopicInNamesrv.rawValue] != nil {
            _ = try await call.invokeExpectingSuccess(.deleteTopicInNamesrv, on: .nameServer,
                                                      extFields: ["topic": topic])
        }
        return HTTPResponse(status: 204)
    }

    /// GET_BROKER_CLUSTER_INFO on the name server, as served (numeric keys quoted).
    @Sendable static func cluster(_ call: GatewayCall) async throws -> HTTPResponse {
        let response = try await call.invokeExpectingSuccess(.getBrokerClusterInfo, on: .nameServer)
        let info = try GatewayCall.parseBody(response, of: .getBrokerClusterInfo)
        return try call.json { writer in writer.value(info) }
    }

    /// GET_BROKER_RUNTIME_INFO: the KVTable's `table` object.
    @Sendable static func brokerRuntime(_ call: GatewayCall) async throws -> HTTPResponse {
        let response = try await call.invokeExpectingSuccess(.getBrokerRuntimeInfo)
        let table = try GatewayCall.parseBody(response, of: .getBrokerRuntimeInfo)
        return try call.json { writer in
            writer.beginObject()
            writer.field("broker", call.configuration.brokerName)
            writer.field("runtime", value: table["table"] ?? .object([]))
            writer.endObject()
        }
    }

    // MARK: Helpers

    /// GET_ALL_TOPIC_CONFIG's `topicConfigTable`, sorted by name.
    static func topicConfigTable(_ call: GatewayCall) async throws(GatewayProblem) -> [(String, JSONValue)] {
        let response = try await call.invokeExpectingSuccess(.getAllTopicConfig)
        let wrapper = try GatewayCall.parseBody(response, of: .getAllTopicConfig)
        return (wrapper["topicConfigTable"]?.objectValue ?? []).sorted { $0.0 < $1.0 }
    }

    static func writeTopic(_ writer: JSONWriter, name: String, config: JSONValue,
                           extra: (JSONWriter) -> Void = { _ in }) {
        writer.beginObject()
        writer.field("name", name)
        writer.field("readQueueNums", config["readQueueNums"]?.int64Value ?? 0)
        writer.field("writeQueueNums", config["writeQueueNums"]?.int64Value ?? 0)
        writer.field("perm", config["perm"]?.int64Value ?? 0)
        writer.field("order", config["order"]?.boolValue ?? false)
        writer.field("topicFilterType", config["topicFilterType"]?.stringValue ?? "SINGLE_TAG")
        extra(writer)
        writer.endObject()
    }

    struct QueueStats {
        var queueId: Int
        var minOffset: Int64
        var maxOffset: Int64
        var lastUpdateTimestamp: Int64?
    }

    static func queueStats(_ call: GatewayCall, topic: String, queueCount: Int) async throws(GatewayProblem)
        -> [QueueStats] {
        if call.backend.brokerProcessors[RequestCode.getTopicStatsInfo.rawValue] != nil {
            let response = try await call.invokeExpectingSuccess(.getTopicStatsInfo, extFields: ["topic": topic])
            let table = try GatewayCall.parseBody(response, of: .getTopicStatsInfo)
            var result: [QueueStats] = []
            for (key, stats) in table["offsetTable"]?.objectValue ?? [] {
                guard let queueId = (try? JSONParser.parse(key))?["queueId"]?.int64Value else { continue }
                result.append(QueueStats(queueId: Int(queueId), minOffset: stats["minOffset"]?.int64Value ?? 0,
                                         maxOffset: stats["maxOffset"]?.int64Value ?? 0,
                                         lastUpdateTimestamp: stats["lastUpdateTimestamp"]?.int64Value))
            }
            return result.sorted { $0.queueId < $1.queueId }
        }
        var result: [QueueStats] = []
        for queueId in 0..<queueCount {
            let fields = ["topic": topic, "queueId": String(queueId)]
            let minimum = try await call.invokeExpectingSuccess(.getMinOffset, extFields: fields)
            let maximum = try await call.invokeExpectingSuccess(.getMaxOffset, extFields: fields)
            result.append(QueueStats(queueId: queueId, minOffset: Int64(minimum.extFields["offset"] ?? "") ?? 0,
                                     maxOffset: Int64(maximum.extFields["offset"] ?? "") ?? 0))
        }
        return result
    }

    static func integer(_ body: JSONValue, _ name: String, default defaultValue: Int64,
                        range: ClosedRange<Int64>) throws(GatewayProblem) -> Int64 {
        try RequestFields.integer(body, name, default: defaultValue, range: range)
    }
}
