public import Logging
public import NIOCore
public import Store
import Synchronization

/// One remoting TCP connection, server or client side: sends requests (two-way, matched by opaque, or oneway),
/// writes responses to the peer's requests, and tracks what is in flight for graceful shutdown.
///
/// Threading: every method is callable from any thread; work hops to the channel's event loop. All mutable state
/// lives in `LoopState`, touched only on that loop (enforced by `NIOLoopBound`), so the hot path takes no lock.
public final class RemotingConnection: TwoWayClientChannel, Sendable {
    /// Unique within the process: `<peer>#<n>`.
    public let connectionID: String
    /// `ip:port` of the peer.
    public let remoteAddress: String
    /// The peer as the BORNHOST of what it sends, parsed once from `remoteAddress`.
    public let remoteHost: HostAddress
    /// The underlying channel.
    public let channel: any Channel
    /// Logger carrying `connection.id` and `peer` metadata.
    public let logger: Logger

    private let state: NIOLoopBound<LoopState>

    private static let connectionCounter = Atomic<Int>(0)

    init(channel: any Channel, remoteAddress: String, logger: Logger) {
        let number = Self.connectionCounter.wrappingAdd(1, ordering: .relaxed).newValue
        connectionID = "\(remoteAddress)#\(number)"
        self.remoteAddress = remoteAddress
        remoteHost = HostAddressParser.parseOrLoopback(remoteAddress)
        self.channel = channel
        var logger = logger
        logger[metadataKey: "connection.id"] = "\(connectionID)"
        logger[metadataKey: "peer"] = "\(remoteAddress)"
        self.logger = logger
        state = NIOLoopBound(LoopState(), eventLoop: channel.eventLoop)
    }

    /// The channel's event loop.
    public var eventLoop: any EventLoop { channel.eventLoop }

    public var isActive: Bool { channel.isActive }

    /// Completes when the connection has closed.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    // MARK: Requests to the peer

    public func send(_ request: RemotingCommand, timeout: TimeAmount) -> EventLoopFuture<RemotingCommand> {
        let promise = eventLoop.makePromise(of: RemotingCommand.self)
        if eventLoop.inEventLoop {
            sendOnLoop(request, timeout: timeout, promise: promise)
        } else {
            eventLoop.execute { self.sendOnLoop(request, timeout: timeout, promise: promise) }
        }
        return promise.futureResult
    }

    /// Sends a oneway request (flag bit 1 set, fresh opaque); the peer never answers.
    public func sendOneway(_ request: RemotingCommand) {
        writeOneway(request, promise: nil)
    }

    /// Sends a oneway request and reports when it was written.
    public func writeOneway(_ request: RemotingCommand, promise: EventLoopPromise<Void>?) {
        if eventLoop.inEventLoop {
            writeOnewayOnLoop(request, promise: promise)
        } else {
            eventLoop.execute { self.writeOnewayOnLoop(request, promise: promise) }
        }
    }

    /// Closes the connection now; pending requests fail with `.connectionClosed`.
    public func close() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        channel.close(promise: promise)
        // Closing an already closed channel fails; either way it is closed.
        return promise.futureResult.flatMapErrorWithEventLoop { _, loop in loop.makeSucceededVoidFuture() }
    }

    private func sendOnLoop(_ request: RemotingCommand, timeout: TimeAmount,
                            promise: EventLoopPromise<RemotingCommand>) {
        let state = self.state.value
        guard !state.closed else {
            promise.fail(RemotingError(code: .connectionClosed, message: "connection \(connectionID) is closed"))
            return
        }
        var request = request
        request.opaque = state.takeOpaque()
        request.flag &= ~(RemotingCommand.responseFlag | RemotingCommand.onewayFlag)
        let opaque = request.opaque
        let code = request.code
        let timeoutTask = eventLoop.scheduleTask(in: timeout) {
            guard let pending = self.state.value.pending.removeValue(forKey: opaque) else { return }
            pending.promise.fail(RemotingError(
                code: .timeout, message: "no response to request code \(code) opaque \(opaque) in \(timeout)"))
        }
        state.pending[opaque] = PendingRequest(promise: promise, timeout: timeoutTask)
        let written = eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            guard let pending = self.state.value.pending.removeValue(forKey: opaque) else { return }
            pending.timeout.cancel()
            // Writes wait for a shared flush, so a close in between fails the write itself: same as a close after.
            if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel {
                pending.promise.fail(RemotingError(code: .connectionClosed,
                                                   message: "connection \(self.connectionID) closed before the response"))
            } else {
                pending.promise.fail(error)
            }
        }
        write(request, promise: written, state: state)
    }

    private func writeOnewayOnLoop(_ request: RemotingCommand, promise: EventLoopPromise<Void>?) {
        let state = self.state.value
        guard !state.closed else {
            promise?.fail(RemotingError(code: .connectionClosed, message: "connection \(connectionID) is closed"))
            return
        }
        var request = request
        request.opaque = state.takeOpaque()
        request.flag = (request.flag & ~RemotingCommand.responseFlag) | RemotingCommand.onewayFlag
        channel.writeAndFlush(request, promise: promise)
    }

    // MARK: Responses to the peer's requests

    /// Writes the response to one of the peer's two-way requests; called by the request context, any thread.
    func writeResponse(_ response: RemotingCommand) {
        if eventLoop.inEventLoop {
            writeResponseOnLoop(response)
        } else {
            eventLoop.execute { self.writeResponseOnLoop(response) }
        }
    }

    private func writeResponseOnLoop(_ response: RemotingCommand) {
        let state = self.state.value
        state.inFlightRequests -= 1
        guard !state.closed else {
            logger.debug("dropping response, connection closed",
                         metadata: ["request.opaque": "\(response.opaque)", "response.code": "\(response.code)"])
            return
        }
        write(response, promise: nil, state: state)
        if state.draining && state.inFlightRequests == 0 { flushAndClose() }
    }

    /// Writes with as few flushes (one `writev` each) as possible, on the loop:
    /// * inside a read batch (a processor answering at once, or a client sending its next request from a response
    ///   callback), the flush at `channelReadComplete` covers the write;
    /// * otherwise (answers from the store's flush thread, arriving as one loop task each) the first write of a run
    ///   queues one flush task behind the tasks already waiting, so a group commit's answers leave in one syscall.
    private func write(_ command: RemotingCommand, promise: EventLoopPromise<Void>?, state: LoopState) {
        channel.write(command, promise: promise)
        if state.inReadBatch {
            state.flushPending = true
        } else if !state.flushQueued {
            state.flushQueued = true
            eventLoop.execute {
                self.state.value.flushQueued = false
                self.channel.flush()
            }
        }
    }

    // MARK: Called by RemotingChannelHandler on the event loop

    /// Marks the start of a read batch: responses written synchronously until ``endReadBatch()`` share one flush.
    func beginReadBatch() {
        state.value.inReadBatch = true
    }

    /// Ends the read batch and flushes the responses written during it.
    func endReadBatch() {
        let state = self.state.value
        state.inReadBatch = false
        if state.flushPending {
            state.flushPending = false
            channel.flush()
        }
    }

    /// Counts a two-way request from the peer as in flight until its response is written.
    func requestReceived() {
        state.value.inFlightRequests += 1
    }

    /// Completes the pending request `response.opaque`; unknown opaques are logged and dropped, as Java does.
    func responseReceived(_ response: RemotingCommand) {
        guard let pending = state.value.pending.removeValue(forKey: response.opaque) else {
            logger.debug("response for unknown opaque dropped", metadata: ["request.opaque": "\(response.opaque)"])
            return
        }
        pending.timeout.cancel()
        pending.promise.succeed(response)
    }

    /// Fails the pending request a malformed response answered.
    func malformedResponseReceived(_ frame: MalformedRemotingFrame) {
        guard let opaque = frame.opaque, let pending = state.value.pending.removeValue(forKey: opaque) else {
            logger.debug("malformed response dropped", metadata: ["remoting.error": "\(frame.error)"])
            return
        }
        pending.timeout.cancel()
        pending.promise.fail(RemotingError(code: .malformedResponse, message: frame.error.description))
    }

    /// Fails everything pending; later sends fail at once.
    func channelClosed() {
        let state = self.state.value
        state.closed = true
        let pending = state.pending
        state.pending.removeAll()
        for (_, request) in pending {
            request.timeout.cancel()
            request.promise.fail(RemotingError(code: .connectionClosed,
                                               message: "connection \(connectionID) closed before the response"))
        }
    }

    /// Closing drops writes not yet flushed; the answers written so far must go out first.
    private func flushAndClose() {
        channel.flush()
        channel.close(promise: nil)
    }

    /// Closes once every in-flight request has been answered, or at `deadline`, whichever comes first.
    func drain(deadline: NIODeadline) {
        let run: @Sendable () -> Void = {
            let state = self.state.value
            state.draining = true
            if state.inFlightRequests <= 0 {
                self.flushAndClose()
            } else {
                self.eventLoop.scheduleTask(deadline: deadline) { self.flushAndClose() }
            }
        }
        if eventLoop.inEventLoop { run() } else { eventLoop.execute(run) }
    }
}

/// Event-loop-confined state of one connection.
private final class LoopState {
    var nextOpaque: Int32 = 1
    var pending: [Int32: PendingRequest] = [:]
    var inFlightRequests = 0
    var draining = false
    var closed = false
    var inReadBatch = false
    var flushPending = false
    /// A flush task is queued on the loop; writes until it runs need no flush of their own.
    var flushQueued = false

    /// A positive opaque not in use (C++ masks the sign bit; Go starts at 1).
    func takeOpaque() -> Int32 {
        var opaque = nextOpaque
        while pending[opaque] != nil { opaque = opaque == Int32.max ? 1 : opaque + 1 }
        nextOpaque = opaque == Int32.max ? 1 : opaque + 1
        return opaque
    }
}

private struct PendingRequest {
    var promise: EventLoopPromise<RemotingCommand>
    var timeout: Scheduled<Void>
}
