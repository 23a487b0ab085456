public import Logging
import NIOCore
import Store

/// END_TRANSACTION (37): a producer's (or a check-back answer's) commit / rollback / unknown decision for a half
/// message (broker-internals §8.2, remoting-protocol END_TRANSACTION).
///
/// Commit re-puts the half message to its real topic and queue and then writes the op record; rollback only writes
/// the op record; unknown (0) does nothing. A half message that already has a decision (for this copy or any other
/// copy of the same transaction) is acknowledged without effect, so a decision is never applied twice.
///
/// Threading: runs on the caller's event loop up to `putMessage`; commit answers from the store's completion thread.
public final class EndTransactionProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let transactions: TransactionalMessageService
    private let logger: Logger

    public init(configuration: BrokerConfiguration, transactions: TransactionalMessageService, logger: Logger) {
        self.configuration = configuration
        self.transactions = transactions
        self.logger = logger
    }

    struct Header {
        var producerGroup: String
        var tranStateTableOffset: Int64
        var commitLogOffset: Int64
        var commitOrRollback: Int32
        var fromTransactionCheck: Bool
        var msgId: String?

        init(_ request: RemotingCommand) throws(BrokerRequestError) {
            let fields = BrokerHeaderFields(request)
            producerGroup = try fields.string("producerGroup")
            tranStateTableOffset = try fields.int64("tranStateTableOffset")
            commitLogOffset = try fields.int64("commitLogOffset")
            commitOrRollback = try fields.int32("commitOrRollback")
            fromTransactionCheck = fields.optionalString("fromTransactionCheck")?.lowercased() == "true"
            msgId = fields.optionalString("msgId")
        }
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        do throws(BrokerRequestError) {
            guard configuration.isMaster else {
                throw BrokerRequestError(.slaveNotAvailable, "Operation failed, the broker is a slave")
            }
            let header = try Header(request)
            switch header.commitOrRollback {
            case TransactionalMessageProperties.typeNone:
                // RocketMQ ignores "unknown": the check service will ask again.
                logger.debug("end transaction: unknown state", 
                    metadata: ["transaction.msgId": "\(header.msgId ?? "")"])
                context.reply(to: request, request.response(.success))
            case TransactionalMessageProperties.typeCommit, TransactionalMessageProperties.typeRollback:
                try decide(header, request: request, context: context)
            default:
                throw BrokerRequestError(
                    .systemError, "illegal commitOrRollback value \(header.commitOrRollback)")
            }
        } catch {
            logger.debug("end transaction refused", metadata: ["broker.remark": "\(error.remark)"])
            context.reply(to: request, error.response(to: request))
        }
    }

    private func decide(
        _ header: Header, request: RemotingCommand, context: any RequestContext
    ) throws(BrokerRequestError) {
        let half = try checkedHalfMessage(header)
        let transactionId = TransactionalMessageService.transactionId(of: half)
        let halfOffset = half.queueOffset.rawValue
        guard transactions.claim(halfOffset: halfOffset, transactionId: transactionId) else {
            logger.debug(
                "end transaction: already decided",
                metadata: ["transaction.halfOffset": "\(halfOffset)", "transaction.id": "\(transactionId)"])
            context.reply(to: request, request.response(.success))
            return
        }
        guard header.commitOrRollback == TransactionalMessageProperties.typeCommit else {
            transactions.writeOperationRecord(halfOffset: halfOffset, transactionId: transactionId)
            context.reply(to: request, request.response(.success))
            return
        }
        guard let committed = TransactionalMessageService.committedMessage(from: half) else {
            transactions.releaseClaim(halfOffset: halfOffset)
            throw BrokerRequestError(.systemError, "the half message has no REAL_TOPIC / REAL_QID")
        }
        let transactions = transactions
        transactions.store.putMessage(committed) { result in
            // FLUSH_*_TIMEOUT and SLAVE_NOT_AVAILABLE mean stored, as in RocketMQ.
            if result.status.isStored {
                transactions.writeOperationRecord(halfOffset: halfOffset, transactionId: transactionId)
                context.reply(to: request, request.response(.success))
            } else {
                transactions.releaseClaim(halfOffset: halfOffset)
                context.reply(
                    to: request,
                    request.response(
                        result.status.responseCode, remark: result.status.remark(storeRemark: result.remark)))
            }
        }
    }

    /// Looks the half message up by commit log offset and checks it against the request (`checkPrepareMessage`).
    private func checkedHalfMessage(_ header: Header) throws(BrokerRequestError) -> DecodedMessage {
        guard let half = transactions.halfMessage(at: header.commitLogOffset),
            half.topic == TransactionalMessageProperties.halfTopic
        else {
            throw BrokerRequestError(.systemError, "Find prepared transaction message failed")
        }
        if half.property(TransactionalMessageProperties.producerGroup) != header.producerGroup {
            throw BrokerRequestError(.systemError, "The producer group wrong")
        }
        if half.queueOffset.rawValue != header.tranStateTableOffset {
            throw BrokerRequestError(.systemError, "The transaction state table offset wrong")
        }
        if half.physicalOffset.rawValue != header.commitLogOffset {
            throw BrokerRequestError(.systemError, "The commit log offset wrong")
        }
        if !header.fromTransactionCheck,
            let seconds = half.property(TransactionalMessageProperties.checkImmunityTimeInSeconds).flatMap({
                Int64($0)
            })
        {
            let immunity = max(seconds * 1000, configuration.transactionTimeOut)
            if configuration.clock() - half.bornTimestamp > immunity {
                throw BrokerRequestError(.illegalOperation, "The transaction state has expired")
            }
        }
        return half
    }
}
