public import Logging
import NIOCore
import Store
import Synchronization

/// Asks producers about half messages left undecided (RocketMQ's `TransactionalMessageCheckService` /
/// `TransactionalMessageServiceImpl#check`, broker-internals §8.3).
///
/// Each `check()` walks the half queue from the first unsettled offset. A half message with no decision that is
/// older than `transactionTimeOut` (or its `CHECK_IMMUNITY_TIME_IN_SECONDS`) is re-put as a fresh copy with
/// `TRANSACTION_CHECK_TIMES` + 1 and CHECK_TRANSACTION_STATE (39, oneway) is sent for that copy to one live
/// channel of its producer group; after `transactionCheckMax` checks it is moved to `TRANS_CHECK_MAX_TIME_TOPIC`
/// and settled with an op record. The broker's periodic task calls `check()` every `transactionCheckInterval`.
///
/// Threading: `check()` may run on any thread (not an event loop: it reads a batch of the half queue); sends and
/// puts never block.
public final class TransactionalMessageCheckService: Sendable {
    private let transactions: TransactionalMessageService
    private let producers: ProducerManager
    private let configuration: BrokerConfiguration
    private let logger: Logger

    public init(
        transactions: TransactionalMessageService, producers: ProducerManager, configuration: BrokerConfiguration,
        logger: Logger
    ) {
        self.transactions = transactions
        self.producers = producers
        self.configuration = configuration
        self.logger = logger
    }

    /// What one round did, for tests and logs.
    public struct Report: Sendable, Equatable {
        public var checked = 0
        public var discarded = 0
        public var skipped = 0

        public init(checked: Int = 0, discarded: Int = 0, skipped: Int = 0) {
            self.checked = checked
            self.discarded = discarded
            self.skipped = skipped
        }
    }

    private enum Step {
        case settled, skipped, stop, check(checkTimes: Int32), discard
    }

    /// One check round at the current clock time.
    @discardableResult
    public func check() -> Report {
        let now = configuration.clock()
        var report = Report()
        let start = advanceCursor()
        transactions.forEachRecord(topic: TransactionalMessageProperties.halfTopic, from: start) { offset, half in
            switch step(offset: offset, half: half, now: now) {
            case .settled:
                return true
            case .skipped:
                report.skipped += 1
                return true
            case .stop:
                return false
            case .discard:
                discard(half, offset: offset)
                report.discarded += 1
                return true
            case .check(let checkTimes):
                recheck(half, offset: offset, checkTimes: checkTimes + 1)
                report.checked += 1
                return true
            }
        }
        if report != Report() {
            logger.debug(
                "transaction check round",
                metadata: ["transaction.checked": "\(report.checked)", "transaction.discarded": "\(report.discarded)"])
        }
        return report
    }

    private func step(offset: Int64, half: DecodedMessage, now: Int64) -> Step {
        let id = TransactionalMessageService.transactionId(of: half)
        let settled = transactions.state.withLock { state in
            state.decidedOffsets.contains(offset) || (!id.isEmpty && state.decidedTransactions.contains(id))
                || state.replacedCopies.contains(offset) || (state.latestCopy[id] ?? offset) > offset
        }
        if settled { return .settled }
        let busy = transactions.state.withLock { $0.claimed.contains(offset) || $0.pendingCopies.contains(offset) }
        if busy { return .skipped }
        if half.storeTimestamp > now { return .stop }
        let checkTimes = half.property(TransactionalMessageProperties.checkTimes).flatMap { Int32($0) } ?? 0
        if checkTimes >= configuration.transactionCheckMax { return .discard }
        let immunitySeconds =
            half.property(TransactionalMessageProperties.checkImmunityTimeInSeconds).flatMap { Int64($0) } ?? 0
        let immunity = max(configuration.transactionTimeOut, immunitySeconds * 1000)
        // Half messages are stored in time order: once one is too young, so are the rest.
        if now - half.storeTimestamp < immunity { return .stop }
        return .check(checkTimes: checkTimes)
    }

    /// Moves the cursor over the settled prefix and forgets state below it. - Returns: the new cursor.
    private func advanceCursor() -> Int64 {
        let minOffset = transactions.store.minOffset(topic: TransactionalMessageProperties.halfTopic, queueId: 0)
        let start = transactions.state.withLock { state in
            state.cursor = max(state.cursor, minOffset.rawValue)
            return state.cursor
        }
        var next = start
        transactions.forEachRecord(topic: TransactionalMessageProperties.halfTopic, from: start) { offset, half in
            let id = TransactionalMessageService.transactionId(of: half)
            let settled = transactions.state.withLock { state in
                state.decidedOffsets.contains(offset) || (!id.isEmpty && state.decidedTransactions.contains(id))
                    || state.replacedCopies.contains(offset) || (state.latestCopy[id] ?? offset) > offset
            }
            guard settled else { return false }
            next = offset + 1
            return true
        }
        transactions.state.withLock { state in
            state.cursor = next
            state.decidedOffsets = state.decidedOffsets.filter { $0 >= next }
            state.replacedCopies = state.replacedCopies.filter { $0 >= next }
        }
        return next
    }

    /// Re-puts the half message with a higher check count, then asks the producer about the new copy.
    private func recheck(_ half: DecodedMessage, offset: Int64, checkTimes: Int32) {
        var copy = Self.storable(half)
        copy.properties.removeAll { $0.0 == TransactionalMessageProperties.checkTimes }
        copy.properties.append((TransactionalMessageProperties.checkTimes, String(checkTimes)))
        let id = TransactionalMessageService.transactionId(of: half)
        transactions.state.withLock { _ = $0.pendingCopies.insert(offset) }
        let transactions = transactions
        transactions.store.putMessage(copy) { [self] result in
            guard result.status.isStored else {
                transactions.state.withLock { _ = $0.pendingCopies.remove(offset) }
                logger.warning(
                    "transaction check: re-putting the half message failed",
                    metadata: ["transaction.halfOffset": "\(offset)", "store.status": "\(result.status)"])
                return
            }
            transactions.state.withLock { state in
                state.pendingCopies.remove(offset)
                state.replacedCopies.insert(offset)
                if !id.isEmpty { state.latestCopy[id] = max(state.latestCopy[id] ?? 0, result.queueOffset.rawValue) }
            }
            guard let stored = transactions.halfMessage(at: result.physicalOffset.rawValue) else { return }
            sendCheck(for: stored)
        }
    }

    /// Sends CHECK_TRANSACTION_STATE for a stored half message copy to one live producer channel of its group.
    private func sendCheck(for half: DecodedMessage) {
        let group = half.property(TransactionalMessageProperties.producerGroup) ?? ""
        guard let channel = producers.availableChannel(group: group)?.channel else {
            logger.warning(
                "transaction check: no live producer channel", metadata: ["transaction.producerGroup": "\(group)"])
            return
        }
        guard let request = Self.checkRequest(for: half, brokerName: configuration.brokerName) else { return }
        channel.sendOneway(request)
    }

    /// The CHECK_TRANSACTION_STATE request: header per remoting-protocol, body = the half record with its
    /// topic/queueId replaced by REAL_TOPIC/REAL_QID.
    static func checkRequest(for half: DecodedMessage, brokerName: String) -> RemotingCommand? {
        var message = storable(half)
        let realTopic = half.property(TransactionalMessageProperties.realTopic) ?? half.topic
        message.topic = realTopic
        message.queueId = half.property(TransactionalMessageProperties.realQueueId).flatMap { Int32($0) } ?? 0
        guard
            let body = try? MessageRecord.encode(
                message, storeHost: half.storeHost, queueOffset: half.queueOffset, physicalOffset: half.physicalOffset,
                storeTimestamp: half.storeTimestamp)
        else { return nil }
        let uniqueKey = half.property(MessageProperties.uniqueKey) ?? ""
        return RemotingCommand.request(
            .checkTransactionState,
            extFields: [
                "topic": realTopic,
                "tranStateTableOffset": String(half.queueOffset.rawValue),
                "commitLogOffset": String(half.physicalOffset.rawValue),
                "msgId": uniqueKey,
                "transactionId": uniqueKey,
                "offsetMsgId": half.offsetMessageId,
                "bname": brokerName,
            ], body: body)
    }

    /// Moves an over-checked half message to TRANS_CHECK_MAX_TIME_TOPIC and settles it with an op record.
    private func discard(_ half: DecodedMessage, offset: Int64) {
        var message = Self.storable(half)
        message.topic = TransactionalMessageProperties.discardTopic
        message.queueId = 0
        let id = TransactionalMessageService.transactionId(of: half)
        logger.warning(
            "transaction check: giving up on a half message after transactionCheckMax checks",
            metadata: [
                "transaction.halfOffset": "\(offset)", "transaction.id": "\(id)",
                "transaction.producerGroup": "\(half.property(TransactionalMessageProperties.producerGroup) ?? "")",
            ])
        transactions.store.putMessage(message) { _ in }
        transactions.writeOperationRecord(halfOffset: offset, transactionId: id)
    }

    /// A stored record as a message to append again (same body, properties, born info; host bits dropped).
    static func storable(_ half: DecodedMessage) -> MessageToStore {
        MessageToStore(
            topic: half.topic, queueId: half.queueId, flag: half.flag, body: half.body ?? ByteBuffer(),
            properties: half.properties, sysFlag: half.sysFlag & ~(SysFlag.bornHostV6 | SysFlag.storeHostV6),
            bornTimestamp: half.bornTimestamp, bornHost: half.bornHost, reconsumeTimes: half.reconsumeTimes,
            preparedTransactionOffset: half.preparedTransactionOffset)
    }
}
