import Core
@testable import Gateway
import Logging
import Store
import TestSupport
import Testing

/// `GET /v1/consumer-groups/{group}/dlq` and `POST …/dlq/resend` over the real broker processors (in-memory store).
@Suite struct DeadLetterRoutesTests {
    /// Hands the processor's answer back to the awaiting test.
    final class AwaitingContext: RequestContext {
        let remoteAddress = "127.0.0.1:1"
        let connectionID = "test-send-back"
        var clientChannel: (any ClientChannel)? { nil }
        private let continuation: CheckedContinuation<RemotingCommand, Never>

        init(_ continuation: CheckedContinuation<RemotingCommand, Never>) { self.continuation = continuation }
        func respond(_ response: RemotingCommand) { continuation.resume(returning: response) }
    }

    func withBroker(_ body: (Broker, HTTPTestClient) async throws -> Void) async throws {
        try await withRealBroker(prefix: "tern-gateway-dlq") { broker, port in
            try await body(broker, try HTTPTestClient(port: port))
        }
    }

    /// Sends a message over HTTP and fails it straight to `%DLQ%<group>` (CONSUMER_SEND_MSG_BACK, delayLevel -1).
    func deadLetter(_ broker: Broker, _ client: HTTPTestClient, body: String, group: String) async throws
        -> JSONValue {
        let sent = try await client.request("POST", "/v1/topics/DlqOrigin/messages", json: """
            {"body":"\(body)","tags":"TagP","keys":["p-1","p-2"],"properties":{"origin":"http"}}
            """)
        #expect(sent.status == 200, "\(sent.text)")
        let queueId = try #require(sent.json?["queueId"]?.int64Value)
        let offset = try #require(sent.json?["queueOffset"]?.int64Value)
        let pulled = try await client.request(
            "GET", "/v1/topics/DlqOrigin/queues/\(queueId)/messages?offset=\(offset)&waitMs=1000&group=\(group)")
        let message = try #require(pulled.json?["messages"]?[0])
        let commitLogOffset = try #require(message["commitLogOffset"]?.int64Value)
        let processor = try #require(broker.processors[RequestCode.consumerSendMessageBack.rawValue])
        let request = RemotingCommand.request(.consumerSendMessageBack, extFields: [
            "offset": String(commitLogOffset), "group": group, "delayLevel": "-1",
        ])
        let response = await withCheckedContinuation { processor.process(request, context: AwaitingContext($0)) }
        #expect(response.code == ResponseCode.success.rawValue, "\(response.remark ?? "")")
        return message
    }

    @Test func deadLettersAreListedAndResentWithTheirFields() async throws {
        try await withBroker { broker, client in
            let original = try await deadLetter(broker, client, body: "poison", group: "http-dlq")
            let listed = try await client.request("GET", "/v1/consumer-groups/http-dlq/dlq")
            #expect(listed.status == 200, "\(listed.text)")
            #expect(listed.json?["topic"]?.stringValue == "%DLQ%http-dlq")
            #expect(listed.json?["nextOffset"]?.int64Value == 1)
            let dead = try #require(listed.json?["messages"]?[0])
            #expect(dead["messageId"] == original["messageId"])
            #expect(dead["originTopic"]?.stringValue == "DlqOrigin")
            #expect(dead["tags"]?.stringValue == "TagP")
            #expect(dead["keys"] == .array([.string("p-1"), .string("p-2")]))
            #expect(dead["bodySize"]?.int64Value == 6)

            let messageId = try #require(original["messageId"]?.stringValue)
            let resent = try await client.request("POST", "/v1/consumer-groups/http-dlq/dlq/resend",
                                                  json: #"{"messageIds":["\#(messageId)"]}"#)
            #expect(resent.status == 200, "\(resent.text)")
            let result = try #require(resent.json?["results"]?[0])
            #expect(result["sent"] == .bool(true))
            #expect(result["topic"]?.stringValue == "DlqOrigin")
            #expect(result["messageId"]?.stringValue == messageId)
            let queueId = try #require(result["queueId"]?.int64Value)
            let offset = try #require(result["queueOffset"]?.int64Value)
            let pulled = try await client.request(
                "GET", "/v1/topics/DlqOrigin/queues/\(queueId)/messages?offset=\(offset)&waitMs=1000&group=http-dlq")
            let copy = try #require(pulled.json?["messages"]?[0])
            for field in ["body", "tags", "keys", "properties", "messageId"] {
                #expect(copy[field] == original[field], "\(field): \(String(describing: copy[field]))")
            }
            #expect(copy["reconsumeTimes"]?.int64Value == 0)

            let all = try await client.request("POST", "/v1/consumer-groups/http-dlq/dlq/resend", json: #"{"all":true}"#)
            #expect(all.status == 200, "\(all.text)")
            #expect(all.json?["results"]?.arrayValue?.count == 1)
            #expect(all.json?["nextOffset"]?.int64Value == 1)
            #expect(all.json?["maxOffset"]?.int64Value == 1)
        }
    }

    @Test func unknownGroupsMissingMessagesAndBadBodiesAreProblems() async throws {
        try await withBroker { broker, client in
            _ = try await deadLetter(broker, client, body: "poison", group: "http-dlq")
            let unknown = try await client.request("GET", "/v1/consumer-groups/nobody-here/dlq")
            #expect(unknown.status == 404)
            #expect(unknown.json?["code"]?.stringValue == "consumer_group_not_found")
            let unknownResend = try await client.request("POST", "/v1/consumer-groups/nobody-here/dlq/resend",
                                                         json: #"{"all":true}"#)
            #expect(unknownResend.json?["code"]?.stringValue == "consumer_group_not_found")
            let missing = try await client.request("POST", "/v1/consumer-groups/http-dlq/dlq/resend",
                                                   json: #"{"messageIds":["NOT-IN-THE-DLQ"]}"#)
            #expect(missing.status == 404)
            #expect(missing.json?["code"]?.stringValue == "message_not_found")
            for body in [#"{}"#, #"{"all":false}"#, #"{"all":true,"messageIds":["x"]}"#, #"{"messageIds":[]}"#,
                         #"{"messageIds":[7]}"#, #"{"all":"yes"}"#, #"{"all":true,"maxCount":0}"#,
                         #"{"messageIds":["x"],"offset":1}"#, #"{"all":true,"extra":1}"#] {
                let bad = try await client.request("POST", "/v1/consumer-groups/http-dlq/dlq/resend", json: body)
                #expect(bad.status == 400, "\(body): \(bad.text)")
                #expect(bad.header("Content-Type") == "application/problem+json")
            }
            let badPage = try await client.request("GET", "/v1/consumer-groups/http-dlq/dlq?maxCount=5000")
            #expect(badPage.status == 400)
            #expect(badPage.json?["code"]?.stringValue == "invalid_parameter")
        }
    }
}
