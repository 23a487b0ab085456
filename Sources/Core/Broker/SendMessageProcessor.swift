public import Logging
public import NIOCore
public import Store
import Synchronization

/// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320): validates the topic and queue, auto-creates
/// topics from TBW102, redirects over-retried `%RETRY%` sends to the DLQ, adds broker properties (UNIQ_KEY when
/// missing, CLUSTER, MSG_REGION, TRACE_ON) and appends through the store, answering when the store completes.
///
/// Threading: runs on the caller's event loop up to `putMessage`; the response is sent from the store's completion
/// thread. Never blocks.
public final class SendMessageProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let subscriptionGroups: SubscriptionGroupManager
    private let uniqueKeys: MessageUniqueKeyGenerator
    private let transactions: TransactionalMessageService?
    private let delayHook: DelayMessageHook
    private let logger: Logger
    /// The queue of the next send that leaves the choice to the broker (queueId < 0).
    private let nextQueue = Atomic<UInt32>(0)

    /// - Parameter transactions: parks prepared (half) messages; nil refuses them with NO_PERMISSION.
    public init(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        subscriptionGroups: SubscriptionGroupManager, transactions: TransactionalMessageService? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.transactions = transactions
        self.store = store
        self.topics = topics
        self.subscriptionGroups = subscriptionGroups
        uniqueKeys = MessageUniqueKeyGenerator(brokerIP: configuration.brokerIP1, clock: configuration.clock)
        delayHook = DelayMessageHook(configuration: configuration)
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let header: SendMessageRequestHeader
        do {
            header = try SendMessageRequestHeader(request)
        } catch {
            return refuse(request, error, context: context)
        }
        send(header, request: request, context: context)
    }

    /// The typed entry: `process` after the header decode. `request` carries the code, opaque, version and body,
    /// its extFields are not read.
    public func send(_ header: SendMessageRequestHeader, request: RemotingCommand, context: any RequestContext) {
        let message = SendRequest(header: header, body: request.body, version: request.version,
                                  bornHost: context.remoteHost)
        send(message) { [configuration] outcome in
            guard let stored = outcome.stored else {
                return context.reply(to: request, request.response(outcome.code, remark: outcome.remark))
            }
            context.reply(to: request, Self.response(to: request, result: stored, queueId: outcome.queueId,
                                                     transactionId: outcome.transactionId,
                                                     configuration: configuration))
        }
    }

    /// A send as in-process senders (the HTTP gateway) hand it over: no remoting command, no wire-form properties.
    public struct SendRequest: Sendable {
        public var header: SendMessageRequestHeader
        public var body: ByteBuffer?
        /// The client's remoting version (decides whether a retry send's maxReconsumeTimes is honoured).
        public var version: Int32
        public var bornHost: HostAddress
        /// The properties already decoded; nil decodes `header.properties`.
        public var properties: [(String, String)]?

        public init(header: SendMessageRequestHeader, body: ByteBuffer?, version: Int32, bornHost: HostAddress,
                    properties: [(String, String)]? = nil) {
            self.header = header
            self.body = body
            self.version = version
            self.bornHost = bornHost
            self.properties = properties
        }
    }

    /// What a send came to, before it is put into a response command.
    public struct SendOutcome: Sendable {
        /// The response code a remoting client would get (SUCCESS, a stored-but-late flush or replica code, or the
        /// refusal).
        public var code: ResponseCode
        public var remark: String?
        /// The store's answer when the message was stored (the flush or replica may lag), else nil.
        public var stored: PutMessageResult?
        /// The store's status when the store answered (stored or refused), nil when the broker refused first.
        /// Lets the gateway tell a full disk (HTTP 507) from other SERVICE_NOT_AVAILABLE refusals.
        public var storeStatus: PutMessageStatus?
        public var queueId: Int32
        public var transactionId: String?

        init(_ error: BrokerRequestError) {
            code = error.code
            remark = error.remark
            queueId = -1
        }

        init(_ result: PutMessageResult, queueId: Int32, transactionId: String?) {
            code = result.status.responseCode
            storeStatus = result.status
            self.queueId = queueId
            self.transactionId = transactionId
            if result.status.isStored {
                remark = result.status.remark(storeRemark: nil)
                stored = result
            } else {
                remark = result.status.remark(storeRemark: result.remark)
            }
        }
    }

    /// Checks, transforms and appends `message`; `completion` runs once, on the calling thread when the store
    /// answers at once (ASYNC_FLUSH), else on the flush thread.
    public func send(_ message: SendRequest, completion: @escaping @Sendable (SendOutcome) -> Void) {
        let header = message.header
        do {
            var messages = try buildMessages(message)
            messages = try redirectToDeadLetterQueueIfNeeded(messages, header: header, version: message.version)
            let queueId = messages[0].queueId
            let transactionId = header.batch ? nil : messages[0].property(MessageProperties.uniqueKey)
            if let transactions, !header.batch,
                TransactionalMessageService.isPrepared(sysFlag: header.sysFlag, properties: messages[0].properties)
            {
                // A half message is parked whole; its delay, if any, applies when it is committed.
                messages = [transactions.halfMessage(for: messages[0])]
            } else if !header.batch {
                // DELAY / TIMER_* messages are parked in SCHEDULE_TOPIC_XXXX / rmq_sys_wheel_timer (Schedule/, Timer/).
                messages[0] = try delayHook.transform(messages[0])
            }
            let stored: @Sendable (PutMessageResult) -> Void = { result in
                completion(SendOutcome(result, queueId: queueId, transactionId: transactionId))
            }
            // One call for one message or a batch: both stores append a one-element batch as putMessage does, and
            // this skips copying the message out of its array and into a new one.
            store.putMessages(messages, completion: stored)
        } catch {
            logger.debug("send refused", metadata: ["broker.remark": "\(error.remark)"])
            completion(SendOutcome(error))
        }
    }

    private func refuse(_ request: RemotingCommand, _ error: BrokerRequestError, context: any RequestContext) {
        logger.debug(
            "send refused",
            metadata: [
                "request.opaque": "\(request.opaque)",
                "broker.remark": "\(error.remark)",
            ])
        context.reply(to: request, error.response(to: request))
    }

    /// Checks the topic and queue and turns the request into the messages to append (one, or a batch's elements).
    private func buildMessages(_ message: SendRequest) throws(BrokerRequestError) -> [MessageToStore] {
        let header = message.header
        let topicConfig = try checkTopic(header)
        let queueId = try selectQueue(header, topicConfig: topicConfig)
        guard let body = message.body else { throw BrokerRequestError(.messageIllegal, "the message body is null") }
        if header.sysFlag & SysFlag.transactionMask == SysFlag.transactionPrepared {
            if transactions == nil || configuration.rejectTransactionMessage {
                throw BrokerRequestError(
                    .noPermission, "the broker[\(configuration.brokerIP1)] sending transaction message is forbidden")
            }
            if header.batch { throw BrokerRequestError(.messageIllegal, "batch messages cannot be transactional") }
        }
        var template = MessageToStore(
            topic: header.topic, queueId: queueId, flag: header.flag, body: body, properties: [],
            sysFlag: header.sysFlag, bornTimestamp: header.bornTimestamp,
            bornHost: message.bornHost,
            reconsumeTimes: header.reconsumeTimes ?? 0)
        guard header.batch else {
            let properties = message.properties ?? MessageProperties.decode(header.properties ?? "")
            template.properties = brokerProperties(properties)
            return [template]
        }
        if header.topic.hasPrefix(TopicValidator.retryGroupTopicPrefix) {
            throw BrokerRequestError(.messageIllegal, "batch request does not support retry group \(header.topic)")
        }
        guard let elements = BatchMessageDecoder.decode(body, template: template), !elements.isEmpty else {
            throw BrokerRequestError(.messageIllegal, "the batch message body is malformed")
        }
        return elements.map { element in
            var element = element
            element.properties = brokerProperties(element.properties)
            return element
        }
    }

    /// Topic checks in RocketMQ's `msgCheck` order; auto-creates the topic when allowed.
    private func checkTopic(_ header: SendMessageRequestHeader) throws(BrokerRequestError) -> TopicConfig {
        if !TopicPermission(rawValue: configuration.brokerPermission).isWritable {
            throw BrokerRequestError(
                .noPermission,
                "the broker[\(configuration.brokerIP1)] sending message is forbidden")
        }
        if let problem = TopicValidator.validationError(header.topic) {
            throw BrokerRequestError(.invalidParameter, problem)
        }
        if TopicValidator.notAllowedToSend.contains(header.topic) {
            throw BrokerRequestError(.noPermission, "Sending message to topic[\(header.topic)] is forbidden.")
        }
        var config = topics.config(header.topic)
        if config == nil, header.topic.hasPrefix(TopicValidator.retryGroupTopicPrefix) {
            let group = String(header.topic.dropFirst(TopicValidator.retryGroupTopicPrefix.count))
            guard let groupConfig = subscriptionGroups.findOrCreate(group) else {
                throw BrokerRequestError(.subscriptionGroupNotExist, "subscription group not exist, \(group)")
            }
            config = topics.createTopicIfAbsent(
                header.topic, queueNums: groupConfig.retryQueueNums,
                perm: .readWrite)
        }
        if config == nil {
            let sysFlag: Int32 = header.unitMode ? TopicSysFlag.unit : 0
            config = topics.createTopicInSendMessage(
                header.topic, defaultTopic: header.defaultTopic,
                requestedQueueNums: header.defaultTopicQueueNums,
                topicSysFlag: sysFlag)
        }
        guard let config else {
            throw BrokerRequestError(.topicNotExist, "topic[\(header.topic)] not exist, apply first please!")
        }
        if !config.perm.isWritable {
            throw BrokerRequestError(.noPermission, "the topic[\(header.topic)] sending message is forbidden")
        }
        return config
    }

    private func selectQueue(
        _ header: SendMessageRequestHeader,
        topicConfig: TopicConfig
    ) throws(BrokerRequestError) -> Int32 {
        let limit = max(topicConfig.readQueueNums, topicConfig.writeQueueNums)
        if header.queueId >= limit {
            throw BrokerRequestError(
                .invalidParameter,
                "request queueId[\(header.queueId)] is illegal, "
                    + "topic:\(header.topic) topicConfig.writeQueueNums: \(topicConfig.writeQueueNums)")
        }
        if header.queueId >= 0 { return header.queueId }
        guard topicConfig.writeQueueNums > 0 else {
            throw BrokerRequestError(.noPermission, "the topic[\(header.topic)] has no writable queue")
        }
        // Round robin instead of RocketMQ's random pick: the same spread over the queues, without the getrandom
        // system call `Int32.random` costs on every send that leaves the queue to the broker (all HTTP sends).
        let turn = nextQueue.wrappingAdd(1, ordering: .relaxed).oldValue
        return Int32(turn % UInt32(topicConfig.writeQueueNums))
    }

    /// Sends to `%RETRY%<group>` that exceeded the group's retries go to `%DLQ%<group>` queue 0 with DELAY=-1.
    private func redirectToDeadLetterQueueIfNeeded(
        _ messages: [MessageToStore], header: SendMessageRequestHeader, version: Int32
    ) throws(BrokerRequestError)
        -> [MessageToStore]
    {
        guard !header.batch, header.topic.hasPrefix(TopicValidator.retryGroupTopicPrefix), var message = messages.first
        else { return messages }
        let group = String(header.topic.dropFirst(TopicValidator.retryGroupTopicPrefix.count))
        guard let groupConfig = subscriptionGroups.findOrCreate(group) else {
            throw BrokerRequestError(.subscriptionGroupNotExist, "subscription group not exist, \(group)")
        }
        var maxReconsumeTimes = groupConfig.retryMaxTimes
        if version > ConsumerSendMessageBackProcessor.versionHonouringMaxReconsumeTimes,
            let requested = header.maxReconsumeTimes
        {
            maxReconsumeTimes = requested
        }
        guard message.reconsumeTimes > maxReconsumeTimes else { return messages }
        let deadLetterTopic = TopicValidator.deadLetterTopic(group: group)
        topics.createTopicIfAbsent(deadLetterTopic, queueNums: 1, perm: .readWrite)
        message.topic = deadLetterTopic
        message.queueId = 0
        message.properties.removeAll { $0.0 == MessageProperties.delayLevel }
        message.properties.append((MessageProperties.delayLevel, "-1"))
        return [message]
    }

    /// The properties as stored: POP_CK removed, UNIQ_KEY added when absent, CLUSTER set, MSG_REGION / TRACE_ON added
    /// when absent.
    private func brokerProperties(_ properties: [(String, String)]) -> [(String, String)] {
        var result: [(String, String)] = []
        result.reserveCapacity(properties.count + 4)
        for property in properties
        where property.0 != BrokerMessageProperties.popCheckpoint && property.0 != BrokerMessageProperties.cluster {
            result.append(property)
        }
        if !result.contains(where: { $0.0 == MessageProperties.uniqueKey }) {
            result.append((MessageProperties.uniqueKey, uniqueKeys.next()))
        }
        result.append((BrokerMessageProperties.cluster, configuration.brokerClusterName))
        if !result.contains(where: { $0.0 == BrokerMessageProperties.messageRegion }) {
            result.append((BrokerMessageProperties.messageRegion, configuration.regionId))
        }
        if !result.contains(where: { $0.0 == BrokerMessageProperties.traceOn }) {
            result.append((BrokerMessageProperties.traceOn, configuration.traceOn ? "true" : "false"))
        }
        return result
    }

    /// The send response for a store outcome: stored outcomes carry msgId/queueId/queueOffset and the region/trace
    /// fields the Java client dereferences unconditionally.
    static func response(
        to request: RemotingCommand, result: PutMessageResult, queueId: Int32,
        transactionId: String?, configuration: BrokerConfiguration
    ) -> RemotingCommand {
        guard result.status.isStored else {
            return request.response(
                result.status.responseCode, remark: result.status.remark(storeRemark: result.remark))
        }
        var fields = [
            "msgId": result.messageIds.joined(separator: ","),
            "queueId": String(queueId),
            "queueOffset": String(result.queueOffset.rawValue),
            BrokerMessageProperties.messageRegion: configuration.regionId,
            BrokerMessageProperties.traceOn: configuration.traceOn ? "true" : "false",
        ]
        if let transactionId { fields["transactionId"] = transactionId }
        return request.response(
            result.status.responseCode, remark: result.status.remark(storeRemark: nil),
            extFields: fields)
    }
}
