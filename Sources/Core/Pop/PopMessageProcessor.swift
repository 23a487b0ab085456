public import Store
import Synchronization

/// POP_MESSAGE (200050): hands out up to `maxMsgNums` messages of a topic (one queue, or all queues round-robin)
/// plus the group's retry topic, hides them for `invisibleTime` behind a checkpoint, and long-polls when there is
/// nothing (broker-internals §9.1, remoting-protocol POP_MESSAGE).
///
/// Served identically to native clients and to the gateway. Never blocks: store reads are in-memory/mmap reads,
/// state changes are `Mutex` sections, a parked request is a closure in `PopLongPollingService`.
/// Orderly pop (`order=true`) is served as a normal pop: no queue blocking and no `orderCountInfo`.
public final class PopMessageProcessor: RequestProcessor {
    let store: any MessageStore
    let state: PopStateStore
    let topics: any PopTopicRegistry
    let groups: any PopGroupRegistry
    let consumerOffsets: (any PopConsumerOffsets)?
    let longPolling: PopLongPollingService
    let configuration: PopConfiguration
    let counters = Mutex(Counters())

    struct Counters {
        var reviveQueue: Int32 = 0
        /// Next start queue per `group@topic`, so successive "any queue" pops start on different queues.
        var nextQueue: [String: Int32] = [:]
    }

    /// - Parameters:
    ///   - consumerOffsets: where a group's first pop of a queue starts (and where progress is mirrored for admin
    ///     tools); nil uses only `initMode`.
    public init(store: any MessageStore, state: PopStateStore, topics: any PopTopicRegistry,
                groups: any PopGroupRegistry, consumerOffsets: (any PopConsumerOffsets)?,
                longPolling: PopLongPollingService, configuration: PopConfiguration) {
        self.store = store
        self.state = state
        self.topics = topics
        self.groups = groups
        self.consumerOffsets = consumerOffsets
        self.longPolling = longPolling
        self.configuration = configuration
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        execute(request, context: context, parkedDeadline: nil)
    }

    /// The typed POP_MESSAGE header.
    struct Header: Sendable {
        var group: String
        var topic: String
        var queueId: Int32
        var maxMessages: Int32
        var invisibleTime: Int64
        var pollTime: Int64
        var bornTime: Int64
        /// 0 = start at the queue's minimum, 1 = at its end (`ConsumeInitMode`).
        var initMode: Int32
        var expressionType: String?
        var expression: String?

        init(_ request: RemotingCommand, now: Int64) throws(HeaderError) {
            group = try request.requiredString("consumerGroup")
            topic = try request.requiredString("topic")
            queueId = try request.int32("queueId")
            maxMessages = try request.int32("maxMsgNums")
            invisibleTime = try request.int64("invisibleTime")
            pollTime = try request.int64("pollTime", default: 0)
            bornTime = try request.int64("bornTime", default: now)
            initMode = try request.int32("initMode", default: 0)
            expressionType = request.string("expType")
            expression = request.string("exp")
        }
    }

    /// Runs one pop; `parkedDeadline` is set when a parked request is re-executed.
    func execute(_ request: RemotingCommand, context: any RequestContext, parkedDeadline: Int64?) {
        let now = configuration.clock()
        let header: Header
        do {
            header = try Header(request, now: now)
        } catch {
            return context.respond(error.response(to: request))
        }
        if let refusal = validate(header, now: now, isFirstAttempt: parkedDeadline == nil) {
            return context.respond(request.response(refusal.code, remark: refusal.remark))
        }
        let filter: any MessageFilter
        switch messageFilter(header) {
        case .success(let built): filter = built
        case .failure(let error): return context.respond(error.response(to: request))
        }
        let result = pop(header, now: now, filter: filter)
        if !result.isEmpty {
            if result.restCount > 0 { longPolling.wakeOne(group: header.group, topic: header.topic) }
            return context.respond(response(to: request, header: header, result: result))
        }
        guard header.pollTime > 0 else {
            return context.respond(request.response(.pullNotFound, remark: "no new message"))
        }
        let deadline = parkedDeadline ?? (min(header.bornTime, now) + header.pollTime)
        guard now < deadline else {
            return context.respond(request.response(.pollingTimeout, remark: "no new message, polling timeout"))
        }
        let parked = longPolling.park(
            group: header.group, topic: header.topic, retryTopic: retryTopic(header), queueId: header.queueId,
            deadline: deadline
        ) { [self] in
            execute(request, context: context, parkedDeadline: deadline)
        }
        if parked == .full {
            context.respond(request.response(.pollingFull, remark: "too many pop requests are polling"))
        }
    }

    private func validate(_ header: Header, now: Int64, isFirstAttempt: Bool) -> (code: ResponseCode, remark: String)? {
        if header.maxMessages <= 0 || header.maxMessages > PopConfiguration.maxMessagesPerPop {
            return (.invalidParameter, "the broker restricts maxMsgNums to 1..\(PopConfiguration.maxMessagesPerPop)")
        }
        if header.invisibleTime < 0 || header.pollTime < 0 {
            return (.invalidParameter, "invisibleTime and pollTime must not be negative")
        }
        if isFirstAttempt && now - header.bornTime - header.pollTime > PopConfiguration.bornTimeTolerance {
            return (.pollingTimeout, "the pop request arrived after its poll time had passed")
        }
        guard let queueCount = topics.readQueueCount(topic: header.topic) else {
            return (.topicNotExist, "topic[\(header.topic)] not exist, apply first please!")
        }
        if header.queueId >= queueCount || header.queueId < -1 {
            return (.systemError, "queueId[\(header.queueId)] is illegal, topic:[\(header.topic)] "
                + "topicConfig.readQueueNums:[\(queueCount)]")
        }
        guard let group = groups.popGroupSettings(header.group) else {
            return (.subscriptionGroupNotExist, "subscription group [\(header.group)] does not exist")
        }
        if !group.consumeEnable {
            return (.noPermission, "subscription group no permission, \(header.group)")
        }
        return nil
    }

    /// The TAG filter of `exp`, or the SQL92 filter when `expType` is SQL92 (SUBSCRIPTION_PARSE_FAILED when it
    /// does not parse).
    private func messageFilter(_ header: Header) -> Result<any MessageFilter, BrokerRequestError> {
        guard let type = header.expressionType, !type.isEmpty, type.uppercased() != "TAG" else {
            return .success(TagsCodeFilter(expression: header.expression ?? "*"))
        }
        do {
            return .success(
                try SubscriptionFilter.sqlFilter(
                    type: type, expression: header.expression ?? "",
                    enablePropertyFilter: configuration.enablePropertyFilter))
        } catch {
            return .failure(error)
        }
    }

    func retryTopic(_ header: Header) -> String {
        configuration.retryMark.realTopic(topic: header.topic, group: header.group)
    }
}
