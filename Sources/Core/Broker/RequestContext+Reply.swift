extension RequestContext {
    /// Responds unless `request` is oneway: RocketMQ clients send UPDATE_CONSUMER_OFFSET, UNLOCK_BATCH_MQ and
    /// `sendOneway` messages with flag bit 1 and must never receive an answer.
    func reply(to request: RemotingCommand, _ response: RemotingCommand) {
        if !request.isOneway { respond(response) }
    }
}
