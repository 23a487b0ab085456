import Logging
import NIOCore

/// Cuts a connection's byte stream into remoting frames (with ``RemotingFrameDecoder``), and decides when the
/// connection reads: the broker's inbound flow control.
///
/// * **Partial frames.** Frames that arrive whole are decoded straight from the read buffer. A frame that spans
///   reads gets one buffer of exactly its size (no doubling, nothing kept after it completes), whose size is first
///   reserved from the process-wide ``RemotingInboundBudget``. When the budget is spent the connection stops reading
///   until some is released, so the memory of half-received frames is bounded across all connections.
/// * **Slow readers.** While the channel is not writable (its outbound buffer is over the high water mark) the
///   connection stops reading, so a peer that never reads its responses cannot make the broker queue more of them.
///   Responses to requests already read still go out; if they push the outbound buffer past
///   `maximumPendingWriteBytes`, the connection is closed.
///
/// Reading stops by holding back the pipeline's `read()` (NIO's auto-read issues one after each read batch) and
/// resumes by issuing it again. Buffers and the reservation are released when the connection closes.
final class RemotingFrameReader: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = RemotingFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let decoder: RemotingFrameDecoder
    private let budget: RemotingInboundBudget?
    /// Servers stop reading while unwritable; clients never do, or a client and a server whose outbound buffers
    /// were both full would each wait for the other to read.
    private let readsFollowWritability: Bool
    private let maximumPendingWriteBytes: Int?
    private let logger: Logger

    /// Received bytes that do not make a frame yet and have no frame buffer: fewer than 8 (length unknown), or a
    /// frame waiting for budget.
    private var pending: ByteBuffer?
    /// The frame being received, in a buffer sized for all of it (`frameSize` bytes with its length prefix).
    private var partial: ByteBuffer?
    private var frameSize = 0
    /// Bytes of the budget this connection holds for `partial`.
    private var reserved = 0
    /// Registered with the budget and not called back yet.
    private var waitingForBudget = false
    /// The pipeline asked to read while reading was stopped; issue that read when it resumes.
    private var readHeld = false
    /// The stream broke (a frame boundary error) or the channel closed: ignore whatever else arrives.
    private var stopped = false

    /// - Parameters:
    ///   - budget: the process-wide budget for partial frames; nil to hold them without one (clients).
    ///   - readsFollowWritability: stop reading while the channel is not writable (servers).
    ///   - maximumPendingWriteBytes: close when the outbound buffer would exceed this; nil never.
    init(
        decoder: RemotingFrameDecoder, budget: RemotingInboundBudget?, readsFollowWritability: Bool,
        maximumPendingWriteBytes: Int?, logger: Logger
    ) {
        self.decoder = decoder
        self.budget = budget
        self.readsFollowWritability = readsFollowWritability
        self.maximumPendingWriteBytes = maximumPendingWriteBytes
        self.logger = logger
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        var incoming = unwrapInboundIn(data)
        if partial != nil {
            fillPartial(from: &incoming, context: context)
            guard partial == nil, incoming.readableBytes > 0, !stopped else { return }
        }
        if var held = pending {
            pending = nil
            held.writeBuffer(&incoming)
            incoming = held
        }
        process(&incoming, context: context)
    }

    /// Fires every whole frame in `buffer`, then keeps the incomplete rest (pending, or in a reserved frame buffer).
    private func process(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while !stopped {
            let frame: RemotingFrame?
            do {
                frame = try decoder.nextFrame(&buffer)
            } catch {
                fail(error, context: context)
                return
            }
            guard let frame else { break }
            context.fireChannelRead(wrapInboundOut(frame))
        }
        guard !stopped, buffer.readableBytes > 0 else { return }
        // nextFrame checked the length and header words once 8 bytes were there; fewer stay pending, copied so the
        // read buffer they came in is freed.
        guard buffer.readableBytes >= 8, let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            pending = copy(buffer, capacity: 8, context: context)
            return
        }
        startFrame(size: 4 + Int(length), from: &buffer, context: context)
    }

    /// Reserves `size` bytes for the frame starting in `buffer` and moves its bytes into a buffer of that size; when
    /// the budget is spent, keeps them pending and stops reading until the budget calls back.
    private func startFrame(size: Int, from buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        if let budget {
            // The plain reserve first: the wake-up closure is built only when the budget is spent.
            var granted = budget.reserve(size)
            if !granted, !waitingForBudget {
                granted = budget.reserve(size, orCallOnRelease: wakeUp(context: context))
            }
            // A callback still registered from an earlier wait finds nothing to do when it comes.
            waitingForBudget = !granted
            guard granted else {
                pending = copy(buffer, capacity: buffer.readableBytes, context: context)
                logger.trace("reading paused: inbound budget spent", metadata: ["remoting.frame.bytes": "\(size)"])
                return
            }
            reserved = size
        }
        frameSize = size
        var frame = context.channel.allocator.buffer(capacity: size)
        frame.writeBuffer(&buffer)
        partial = frame
        resumeReadingIfAllowed(context: context)
    }

    /// Appends what `incoming` holds of the frame in progress; fires the frame when it is complete.
    private func fillPartial(from incoming: inout ByteBuffer, context: ChannelHandlerContext) {
        guard var frame = partial else { return }
        partial = nil
        let missing = frameSize - frame.readableBytes
        guard incoming.readableBytes >= missing else {
            frame.writeBuffer(&incoming)
            partial = frame
            return
        }
        var tail = incoming.readSlice(length: missing) ?? ByteBuffer()
        frame.writeBuffer(&tail)
        releaseReservation()
        do {
            if let decoded = try decoder.nextFrame(&frame) { context.fireChannelRead(wrapInboundOut(decoded)) }
        } catch {
            fail(error, context: context)
        }
    }

    /// Hops to this connection's loop to retry after the budget released bytes.
    private func wakeUp(context: ChannelHandlerContext) -> @Sendable () -> Void {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        return {
            eventLoop.execute {
                let (reader, context) = loopBound.value
                reader.budgetReleased(context: context)
            }
        }
    }

    /// The budget released bytes: retry the frame that waited, then read again if nothing else holds reading.
    private func budgetReleased(context: ChannelHandlerContext) {
        guard waitingForBudget, !stopped else { return }
        waitingForBudget = false
        if partial == nil, var held = pending {
            pending = nil
            process(&held, context: context)
        }
        resumeReadingIfAllowed(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { resumeReadingIfAllowed(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        discard()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        discard()
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        guard !waitingForBudget, !readsFollowWritability || context.channel.isWritable else {
            readHeld = true
            return
        }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // isWritable is one atomic load; the buffered size is asked only once the high water mark is passed.
        if let maximumPendingWriteBytes, !context.channel.isWritable,
            let buffered = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes),
            buffered + unwrapOutboundIn(data).readableBytes > maximumPendingWriteBytes
        {
            logger.warning(
                "closing: the peer does not read its responses",
                metadata: [
                    "remoting.pending_write_bytes": "\(buffered)"
                ])
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
            return
        }
        context.write(data, promise: promise)
    }

    // MARK: Helpers

    private func resumeReadingIfAllowed(context: ChannelHandlerContext) {
        guard readHeld, !waitingForBudget, !readsFollowWritability || context.channel.isWritable, !stopped else {
            return
        }
        readHeld = false
        context.read()
    }

    private func releaseReservation() {
        if reserved > 0 { budget?.release(reserved) }
        reserved = 0
    }

    /// Drops every buffer and returns the reservation: the connection is done.
    private func discard() {
        stopped = true
        partial = nil
        pending = nil
        releaseReservation()
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        discard()
        context.fireErrorCaught(error)
    }

    private func copy(_ buffer: ByteBuffer, capacity: Int, context: ChannelHandlerContext) -> ByteBuffer {
        var copy = context.channel.allocator.buffer(capacity: max(capacity, buffer.readableBytes))
        copy.writeImmutableBuffer(buffer)
        return copy
    }
}

@available(*, unavailable)
extension RemotingFrameReader: Sendable {}
