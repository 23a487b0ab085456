import Core

/// Queue counts of a topic on this gateway's broker, and waiting for the name server to serve a new topic.
enum TopicQueues {
    struct Counts: Sendable, Equatable {
        var readQueueNums: Int
        var writeQueueNums: Int
    }

    /// The queue counts of `topic` on this gateway's broker: GET_TOPIC_CONFIG when the broker serves it (messages
    /// go to this broker, so its own table is the one that counts, and it knows a topic as soon as it is created),
    /// else the route the name server serves.
    /// - Throws: `topic_not_found` when the broker (or the name server) does not know the topic.
    static func counts(_ topic: String, call: GatewayCall) async throws(GatewayProblem) -> Counts {
        guard call.backend.brokerProcessors[RequestCode.getTopicConfig.rawValue] != nil else {
            guard let counts = try await routeCounts(topic, call: call) else {
                throw GatewayProblem(.topicNotFound, "the name server has no route for topic \(topic)",
                                     responseCode: .topicNotExist)
            }
            return counts
        }
        let response = try await call.invoke(.getTopicConfig, extFields: ["topic": topic])
        if response.code == ResponseCode.topicNotExist.rawValue {
            throw GatewayProblem(.topicNotFound, "the broker has no topic \(topic)", responseCode: .topicNotExist)
        }
        guard response.code == ResponseCode.success.rawValue else {
            throw GatewayProblem.from(response, request: .getTopicConfig)
        }
        let config = try GatewayCall.parseBody(response, of: .getTopicConfig)
        return Counts(readQueueNums: Int(config["readQueueNums"]?.int64Value ?? 0),
                      writeQueueNums: Int(config["writeQueueNums"]?.int64Value ?? 0))
    }

    /// Throws `queue_not_found` when `topic` exists and has no read queue `queueId`. Called after a processor
    /// refused a request, to tell that case from others without a lookup on every request.
    static func requireQueue(_ queueId: Int, of topic: String, call: GatewayCall) async throws(GatewayProblem) {
        guard let counts = try? await counts(topic, call: call), queueId >= counts.readQueueNums else { return }
        throw GatewayProblem(.queueNotFound,
                             "topic \(topic) has \(counts.readQueueNums) read queues; there is no queue \(queueId)")
    }

    static func writeQueueCount(_ topic: String, call: GatewayCall) async throws(GatewayProblem) -> Int {
        try await counts(topic, call: call).writeQueueNums
    }

    /// The queue counts of this broker (or the route's first broker) in the name server's route; nil without a route.
    static func routeCounts(_ topic: String, call: GatewayCall) async throws(GatewayProblem) -> Counts? {
        let response = try await call.invoke(.getRouteInfoByTopic, on: .nameServer,
                                             extFields: ["topic": topic, "acceptStandardJsonOnly": "true"])
        if response.code == ResponseCode.topicNotExist.rawValue { return nil }
        guard response.code == ResponseCode.success.rawValue else {
            throw GatewayProblem.from(response, request: .getRouteInfoByTopic)
        }
        let route = try GatewayCall.parseBody(response, of: .getRouteInfoByTopic)
        let queueDatas = route["queueDatas"]?.arrayValue ?? []
        let mine = queueDatas.first { $0["brokerName"]?.stringValue == call.configuration.brokerName }
        guard let queueData = mine ?? queueDatas.first else { return nil }
        return Counts(readQueueNums: Int(queueData["readQueueNums"]?.int64Value ?? 0),
                      writeQueueNums: Int(queueData["writeQueueNums"]?.int64Value ?? 0))
    }

    /// Waits, up to `timeout`, until the name server in this process serves `topic` with `counts`.
    ///
    /// The broker re-registers with the name server shortly after a topic changes, not before it answers
    /// UPDATE_AND_CREATE_TOPIC (RocketMQ registers before answering), so without this a client that creates a topic
    /// and at once reads its route would get 404. Gives up quietly at the deadline: the topic exists on the broker
    /// either way. Does nothing when this process runs no name server.
    static func awaitRoute(_ topic: String, counts: Counts, call: GatewayCall,
                           timeout: Duration = .seconds(3)) async {
        guard call.backend.nameServerProcessors[RequestCode.getRouteInfoByTopic.rawValue] != nil else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let served = try? await routeCounts(topic, call: call), served == counts { return }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
