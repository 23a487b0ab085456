import NIOCore

/// Client- and admin-facing codes: routes, cluster info, topic lists, topic registration and deletion.
extension NamesrvProcessor {
    /// The remark suffix Java appends to TOPIC_NOT_EXIST (`FAQUrl.suggestTodo(APPLY_TOPIC_URL)`).
    static let topicNotExistSuggestion =
        "\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details."

    func getRouteInfoByTopic(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let topic = try header.requiredString("topic")
        guard var route = routeInfoManager.topicRouteData(topic: topic) else {
            return request.response(
                .topicNotExist,
                remark: "No topic route info in name server for the topic: \(topic)" + Self.topicNotExistSuggestion)
        }
        if configuration.orderMessageEnable {
            route.orderTopicConf = kvConfigManager.value(
                namespace: KVConfigManager.orderTopicConfigNamespace,
                key: topic)
        }
        let bytes = route.jsonBytes(brokerIDKeys: brokerIDKeyStyle(for: request, header))
        return request.response(.success, body: ByteBuffer(bytes: bytes))
    }

    func getBrokerClusterInfo(_ request: RemotingCommand, _ header: CustomHeaderReader) -> RemotingCommand {
        let bytes = routeInfoManager.clusterInfo().jsonBytes(brokerIDKeys: brokerIDKeyStyle(for: request, header))
        return request.response(.success, body: ByteBuffer(bytes: bytes))
    }

    /// REGISTER_TOPIC_IN_NAMESRV: adds the body's queue data for brokers that are already registered.
    func registerTopicInNamesrv(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let topic = try header.requiredString("topic")
        if let body = request.body, body.readableBytes > 0 {
            let route = try TopicRouteData(jsonBody: body)
            routeInfoManager.registerTopic(topic, queueDatas: route.queueDatas)
        }
        return request.response(.success)
    }

    func deleteTopicInNamesrv(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let topic = try header.requiredString("topic")
        let clusterName = header.optionalString("clusterName").flatMap { $0.isEmpty ? nil : $0 }
        routeInfoManager.deleteTopic(topic, clusterName: clusterName)
        return request.response(.success)
    }

    /// A TopicList answer, or SYSTEM_ERROR "disable" when the listing is switched off (as in Java).
    func topicList(
        _ request: RemotingCommand, enabled: Bool,
        _ list: (RouteInfoManager) -> TopicList
    ) -> RemotingCommand {
        guard enabled else { return request.response(.systemError, remark: "disable") }
        return request.response(.success, body: list(routeInfoManager).jsonBody())
    }
}
