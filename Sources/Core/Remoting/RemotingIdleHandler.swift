import NIOCore

/// Closes connections with no read and no write for `timeout`, by firing `IdleStateHandler.IdleStateEvent.all`
/// (which ``RemotingChannelHandler`` answers by closing), like Java's `IdleStateHandler(0, 0, 120 s)`.
///
/// NIO's `IdleStateHandler` allocates a promise and a callback for every write to learn when it completes; on the
/// send path that is one per response. This one notes the time once per read batch and once per flush, and keeps
/// a single timer that re-arms itself for the remaining time instead of one check per event.
final class RemotingIdleHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private let timeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    private var check: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context, at: lastActivity + timeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        lastActivity = .now()
        if check == nil { arm(context: context, at: lastActivity + timeout) }
        context.fireChannelActive()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        lastActivity = .now()
        context.fireChannelReadComplete()
    }

    func flush(context: ChannelHandlerContext) {
        lastActivity = .now()
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.expired(context: context)
        }
    }

    private func expired(context: ChannelHandlerContext) {
        check = nil
        guard context.channel.isActive else { return }
        let due = lastActivity + timeout
        if NIODeadline.now() >= due {
            context.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
        } else {
            arm(context: context, at: due)
        }
    }

    private func disarm() {
        check?.cancel()
        check = nil
    }
}

@available(*, unavailable)
extension RemotingIdleHandler: Sendable {}
