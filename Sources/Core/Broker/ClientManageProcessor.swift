public import Logging
import NIOCore

/// HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38) and CHECK_CLIENT_CONFIG (46): keeps the consumer and producer
/// registries current, auto-creates subscription groups and their `%RETRY%<group>` topics, and answers rebalance
/// queries from the heartbeats this broker received.
///
/// Threading: registry updates are short `Mutex` sections; safe on event loops.
public final class ClientManageProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let consumers: ConsumerManager
    private let producers: ProducerManager
    private let subscriptionGroups: SubscriptionGroupManager
    private let topics: TopicConfigManager
    private let logger: Logger

    public init(
        configuration: BrokerConfiguration, consumers: ConsumerManager, producers: ProducerManager,
        subscriptionGroups: SubscriptionGroupManager, topics: TopicConfigManager, logger: Logger
    ) {
        self.configuration = configuration
        self.consumers = consumers
        self.producers = producers
        self.subscriptionGroups = subscriptionGroups
        self.topics = topics
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do {
            let response: RemotingCommand
            switch RequestCode(rawValue: request.code) {
            case .heartBeat: response = try heartbeat(request, context: context)
            case .unregisterClient: response = try unregister(request, context: context)
            case .checkClientConfig: response = try checkClientConfig(request)
            default: response = try consumerList(request)
            }
            context.reply(to: request, response)
        } catch {
            context.reply(to: request, error.response(to: request))
        }
    }

    /// Registers the heartbeat's consumer and producer groups on this connection. The response carries the broker
    /// version (clients record it) and does not claim heartbeat V2, so clients keep sending full heartbeats.
    private func heartbeat(
        _ request: RemotingCommand,
        context: any RequestContext
    ) throws(BrokerRequestError) -> RemotingCommand {
        guard let body = request.body else { throw BrokerRequestError(.systemError, "heartbeat body is null") }
        let decoded: HeartbeatData?
        do { decoded = try HeartbeatData.decode(body) } catch {
            throw BrokerRequestError(.systemError, "heartbeat body is not valid JSON: \(error.message)")
        }
        guard let data = decoded else { throw BrokerRequestError(.systemError, "heartbeat body has no clientID") }
        let channel = ClientChannelInfo(
            channel: context.clientChannel, connectionID: context.connectionID, clientId: data.clientID,
            remoteAddress: context.remoteAddress, language: request.language, version: request.version,
            lastUpdateTimestamp: configuration.clock())
        for consumer in data.consumers {
            var notify = true
            if let groupConfig = subscriptionGroups.findOrCreate(consumer.groupName) {
                notify = groupConfig.notifyConsumerIdsChangedEnable
                if groupConfig.retryQueueNums > 0 {
                    topics.createTopicIfAbsent(
                        TopicValidator.retryTopic(group: consumer.groupName),
                        queueNums: groupConfig.retryQueueNums, perm: .readWrite,
                        topicSysFlag: consumer.unitMode ? TopicSysFlag.unitSub : 0)
                }
            }
            consumers.register(
                group: consumer.groupName, channel: channel, consumeType: consumer.consumeType,
                messageModel: consumer.messageModel, consumeFromWhere: consumer.consumeFromWhere,
                subscriptions: consumer.subscriptions, notify: notify)
        }
        for producer in data.producers {
            producers.register(group: producer.groupName, channel: channel)
        }
        return request.response(.success)
    }

    private func unregister(
        _ request: RemotingCommand,
        context: any RequestContext
    ) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        _ = try fields.string("clientID")
        if let group = fields.optionalString("producerGroup") {
            producers.unregister(group: group, connectionID: context.connectionID)
        }
        if let group = fields.optionalString("consumerGroup") {
            let notify = subscriptionGroups.config(group)?.notifyConsumerIdsChangedEnable ?? true
            consumers.unregister(group: group, connectionID: context.connectionID, notify: notify)
        }
        return request.response(.success)
    }

    /// Validates a SQL92 subscription before a client starts consuming with it: 0 for TAG subscriptions and valid
    /// expressions, SUBSCRIPTION_PARSE_FAILED (23) with the parser's message for an invalid one.
    private func checkClientConfig(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        guard let body = request.body, let json = try? JSONParser.parse(body.readableBytesView),
            let subscriptionJSON = json["subscriptionData"], let subscription = SubscriptionData(json: subscriptionJSON)
        else { return request.response(.success) }
        _ = try SubscriptionFilter.make(subscription, enablePropertyFilter: configuration.enablePropertyFilter)
        return request.response(.success)
    }

    private func consumerList(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let group = try BrokerHeaderFields(request).string("consumerGroup")
        let ids = consumers.clientIds(group: group)
        guard !ids.isEmpty else {
            throw BrokerRequestError(.systemError, "no consumer for this group, \(group)")
        }
        return request.response(.success, body: ConsumerListBody(consumerIdList: ids).encode())
    }
}
