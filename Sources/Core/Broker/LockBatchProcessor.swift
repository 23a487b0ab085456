/// LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42, often oneway): orderly consumers' queue ownership, 60 s leases
/// (broker-internals §13).
///
/// Threading: one `Mutex` section; safe on event loops.
public final class LockBatchProcessor: RequestProcessor {
    private let locks: RebalanceLockManager
    private let clock: @Sendable () -> Int64

    public init(locks: RebalanceLockManager, clock: @escaping @Sendable () -> Int64) {
        self.locks = locks
        self.clock = clock
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        guard let body = request.body, let lockRequest = LockBatchRequestBody.decode(body) else {
            context.reply(
                to: request, request.response(.systemError, remark: "the lock batch request body is not valid"))
            return
        }
        if request.code == RequestCode.unlockBatchMQ.rawValue {
            locks.unlockBatch(
                group: lockRequest.consumerGroup, queues: lockRequest.messageQueues,
                clientId: lockRequest.clientId)
            context.reply(to: request, request.response(.success))
            return
        }
        let locked = locks.tryLockBatch(
            group: lockRequest.consumerGroup, queues: lockRequest.messageQueues,
            clientId: lockRequest.clientId, now: clock())
        context.reply(
            to: request, request.response(.success, body: LockBatchResponseBody(lockedQueues: locked).encode()))
    }
}
