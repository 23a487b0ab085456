import Core
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

// MARK: Processors used by the tests

/// Answers SUCCESS with the `echo` field as remark.
private struct EchoProcessor: RequestProcessor {
    func process(_ request: RemotingCommand, context: any RequestContext) {
        context.respond(request.response(.success, remark: request.extFields["echo"]))
    }
}

/// Answers after `delay`, from another event loop's thread.
private struct SlowProcessor: RequestProcessor {
    let loop: any EventLoop
    let delay: TimeAmount
    func process(_ request: RemotingCommand, context: any RequestContext) {
        loop.scheduleTask(in: delay) { context.respond(request.response(.success, remark: "slow")) }
    }
}

/// Records requests and (wrongly) tries to answer them, to prove oneway answers are dropped.
private final class RecordingProcessor: RequestProcessor {
    let received = NIOLockedValueBox<[RemotingCommand]>([])
    func process(_ request: RemotingCommand, context: any RequestContext) {
        received.withLockedValue { $0.append(request) }
        context.respond(request.response(.success, remark: "recorded"))
    }
}

/// Never answers.
private struct SilentProcessor: RequestProcessor {
    func process(_ request: RemotingCommand, context: any RequestContext) {}
}

/// Holds requests until `count` have arrived, then answers them all at once from a thread outside NIO, as the
/// store's group commit does: a burst of off-loop answers that share flushes.
private final class GatheringProcessor: RequestProcessor {
    let count: Int
    private let held = NIOLockedValueBox<[(RemotingCommand, any RequestContext)]>([])
    init(count: Int) { self.count = count }
    func process(_ request: RemotingCommand, context: any RequestContext) {
        let all = held.withLockedValue { held -> [(RemotingCommand, any RequestContext)] in
            held.append((request, context))
            return held.count == count ? held : []
        }
        guard !all.isEmpty else { return }
        Thread.detachNewThread {
            for (request, context) in all { context.respond(request.response(.success, remark: request.remark)) }
        }
    }
}

private let echoCode: Int32 = 1001
private let slowCode: Int32 = 1002
private let recordCode: Int32 = 1003
private let silentCode: Int32 = 1004
private let gatherCode: Int32 = 1005

// MARK: Harness

private struct Harness {
    let group: MultiThreadedEventLoopGroup
    let server: RemotingServer
    let recorder: RecordingProcessor
    let opened: NIOLockedValueBox<[RemotingConnection]>
    let closed: NIOLockedValueBox<[String]>
    var port: Int { server.port ?? 0 }

    static func start(configure: (inout RemotingServerConfiguration) -> Void = { _ in }) async throws -> Harness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var configuration = RemotingServerConfiguration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        let recorder = RecordingProcessor()
        let opened = NIOLockedValueBox<[RemotingConnection]>([])
        let closed = NIOLockedValueBox<[String]>([])
        let dispatcher = RemotingDispatcher(processors: [
            echoCode: EchoProcessor(),
            slowCode: SlowProcessor(loop: group.any(), delay: .milliseconds(400)),
            recordCode: recorder,
            silentCode: SilentProcessor(),
            gatherCode: GatheringProcessor(count: 64),
        ])
        let server = RemotingServer(configuration: configuration, group: group, dispatcher: dispatcher,
                                    logger: Logger(label: "test.remoting"),
                                    onConnectionOpened: { connection in opened.withLockedValue { $0.append(connection) } },
                                    onConnectionClosed: { id in closed.withLockedValue { $0.append(id) } })
        try await server.start()
        return Harness(group: group, server: server, recorder: recorder, opened: opened, closed: closed)
    }

    func client(dispatcher: RemotingDispatcher = RemotingDispatcher(),
                configuration: RemotingClientConfiguration = RemotingClientConfiguration()) async throws
        -> RemotingClient {
        try await RemotingClient.connect(host: "127.0.0.1", port: port, group: group, configuration: configuration,
                                         dispatcher: dispatcher, logger: Logger(label: "test.client"))
    }

    func rawClient() async throws -> RawClient {
        try await RawClient.connect(port: port, group: group)
    }

    func stop() async throws {
        await server.shutdown()
        try await group.shutdownGracefully()
    }
}

/// A client that writes raw bytes and records every decoded frame, to see exactly what the server sends.
private final class RawClient: Sendable {
    let channel: any Channel
    let frames: NIOLockedValueBox<[RemotingFrame]>

    private init(channel: any Channel, frames: NIOLockedValueBox<[RemotingFrame]>) {
        self.channel = channel
        self.frames = frames
    }

    static func connect(port: Int, group: any EventLoopGroup) async throws -> RawClient {
        let frames = NIOLockedValueBox<[RemotingFrame]>([])
        let channel = try await ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RemotingFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(Collector(frames: frames))
            }
        }.connect(host: "127.0.0.1", port: port).get()
        return RawClient(channel: channel, frames: frames)
    }

    func write(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(buffer)
    }

    func write(_ command: RemotingCommand) async throws {
        var buffer = ByteBuffer()
        try command.encode(into: &buffer)
        try await write(buffer)
    }

    var commands: [RemotingCommand] {
        frames.withLockedValue { frames in
            frames.compactMap { if case let .command(command) = $0 { command } else { nil } }
        }
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = RemotingFrame
        let frames: NIOLockedValueBox<[RemotingFrame]>
        init(frames: NIOLockedValueBox<[RemotingFrame]>) { self.frames = frames }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            frames.withLockedValue { $0.append(frame) }
        }
    }
}

private func echo(_ text: String) -> RemotingCommand {
    RemotingCommand(code: echoCode, extFields: ["echo": text])
}

// MARK: Tests

@Test func clientAndServerRoundTripOverLoopback() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let response = try await client.request(echo("hello"), timeout: .seconds(5))
    #expect(response.code == ResponseCode.success.rawValue)
    #expect(response.isResponse)
    #expect(response.remark == "hello")
    #expect(response.version == CoreVersion.remotingVersion)
    try await client.close().get()
    try await harness.stop()
}

@Test func clientKeepsSixtyFourRequestsInFlightOnOneConnection() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let futures = (0..<64).map { client.send(echo("n\($0)"), timeout: .seconds(10)) }
    for (index, future) in futures.enumerated() {
        #expect(try await future.get().remark == "n\(index)")
    }
    try await client.close().get()
    try await harness.stop()
}

@Test func answersWrittenTogetherFromAnotherThreadAllArrive() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let futures = (0..<64).map {
        client.send(RemotingCommand(code: gatherCode, remark: "g\($0)"), timeout: .seconds(10))
    }
    for (index, future) in futures.enumerated() {
        #expect(try await future.get().remark == "g\(index)")
    }
    try await client.close().get()
    try await harness.stop()
}

@Test func unknownCodeIsAnsweredRequestCodeNotSupported() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let response = try await client.request(RemotingCommand(code: 9999), timeout: .seconds(5))
    #expect(response.code == ResponseCode.requestCodeNotSupported.rawValue)
    #expect(response.remark == " request type 9999 not supported")
    try await harness.stop()
}

@Test func onewayRequestsAreNeverAnswered() async throws {
    let harness = try await Harness.start()
    let raw = try await harness.rawClient()
    try await raw.write(RemotingCommand(code: recordCode, opaque: 1, flag: RemotingCommand.onewayFlag))
    try await raw.write(RemotingCommand(code: echoCode, opaque: 2, extFields: ["echo": "after"]))
    #expect(await eventually { raw.commands.contains { $0.opaque == 2 } })
    #expect(raw.commands.map(\.opaque) == [2])
    #expect(harness.recorder.received.withLockedValue { $0.map(\.opaque) } == [1])
    try await raw.channel.close()
    try await harness.stop()
}

@Test func slowProcessorDoesNotBlockOtherRequestsOnTheConnection() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let order = NIOLockedValueBox<[String]>([])
    let slow = client.send(RemotingCommand(code: slowCode), timeout: .seconds(5))
    slow.whenSuccess { _ in order.withLockedValue { $0.append("slow") } }
    let fast = client.send(echo("fast"), timeout: .seconds(5))
    fast.whenSuccess { _ in order.withLockedValue { $0.append("fast") } }
    #expect(try await fast.get().remark == "fast")
    #expect(try await slow.get().remark == "slow")
    #expect(order.withLockedValue { $0 } == ["fast", "slow"])
    try await harness.stop()
}

@Test func malformedJSONHeaderIsAnsweredAndKeepsTheConnection() async throws {
    let harness = try await Harness.start()
    let raw = try await harness.rawClient()
    try await raw.write(FrameBuilder.jsonFrame(header: #"{"code":1001,"opaque":5,"flag":0,"extFields":{"#))
    try await raw.write(RemotingCommand(code: echoCode, opaque: 6, extFields: ["echo": "still here"]))
    #expect(await eventually { raw.commands.count == 2 })
    let commands = raw.commands
    #expect(commands.first?.opaque == 5)
    #expect(commands.first?.code == ResponseCode.systemError.rawValue)
    #expect(commands.first?.remark?.contains("malformed remoting header") == true)
    #expect(commands.last?.opaque == 6)
    #expect(commands.last?.remark == "still here")
    #expect(raw.channel.isActive)
    try await raw.channel.close()
    try await harness.stop()
}

@Test func oversizeFrameClosesTheConnection() async throws {
    let harness = try await Harness.start { $0.maximumFrameLength = 1024 }
    let raw = try await harness.rawClient()
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt32(2000))
    buffer.writeInteger(UInt32(10))
    buffer.writeRepeatingByte(0x7B, count: 64)
    try await raw.write(buffer)
    try await raw.channel.closeFuture.get()
    #expect(await eventually { harness.closed.withLockedValue { $0.count } == 1 })
    #expect(raw.commands.isEmpty)
    try await harness.stop()
}

@Test func idleConnectionsAreClosed() async throws {
    let harness = try await Harness.start { $0.idleTimeout = .milliseconds(150) }
    let client = try await harness.client()
    // On a loaded machine the idle timer may fire before this request is read; either way the server must close.
    _ = try? await client.request(echo("x"), timeout: .seconds(5))
    try await client.closeFuture.get()
    #expect(await eventually { harness.closed.withLockedValue { $0.count } == 1 })
    #expect(harness.server.connections.isEmpty)
    try await harness.stop()
}

@Test func brokerSendsTwoWayAndOnewayRequestsToClients() async throws {
    let harness = try await Harness.start()
    let clientRecorder = RecordingProcessor()
    let client = try await harness.client(dispatcher: RemotingDispatcher(processors: [
        RequestCode.notifyConsumerIdsChanged.rawValue: clientRecorder,
        RequestCode.getConsumerRunningInfo.rawValue: EchoProcessor(),
    ]))
    #expect(await eventually { harness.opened.withLockedValue { $0.count } == 1 })
    let connection = try #require(harness.opened.withLockedValue { $0.first })
    let response = try await connection.send(
        RemotingCommand(code: RequestCode.getConsumerRunningInfo.rawValue, extFields: ["echo": "running"]),
        timeout: .seconds(5)
    ).get()
    #expect(response.remark == "running")
    connection.sendOneway(.request(.notifyConsumerIdsChanged, extFields: ["consumerGroup": "g"]))
    #expect(await eventually { clientRecorder.received.withLockedValue { $0.count } == 1 })
    let notified = try #require(clientRecorder.received.withLockedValue { $0.first })
    #expect(notified.isOneway)
    #expect(notified.extFields["consumerGroup"] == "g")
    try await client.close().get()
    #expect(await eventually { harness.closed.withLockedValue { $0 } == [connection.connectionID] })
    try await harness.stop()
}

@Test func requestsTimeOutAndFailWhenTheConnectionCloses() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    await #expect(throws: RemotingError.self) {
        _ = try await client.request(RemotingCommand(code: silentCode), timeout: .milliseconds(100))
    }
    let pending = client.send(RemotingCommand(code: silentCode), timeout: .seconds(30))
    client.close()
    do {
        _ = try await pending.get()
        Issue.record("expected connectionClosed")
    } catch let error as RemotingError {
        #expect(error.code == .connectionClosed)
    }
    try await harness.stop()
}

@Test func shutdownWaitsForInFlightResponses() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let slow = client.send(RemotingCommand(code: slowCode), timeout: .seconds(5))
    #expect(await eventually { harness.opened.withLockedValue { $0.count } == 1 })
    try await Task.sleep(for: .milliseconds(50))  // let the request reach the processor
    let stopped = harness.server.shutdownGracefully()
    #expect(try await slow.get().remark == "slow")
    try await stopped.get()
    try await client.closeFuture.get()
    try await harness.group.shutdownGracefully()
}

/// Loopback throughput with 64 requests in flight on one connection; set TERN_REMOTING_BENCH=1 to run.
@Test(.enabled(if: ProcessInfo.processInfo.environment["TERN_REMOTING_BENCH"] != nil))
func loopbackThroughputWithSixtyFourInFlight() async throws {
    let harness = try await Harness.start()
    let client = try await harness.client()
    let total = Int(ProcessInfo.processInfo.environment["TERN_REMOTING_BENCH"] ?? "") ?? 200_000
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<64 {
            group.addTask {
                for index in stride(from: worker, to: total, by: 64) {
                    _ = try await client.request(echo("\(index)"), timeout: .seconds(10))
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("remoting loopback: \(total) requests in \(elapsed), \(Int(Double(total) / seconds)) req/s")
    try await harness.stop()
}
