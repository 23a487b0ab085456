public import Logging
public import Store

/// Builds the broker's request-code → processor table from its managers. Each processor gets only the parts it
/// uses; the table is what the remoting server (or the gateway) dispatches on. Codes absent from the table are
/// answered REQUEST_CODE_NOT_SUPPORTED by the server.
public enum BrokerProcessors {
    /// - Returns: processors for SEND_MESSAGE(_V2), SEND_BATCH_MESSAGE, PULL_MESSAGE, LITE_PULL_MESSAGE,
    ///   QUERY/UPDATE_CONSUMER_OFFSET, GET_MAX/MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME,
    ///   HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP, CHECK_CLIENT_CONFIG, CONSUMER_SEND_MSG_BACK,
    ///   LOCK/UNLOCK_BATCH_MQ, the Tern TERN_QUERY/RESEND_DLQ_MESSAGE codes, END_TRANSACTION (when `transactions` is given), and the admin and query codes of `AdminProcessors`.
    public static func make(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        subscriptionGroups: SubscriptionGroupManager, offsets: ConsumerOffsetManager,
        consumers: ConsumerManager, producers: ProducerManager, locks: RebalanceLockManager,
        holdService: PullRequestHoldService, transactions: TransactionalMessageService? = nil, logger: Logger
    ) -> [Int32: any RequestProcessor] {
        let send = SendMessageProcessor(
            configuration: configuration, store: store, topics: topics,
            subscriptionGroups: subscriptionGroups, transactions: transactions, logger: logger)
        let pull = PullMessageProcessor(
            configuration: configuration, store: store, topics: topics,
            subscriptionGroups: subscriptionGroups, consumers: consumers,
            offsets: offsets, holdService: holdService, logger: logger)
        let consumerOffsets = ConsumerOffsetProcessor(store: store, offsets: offsets)
        let queueOffsets = QueueOffsetProcessor(store: store)
        let clients = ClientManageProcessor(
            configuration: configuration, consumers: consumers, producers: producers,
            subscriptionGroups: subscriptionGroups, topics: topics, logger: logger)
        let sendBack = ConsumerSendMessageBackProcessor(
            configuration: configuration, store: store, topics: topics,
            subscriptionGroups: subscriptionGroups, logger: logger)
        let lock = LockBatchProcessor(locks: locks, clock: configuration.clock)
        let deadLetters = DeadLetterQueueProcessor(
            store: store, topics: topics, subscriptionGroups: subscriptionGroups, send: send,
            clock: configuration.clock, logger: logger)
        let entries: [(RequestCode, any RequestProcessor)] = [
            (.sendMessage, send), (.sendMessageV2, send), (.sendBatchMessage, send),
            (.pullMessage, pull), (.litePullMessage, pull),
            (.queryConsumerOffset, consumerOffsets), (.updateConsumerOffset, consumerOffsets),
            (.getMaxOffset, queueOffsets), (.getMinOffset, queueOffsets), (.searchOffsetByTimestamp, queueOffsets),
            (.getEarliestMessageStoreTime, queueOffsets),
            (.heartBeat, clients), (.unregisterClient, clients), (.getConsumerListByGroup, clients),
            (.checkClientConfig, clients),
            (.consumerSendMessageBack, sendBack),
            (.lockBatchMQ, lock), (.unlockBatchMQ, lock),
            (.ternQueryDeadLetterMessages, deadLetters), (.ternResendDeadLetterMessages, deadLetters),
        ]
        let admin = AdminProcessors.make(
            configuration: configuration, store: store, topics: topics, subscriptionGroups: subscriptionGroups,
            offsets: offsets, consumers: consumers, logger: logger)
        var table: [Int32: any RequestProcessor] = [:]
        for (code, processor) in entries + admin { table[code.rawValue] = processor }
        if let transactions {
            table[RequestCode.endTransaction.rawValue] = EndTransactionProcessor(
                configuration: configuration, transactions: transactions, logger: logger)
        }
        return table
    }
}
