import Core

/// Queue counts of a topic, read from the route the name server serves (the same source clients use).
enum TopicQueues {
    struct Counts: Sendable {
        var readQueueNums: Int
        var writeQueueNums: Int
    }

    /// The queue counts of `topic` on this gateway's broker (or the first broker of the route).
    /// - Throws: `topic_not_found` when the name server has no route.
    static func counts(_ topic: String, call: GatewayCall) async throws(GatewayProblem) -> Counts {
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
        let queueDatas = route["queueDatas"]?.arrayValue ?? []
        let mine = queueDatas.first { $0["brokerName"]?.stringValue == call.configuration.brokerName }
        guard let queueData = mine ?? queueDatas.first else {
            throw GatewayProblem(.topicNotFound, "the route of topic \(topic) has no queues")
        }
        return Counts(readQueueNums: Int(queueData["readQueueNums"]?.int64Value ?? 0),
                      writeQueueNums: Int(queueData["writeQueueNums"]?.int64Value ?? 0))
    }

    static func writeQueueCount(_ topic: String, call: GatewayCall) async throws(GatewayProblem) -> Int {
        try await counts(topic, call: call).writeQueueNums
    }
}
