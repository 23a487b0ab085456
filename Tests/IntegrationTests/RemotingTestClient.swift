import Core
import Foundation
import Logging
import NIOCore
import NIOPosix
import Store

/// A native remoting client for integration tests: sends and pulls the way RocketMQ clients do, over real sockets.
final class RemotingTestClient: Sendable {
    let client: RemotingClient
    private let group: MultiThreadedEventLoopGroup

    init(address: String) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let parts = address.split(separator: ":")
        let port = Int(parts.last ?? "") ?? 0
        client = try await RemotingClient.connect(host: String(parts.first ?? "127.0.0.1"), port: port, group: group,
                                                  logger: Logger(label: "test.client"))
    }

    func close() async {
        _ = try? await client.close().get()
        try? await group.shutdownGracefully()
    }

    /// SEND_MESSAGE_V2 of one message; returns the response.
    func send(topic: String, queueId: Int32, body: String, keys: String? = nil,
              uniqueKey: String? = nil) async throws -> RemotingCommand {
        var properties = [("WAIT", "true")]
        if let keys { properties.append(("KEYS", keys)) }
        if let uniqueKey { properties.append((MessageProperties.uniqueKey, uniqueKey)) }
        let header: [String: String] = [
            "a": "PG_test", "b": topic, "c": "TBW102", "d": "4", "e": String(queueId), "f": "0",
            "g": String(Int64(Date().timeIntervalSince1970 * 1000)), "h": "0",
            "i": MessageProperties.encode(properties), "j": "0", "k": "false", "m": "false",
        ]
        return try await client.request(
            .request(.sendMessageV2, extFields: header, body: ByteBuffer(string: body)), timeout: .seconds(10))
    }

    /// PULL_MESSAGE without suspension; returns the decoded records (empty when none).
    func pull(topic: String, queueId: Int32, offset: Int64, maxCount: Int32 = 32) async throws
        -> (code: Int32, nextOffset: Int64, messages: [DecodedMessage])
    {
        let header: [String: String] = [
            "consumerGroup": "CG_test", "topic": topic, "queueId": String(queueId), "queueOffset": String(offset),
            "maxMsgNums": String(maxCount), "sysFlag": "4", "commitOffset": "0", "suspendTimeoutMillis": "0",
            "subscription": "*", "subVersion": "0", "expressionType": "TAG",
        ]
        let response = try await client.request(.request(.pullMessage, extFields: header), timeout: .seconds(10))
        var messages: [DecodedMessage] = []
        if var body = response.body {
            while body.readableBytes >= 4, let size = body.getInteger(at: body.readerIndex, as: Int32.self),
                  size > 0, let slice = body.readSlice(length: Int(size)) {
                if let message = MessageRecord.decode(slice) { messages.append(message) }
            }
        }
        return (response.code, Int64(response.extFields["nextBeginOffset"] ?? "") ?? offset, messages)
    }

    /// QUERY_MESSAGE over all time: by KEYS value, or by UNIQ_KEY (the message id clients see) with `byUniqueKey`.
    func queryMessages(topic: String, key: String, byUniqueKey: Bool = false) async throws
        -> (code: Int32, messages: [DecodedMessage])
    {
        var header: [String: String] = [
            "topic": topic, "key": key, "maxNum": "32", "beginTimestamp": "0", "endTimestamp": String(Int64.max),
        ]
        if byUniqueKey { header[QueryMessageProcessor.uniqueKeyQueryFlag] = "true" }
        let response = try await client.request(.request(.queryMessage, extFields: header), timeout: .seconds(10))
        var messages: [DecodedMessage] = []
        if var body = response.body {
            while body.readableBytes >= 4, let size = body.getInteger(at: body.readerIndex, as: Int32.self),
                  size > 0, let slice = body.readSlice(length: Int(size)) {
                if let message = MessageRecord.decode(slice) { messages.append(message) }
            }
        }
        return (response.code, messages)
    }
}
