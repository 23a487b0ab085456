public import Logging
public import Store

/// The admin and query part of the broker's processor table (`BrokerProcessors.make` merges it in).
public enum AdminProcessors {
    /// - Returns: processors for UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG,
    ///   GET_TOPIC_CONFIG, GET_TOPIC_STATS_INFO, GET_CONSUME_STATS, GET_CONSUMER_CONNECTION_LIST,
    ///   QUERY_TOPIC_CONSUME_BY_WHO, INVOKE_BROKER_TO_RESET_OFFSET, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
    ///   GET_ALL_SUBSCRIPTIONGROUP_CONFIG, DELETE_SUBSCRIPTIONGROUP, GET_BROKER_RUNTIME_INFO, GET_BROKER_CONFIG,
    ///   QUERY_MESSAGE and VIEW_MESSAGE_BY_ID.
    public static func make(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        subscriptionGroups: SubscriptionGroupManager, offsets: ConsumerOffsetManager, consumers: ConsumerManager,
        logger: Logger
    ) -> [(RequestCode, any RequestProcessor)] {
        let topicAdmin = AdminTopicProcessor(
            configuration: configuration, store: store, topics: topics, offsets: offsets, logger: logger)
        let consumerAdmin = AdminConsumerProcessor(
            configuration: configuration, store: store, topics: topics, offsets: offsets, consumers: consumers,
            logger: logger)
        let groupAdmin = AdminGroupProcessor(subscriptionGroups: subscriptionGroups, offsets: offsets, logger: logger)
        let brokerInfo = AdminBrokerInfoProcessor(configuration: configuration, store: store)
        let query = QueryMessageProcessor(store: store)
        return [
            (.updateAndCreateTopic, topicAdmin), (.deleteTopicInBroker, topicAdmin), (.getAllTopicConfig, topicAdmin),
            (.getTopicConfig, topicAdmin), (.getTopicStatsInfo, topicAdmin),
            (.getConsumeStats, consumerAdmin), (.getConsumerConnectionList, consumerAdmin),
            (.queryTopicConsumeByWho, consumerAdmin), (.invokeBrokerToResetOffset, consumerAdmin),
            (.updateAndCreateSubscriptionGroup, groupAdmin), (.getAllSubscriptionGroupConfig, groupAdmin),
            (.deleteSubscriptionGroup, groupAdmin),
            (.getBrokerRuntimeInfo, brokerInfo), (.getBrokerConfig, brokerInfo),
            (.queryMessage, query), (.viewMessageById, query),
        ]
    }
}
