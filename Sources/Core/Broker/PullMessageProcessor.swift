public import Logging
import NIOCore
public import Store

/// PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361): checks group, topic, queue and subscription, reads from the store
/// with the tag filter, maps the outcome to codes 0/19/20/21 with the full response header, commits the piggy-backed
/// offset, and parks "not found" pulls with the SUSPEND bit in the `PullRequestHoldService`.
///
/// Threading: runs on the caller's event loop (reads are memory or page-cache copies); woken pulls re-run on the
/// hold service's executor and answer through the saved context.
public final class PullMessageProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let topics: TopicConfigManager
    private let subscriptionGroups: SubscriptionGroupManager
    private let consumers: ConsumerManager
    private let offsets: ConsumerOffsetManager
    private let holdService: PullRequestHoldService
    private let logger: Logger

    public init(
        configuration: BrokerConfiguration, store: any MessageStore, topics: TopicConfigManager,
        subscriptionGroups: SubscriptionGroupManager, consumers: ConsumerManager,
        offsets: ConsumerOffsetManager, holdService: PullRequestHoldService, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.topics = topics
        self.subscriptionGroups = subscriptionGroups
        self.consumers = consumers
        self.offsets = offsets
        self.holdService = holdService
        self.logger = logger
        holdService.setWakeHandler { [weak self] request, context in
            self?.execute(request, context: context, allowSuspend: false)
        }
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        execute(request, context: context, allowSuspend: true)
    }

    func execute(_ request: RemotingCommand, context: any RequestContext, allowSuspend: Bool) {
        let header: PullMessageRequestHeader
        let filter: (any MessageFilter)?
        do {
            header = try PullMessageRequestHeader(request)
            filter = try checkRequest(header, context: context)
        } catch {
            context.reply(to: request, error.response(to: request))
            return
        }
        let result = store.messages(
            topic: header.topic, queueId: header.queueId, offset: QueueOffset(header.queueOffset),
            maxCount: Int(min(max(header.maxMsgNums, 1), Int32(configuration.maxTransferCountOnMessageInMemory))),
            maxBytes: min(Int(header.maxMsgBytes ?? Int32.max), configuration.maxTransferBytesOnMessageInMemory),
            filter: filter)
        let code = Self.responseCode(result.status, requestOffset: header.queueOffset)
        if allowSuspend && header.hasCommitOffset && configuration.isMaster {
            offsets.commitOffset(
                group: header.consumerGroup, topic: header.topic, queueId: header.queueId,
                offset: header.commitOffset)
        }
        if code == .pullNotFound && allowSuspend && header.hasSuspend {
            let holdMillis =
                configuration.longPollingEnable
                ? header.suspendTimeoutMillis
                : configuration.shortPollingTimeMills
            holdService.suspend(
                PullRequestHoldService.HeldRequest(
                    request: request, context: context, topic: header.topic, queueId: header.queueId,
                    pullFromOffset: header.queueOffset, deadline: configuration.clock() + holdMillis,
                    // SQL92 filters wake on every arrival; the re-run applies the full filter.
                    filter: filter as? TagsCodeFilter))
            return
        }
        context.reply(to: request, Self.response(to: request, code: code, result: result))
    }

    /// Group, topic, queue and subscription checks in RocketMQ's order. - Returns: the tag or SQL92 filter (nil = all).
    private func checkRequest(
        _ header: PullMessageRequestHeader,
        context: any RequestContext
    ) throws(BrokerRequestError) -> (any MessageFilter)? {
        if !TopicPermission(rawValue: configuration.brokerPermission).isReadable {
            throw BrokerRequestError(
                .noPermission, "the broker[\(configuration.brokerIP1)] pulling message is forbidden")
        }
        guard let groupConfig = subscriptionGroups.findOrCreate(header.consumerGroup) else {
            throw BrokerRequestError(
                .subscriptionGroupNotExist,
                "subscription group [\(header.consumerGroup)] does not exist")
        }
        if !groupConfig.consumeEnable {
            throw BrokerRequestError(.noPermission, "subscription group no permission, \(header.consumerGroup)")
        }
        guard let topicConfig = topics.config(header.topic) else {
            throw BrokerRequestError(.topicNotExist, "topic[\(header.topic)] not exist, apply first please!")
        }
        if !topicConfig.perm.isReadable {
            throw BrokerRequestError(.noPermission, "the topic[\(header.topic)] pulling message is forbidden")
        }
        if header.queueId < 0 || header.queueId >= topicConfig.readQueueNums {
            throw BrokerRequestError(
                .invalidParameter,
                "queueId[\(header.queueId)] is illegal, topic:[\(header.topic)] "
                    + "topicConfig.readQueueNums:[\(topicConfig.readQueueNums)] "
                    + "consumer:[\(context.remoteAddress)]")
        }
        let subscription = try subscription(header, groupConfig: groupConfig)
        return try SubscriptionFilter.make(subscription, enablePropertyFilter: configuration.enablePropertyFilter)
    }

    /// The request's own subscription (SUBSCRIPTION bit) or the one the group's heartbeat registered.
    private func subscription(
        _ header: PullMessageRequestHeader,
        groupConfig: SubscriptionGroupConfig
    ) throws(BrokerRequestError) -> SubscriptionData {
        if header.hasSubscription {
            return SubscriptionData.build(
                topic: header.topic, expression: header.subscription,
                expressionType: header.expressionType, subVersion: header.subVersion)
        }
        guard let group = consumers.groupInfo(header.consumerGroup) else {
            throw BrokerRequestError(
                .subscriptionNotExist,
                "the consumer's group info not exist, group: \(header.consumerGroup)")
        }
        if !groupConfig.consumeBroadcastEnable && group.messageModel == .broadcasting {
            throw BrokerRequestError(
                .noPermission,
                "the consumer group[\(header.consumerGroup)] can not consume by broadcast way")
        }
        guard let subscription = group.subscriptions[header.topic] else {
            throw BrokerRequestError(
                .subscriptionNotExist,
                "the consumer's subscription not exist, group: \(header.consumerGroup)")
        }
        if subscription.subVersion < header.subVersion {
            throw BrokerRequestError(.subscriptionNotLatest, "the consumer's subscription not latest")
        }
        return subscription
    }

    /// The outcome table of remoting-protocol §2.3 / broker-internals §2.9.
    static func responseCode(_ status: GetMessageStatus, requestOffset: Int64) -> ResponseCode {
        switch status {
        case .found: .success
        case .noMatchedMessage, .messageWasRemoving: .pullRetryImmediately
        case .noMessageInQueue: requestOffset != 0 ? .pullOffsetMoved : .pullNotFound
        case .offsetTooSmall, .offsetOverflowBadly: .pullOffsetMoved
        case .offsetFoundNull, .offsetOverflowOne: .pullNotFound
        }
    }

    /// The response with the mandatory header (suggestWhichBrokerId, nextBeginOffset, minOffset, maxOffset) and,
    /// on SUCCESS, the records back to back.
    static func response(to request: RemotingCommand, code: ResponseCode, result: GetMessageResult) -> RemotingCommand {
        var body: ByteBuffer?
        if code == .success {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(result.messages.reduce(0) { $0 + $1.readableBytes })
            for message in result.messages { buffer.writeImmutableBuffer(message) }
            body = buffer
        }
        let fields = [
            "suggestWhichBrokerId": "0",
            "nextBeginOffset": String(result.nextBeginOffset.rawValue),
            "minOffset": String(result.minOffset.rawValue),
            "maxOffset": String(result.maxOffset.rawValue),
        ]
        return request.response(code, remark: statusName(result.status), extFields: fields, body: body)
    }

    /// Java puts the store status name in the remark.
    static func statusName(_ status: GetMessageStatus) -> String {
        switch status {
        case .found: "FOUND"
        case .noMatchedMessage: "NO_MATCHED_MESSAGE"
        case .messageWasRemoving: "MESSAGE_WAS_REMOVING"
        case .offsetFoundNull: "OFFSET_FOUND_NULL"
        case .offsetOverflowBadly: "OFFSET_OVERFLOW_BADLY"
        case .offsetOverflowOne: "OFFSET_OVERFLOW_ONE"
        case .offsetTooSmall: "OFFSET_TOO_SMALL"
        case .noMessageInQueue: "NO_MESSAGE_IN_QUEUE"
        }
    }
}
