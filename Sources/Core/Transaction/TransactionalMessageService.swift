public import Logging
import NIOCore
public import Store
import Synchronization

/// The broker side of transactional messages (RocketMQ's `TransactionalMessageServiceImpl` and bridge):
/// parks half messages in `RMQ_SYS_TRANS_HALF_TOPIC`, applies commit/rollback decisions exactly once by writing op
/// records to `RMQ_SYS_TRANS_OP_HALF_TOPIC`, and remembers which half messages are settled.
///
/// Decisions are keyed both by half queue offset (RocketMQ's op body `"<offset>,"`) and by transaction id (op
/// property `__transactionId__`, a Tern addition), so a decision for any check-back copy of a transaction settles
/// all of its copies. The in-memory state is rebuilt from the op and half topics when the service is created.
///
/// Threading: every method is safe from any thread; state changes are short `Mutex` sections; store reads are
/// memory or page-cache copies. Completions run on the store's completion thread.
public final class TransactionalMessageService: Sendable {
    struct State {
        /// Half queue offsets with an op record.
        var decidedOffsets: Set<Int64> = []
        /// Transaction ids with an op record.
        var decidedTransactions: Set<String> = []
        /// Half offsets claimed by an END_TRANSACTION whose put is in progress.
        var claimed: Set<Int64> = []
        /// Highest half offset holding a copy of each transaction; older copies are superseded.
        var latestCopy: [String: Int64] = [:]
        /// Copies being re-put by the check service (skipped, but the cursor must not pass them yet).
        var pendingCopies: Set<Int64> = []
        /// Copies re-put successfully this session (settled for the cursor).
        var replacedCopies: Set<Int64> = []
        /// First half offset the check service has not settled.
        var cursor: Int64 = 0
    }

    let store: any MessageStore
    let configuration: BrokerConfiguration
    let logger: Logger
    let state = Mutex(State())

    /// Creates the service and rebuilds its state from the op and half topics of `store` (reads, no writes).
    public init(store: any MessageStore, configuration: BrokerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        recover()
    }

    /// True for a send that is a prepared transaction message (sysFlag type PREPARED or `TRAN_MSG=true`).
    static func isPrepared(sysFlag: Int32, properties: [(String, String)]) -> Bool {
        sysFlag & SysFlag.transactionMask == SysFlag.transactionPrepared
            || properties.contains { $0.0 == TransactionalMessageProperties.prepared && $0.1.lowercased() == "true" }
    }

    /// The half message stored for a prepared send (`parseHalfMessageInner`): REAL_TOPIC / REAL_QID /
    /// `__transactionId__` added, transaction type reset to NONE (so it gets a consume-queue entry), half topic queue 0.
    func halfMessage(for message: MessageToStore) -> MessageToStore {
        var half = message
        let drop: Set<String> = [
            TransactionalMessageProperties.realTopic, TransactionalMessageProperties.realQueueId,
            TransactionalMessageProperties.transactionId,
        ]
        half.properties.removeAll { drop.contains($0.0) }
        half.properties.append((TransactionalMessageProperties.realTopic, message.topic))
        half.properties.append((TransactionalMessageProperties.realQueueId, String(message.queueId)))
        if let uniqueKey = message.property(MessageProperties.uniqueKey) {
            half.properties.append((TransactionalMessageProperties.transactionId, uniqueKey))
        }
        half.sysFlag = message.sysFlag & ~SysFlag.transactionMask
        half.topic = TransactionalMessageProperties.halfTopic
        half.queueId = 0
        return half
    }

    /// The transaction id of a stored half message: `__transactionId__`, else UNIQ_KEY, else "".
    static func transactionId(of message: DecodedMessage) -> String {
        message.property(TransactionalMessageProperties.transactionId)
            ?? message.property(MessageProperties.uniqueKey) ?? ""
    }

    /// True when a decision (op record) exists for this half offset or transaction.
    public func isDecided(halfOffset: Int64, transactionId: String) -> Bool {
        state.withLock { Self.isDecided($0, halfOffset: halfOffset, transactionId: transactionId) }
    }

    private static func isDecided(_ state: State, halfOffset: Int64, transactionId: String) -> Bool {
        state.decidedOffsets.contains(halfOffset)
            || (!transactionId.isEmpty && state.decidedTransactions.contains(transactionId))
    }

    /// Claims a half message for an END_TRANSACTION decision. - Returns: false when it is already decided or
    /// another decision is in progress.
    func claim(halfOffset: Int64, transactionId: String) -> Bool {
        state.withLock { state in
            if Self.isDecided(state, halfOffset: halfOffset, transactionId: transactionId)
                || state.claimed.contains(halfOffset)
            {
                return false
            }
            state.claimed.insert(halfOffset)
            return true
        }
    }

    /// Gives a claim back after a failed commit put, so the producer (or a check-back) can retry.
    func releaseClaim(halfOffset: Int64) {
        _ = state.withLock { $0.claimed.remove(halfOffset) }
    }

    /// Records the decision in memory and appends its op record (tag `d`, body `"<halfOffset>,"`).
    func writeOperationRecord(halfOffset: Int64, transactionId: String) {
        state.withLock { state in
            state.claimed.remove(halfOffset)
            state.decidedOffsets.insert(halfOffset)
            if !transactionId.isEmpty { state.decidedTransactions.insert(transactionId) }
        }
        var properties = [
            (MessageProperties.tags, TransactionalMessageProperties.operationTag), (MessageProperties.wait, "false"),
        ]
        if !transactionId.isEmpty { properties.append((TransactionalMessageProperties.transactionId, transactionId)) }
        let record = MessageToStore(
            topic: TransactionalMessageProperties.operationTopic, queueId: 0, body: ByteBuffer(string: "\(halfOffset),"),
            properties: properties, bornTimestamp: configuration.clock(), bornHost: .loopbackIPv4)
        let logger = logger
        store.putMessage(record) { result in
            if !result.status.isStored {
                logger.error(
                    "transaction op record not stored; the decision may be re-checked after a restart",
                    metadata: ["transaction.halfOffset": "\(halfOffset)", "store.status": "\(result.status)"])
            }
        }
    }

    /// The committed message for a half message (`endMessageTransaction`): real topic and queue, sysFlag type
    /// COMMIT, `preparedTransactionOffset` = the half's commit log offset, TRAN_MSG / REAL_TOPIC / REAL_QID removed.
    /// - Returns: nil when the half message lacks REAL_TOPIC / REAL_QID.
    static func committedMessage(from half: DecodedMessage) -> MessageToStore? {
        guard let topic = half.property(TransactionalMessageProperties.realTopic),
            let queueId = half.property(TransactionalMessageProperties.realQueueId).flatMap({ Int32($0) })
        else { return nil }
        let drop: Set<String> = [
            TransactionalMessageProperties.prepared, TransactionalMessageProperties.realTopic,
            TransactionalMessageProperties.realQueueId,
        ]
        return MessageToStore(
            topic: topic, queueId: queueId, flag: half.flag, body: half.body ?? ByteBuffer(),
            properties: half.properties.filter { !drop.contains($0.0) },
            sysFlag: (half.sysFlag & ~SysFlag.transactionMask) | SysFlag.transactionCommit,
            bornTimestamp: half.bornTimestamp, bornHost: half.bornHost, reconsumeTimes: half.reconsumeTimes,
            preparedTransactionOffset: half.physicalOffset.rawValue)
    }

    /// The decoded half message stored at `commitLogOffset`, nil when none is there.
    func halfMessage(at commitLogOffset: Int64) -> DecodedMessage? {
        guard commitLogOffset >= 0, let bytes = store.message(at: PhysicalOffset(commitLogOffset)) else { return nil }
        return MessageRecord.decode(bytes)
    }

    /// Every record of queue 0 of `topic` from its minimum offset, in order.
    func forEachRecord(topic: String, from start: Int64? = nil, _ body: (Int64, DecodedMessage) -> Bool) {
        var offset = start ?? store.minOffset(topic: topic, queueId: 0).rawValue
        let max = store.maxOffset(topic: topic, queueId: 0).rawValue
        while offset < max {
            let result = store.messages(
                topic: topic, queueId: 0, offset: QueueOffset(offset), maxCount: 32, maxBytes: 4 * 1024 * 1024,
                filter: nil)
            for (bytes, queueOffset) in zip(result.messages, result.queueOffsets) {
                guard let message = MessageRecord.decode(bytes) else { continue }
                if !body(queueOffset.rawValue, message) { return }
            }
            guard result.nextBeginOffset.rawValue > offset else { return }
            offset = result.nextBeginOffset.rawValue
        }
    }

    /// Rebuilds the decided sets from the op topic and the latest copy of each transaction from the half topic.
    private func recover() {
        var recovered = State()
        forEachRecord(topic: TransactionalMessageProperties.operationTopic) { _, record in
            let text = record.body.map { String(buffer: $0) } ?? ""
            for piece in text.split(separator: ",") {
                if let offset = Int64(String(piece).trimmingSpaces()) { recovered.decidedOffsets.insert(offset) }
            }
            if let id = record.property(TransactionalMessageProperties.transactionId) {
                recovered.decidedTransactions.insert(id)
            }
            return true
        }
        forEachRecord(topic: TransactionalMessageProperties.halfTopic) { offset, record in
            let id = Self.transactionId(of: record)
            if !id.isEmpty { recovered.latestCopy[id] = offset }
            return true
        }
        recovered.cursor = store.minOffset(topic: TransactionalMessageProperties.halfTopic, queueId: 0).rawValue
        let summary = (recovered.decidedOffsets.count, recovered.latestCopy.count)
        state.withLock { $0 = recovered }
        logger.info(
            "transaction state recovered",
            metadata: ["transaction.decided": "\(summary.0)", "transaction.halfTransactions": "\(summary.1)"])
    }
}

