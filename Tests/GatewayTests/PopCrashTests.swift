import Core
import Foundation
import TestSupport
import Testing

/// The pop-state log under SIGKILL, through the real binary and its HTTP gateway: an ack the gateway answered 200
/// must survive the crash (the message never comes back), and a popped but unacked message must come back.
@Suite(.serialized) struct PopCrashTests {
    @Test func acknowledgedAcksSurviveSigkillAndUnackedMessagesReturn() async throws {
        let directory = try TemporaryDirectory(prefix: "tern-pop-crash")
        defer { directory.remove() }
        let environment = ["TERN_MAPPED_FILE_SIZE_COMMIT_LOG": "67108864"]
        let first = try TernProcess(storePath: directory.path, environment: environment)
        let port = try #require(Int(first.httpAddress.split(separator: ":").last ?? ""))
        let client = try HTTPTestClient(port: port)
        let created = try await client.request("PUT", "/v1/topics/PopCrash",
                                               json: #"{"readQueueNums":1,"writeQueueNums":1}"#)
        #expect(created.status / 100 == 2)
        for index in 0..<4 {
            let sent = try await client.request("POST", "/v1/topics/PopCrash/messages", json: #"{"body":"m\#(index)"}"#)
            #expect(sent.status == 200)
        }
        // Sends are dispatched to the consume queue asynchronously: pop until all four are held (at most 10 polls).
        var handles: [String: String] = [:]
        for _ in 0..<10 where handles.count < 4 {
            let popped = try await client.request(
                "POST", "/v1/topics/PopCrash/pop?group=GID_CRASH&maxCount=4&invisibleTimeMs=3000&waitMs=2000")
            for message in popped.json?["messages"]?.arrayValue ?? [] {
                guard let body = message["body"]?.stringValue, let handle = message["receiptHandle"]?.stringValue
                else { continue }
                handles[body] = handle
            }
        }
        #expect(handles.keys.sorted() == ["m0", "m1", "m2", "m3"])
        let m0 = try #require(handles["m0"])
        let m1 = try #require(handles["m1"])
        let acked = try await client.request("POST", "/v1/ack", json: #"{"receiptHandles":["\#(m0)","\#(m1)"]}"#)
        #expect(acked.status == 200, "\(acked.text)")
        first.crash()

        let second = try TernProcess(storePath: directory.path, environment: environment)
        defer { second.stop() }
        let restartedPort = try #require(Int(second.httpAddress.split(separator: ":").last ?? ""))
        let restarted = try HTTPTestClient(port: restartedPort)
        // After the 3 s invisible time the revive service re-puts what was not acked into the retry topic. Bounded:
        // at most 20 long polls of 2 s; two more polls after the expected two messages catch anything extra.
        var returned: [String] = []
        var extraPolls = 0
        for _ in 0..<20 where extraPolls < 2 {
            let again = try await restarted.request(
                "POST", "/v1/topics/PopCrash/pop?group=GID_CRASH&maxCount=4&invisibleTimeMs=60000&waitMs=2000")
            #expect(again.status == 200, "\(again.text)")
            returned += (again.json?["messages"]?.arrayValue ?? []).compactMap { $0["body"]?.stringValue }
            if returned.count >= 2 { extraPolls += 1 }
        }
        #expect(returned.sorted() == ["m2", "m3"], "\(second.standardError)")
    }
}
