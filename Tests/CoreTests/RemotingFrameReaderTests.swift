import Logging
import NIOCore
import NIOEmbedded
import TestSupport
import Testing

@testable import Core

/// Counts the `read()` calls that pass the frame reader, i.e. whether the connection would read from its socket.
private final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var reads = 0
    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }
}

private func frame(code: Int32, bodyBytes: Int) -> ByteBuffer {
    FrameBuilder.jsonFrame(
        header: #"{"code":\#(code),"flag":0,"opaque":\#(code),"version":1}"#,
        body: [UInt8](repeating: 7, count: bodyBytes))
}

private func reader(budget: RemotingInboundBudget) -> RemotingFrameReader {
    RemotingFrameReader(
        decoder: RemotingFrameDecoder(), budget: budget, readsFollowWritability: true,
        maximumPendingWriteBytes: nil, logger: Logger(label: "test"))
}

@Test func frameSplitAcrossReadsIsReservedFromTheBudgetUntilItCompletes() throws {
    let budget = RemotingInboundBudget(capacityBytes: 1 << 20)
    let channel = EmbeddedChannel(handler: reader(budget: budget))
    var whole = frame(code: 1, bodyBytes: 100_000)
    let size = whole.readableBytes
    try channel.writeInbound(whole.readSlice(length: 1000)!)
    #expect(budget.reservedBytes == size)
    try channel.writeInbound(whole.readSlice(length: 50_000)!)
    #expect(try channel.readInbound(as: RemotingFrame.self) == nil)
    // The rest of the frame and a whole second frame in one read.
    var rest = whole
    var second = frame(code: 2, bodyBytes: 10)
    rest.writeBuffer(&second)
    try channel.writeInbound(rest)
    #expect(budget.reservedBytes == 0)
    let first = try #require(try channel.readInbound(as: RemotingFrame.self))
    guard case let .command(command) = first else { Issue.record("malformed"); return }
    #expect(command.code == 1 && command.body?.readableBytes == 100_000)
    guard case let .command(next) = try #require(try channel.readInbound(as: RemotingFrame.self)) else { return }
    #expect(next.code == 2)
    _ = try channel.finish()
}

@Test func readingStopsWhileTheBudgetIsSpentAndResumesWhenItIsFreed() throws {
    let budget = RemotingInboundBudget(capacityBytes: 64 * 1024)
    let holder = EmbeddedChannel(handler: reader(budget: budget))
    let counter = ReadCounter()
    let waiter = EmbeddedChannel(handlers: [counter, reader(budget: budget)])
    var big = frame(code: 1, bodyBytes: 60_000)
    try holder.writeInbound(big.readSlice(length: 100)!)
    #expect(budget.reservedBytes == big.readableBytes + 100)
    var other = frame(code: 2, bodyBytes: 10_000)
    try waiter.writeInbound(other.readSlice(length: 100)!)
    waiter.read()
    #expect(counter.reads == 0, "reading went on with the budget spent")
    try holder.writeInbound(big)
    #expect(budget.reservedBytes == 0)
    waiter.embeddedEventLoop.run()
    #expect(counter.reads == 1, "reading did not resume when the budget was freed")
    #expect(budget.reservedBytes == other.readableBytes + 100)
    try waiter.writeInbound(other)
    #expect(budget.reservedBytes == 0)
    _ = try holder.finish()
    _ = try waiter.finish()
}

@Test func closingReturnsTheReservation() throws {
    let budget = RemotingInboundBudget(capacityBytes: 1 << 20)
    let channel = EmbeddedChannel(handler: reader(budget: budget))
    var big = frame(code: 1, bodyBytes: 500_000)
    try channel.writeInbound(big.readSlice(length: 100)!)
    #expect(budget.reservedBytes > 0)
    _ = try channel.finish(acceptAlreadyClosed: true)
    #expect(budget.reservedBytes == 0)
}

@Test func aFrameLargerThanTheWholeBudgetTakesAllOfIt() {
    let budget = RemotingInboundBudget(capacityBytes: 1000)
    #expect(budget.reserve(5000))
    #expect(budget.reservedBytes == 1000)
    #expect(!budget.reserve(1))
    budget.release(5000)
    #expect(budget.reservedBytes == 0)
}
