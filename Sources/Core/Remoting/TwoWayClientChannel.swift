public import NIOCore

/// A client channel that can also send broker-to-client requests expecting an answer (GET_CONSUMER_RUNNING_INFO,
/// CONSUME_MESSAGE_DIRECTLY). Kept apart from ``ClientChannel`` so existing conformers (test fakes) still compile;
/// ``RemotingConnection`` conforms, so `context.clientChannel as? any TwoWayClientChannel` succeeds for NIO peers.
public protocol TwoWayClientChannel: ClientChannel {
    /// Sends `request` with a fresh opaque and completes with the peer's response.
    ///
    /// Callable from any thread. Fails with ``RemotingError`` `.timeout` when no answer arrives in `timeout`, and
    /// `.connectionClosed` when the connection closes first.
    func send(_ request: RemotingCommand, timeout: TimeAmount) -> EventLoopFuture<RemotingCommand>
}
