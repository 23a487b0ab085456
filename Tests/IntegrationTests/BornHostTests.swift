import Core
import Foundation
import NIOCore
import Store
import TestSupport
import Testing

/// A stored message's BORNHOST is the sender's socket address, over the native protocol and over HTTP alike (each
/// connection parses it once; a wrong or default host would read 127.0.0.1:0).
@Suite struct BornHostTests {
    @Test func remotingSendsAreBornAtTheClientsSocketAddress() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let broker = try TernProcess(storePath: directory.path)
        defer { _ = broker.stop() }
        let client = try await RemotingTestClient(address: broker.brokerAddress)
        defer { Task { await client.close() } }
        let localPort = try #require(client.client.connection.channel.localAddress?.port)

        let sent = try await client.send(topic: "BornHostTopic", queueId: 0, body: "native")
        #expect(sent.code == ResponseCode.success.rawValue, "\(broker.standardError)")
        var pulled: [DecodedMessage] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while pulled.isEmpty, ContinuousClock.now < deadline {
            pulled = try await client.pull(topic: "BornHostTopic", queueId: 0, offset: 0).messages
            if pulled.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        let message = try #require(pulled.first)
        #expect(message.bornHost == HostAddress(addressBytes: [127, 0, 0, 1], port: Int32(localPort)))
    }

    @Test func httpSendsAreBornAtTheClientsSocketAddress() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let broker = try TernProcess(storePath: directory.path)
        defer { _ = broker.stop() }
        let base = "http://\(broker.httpAddress)/v1/topics/BornHostHttp"
        // curl binds its own end to a port of this range, so the stored port can be checked against it.
        let ports = 41_000...41_200
        let sent = try curlJSON(["--local-port", "\(ports.lowerBound)-\(ports.upperBound)", "--data-binary", "http",
                                 "-H", "Content-Type: text/plain", "\(base)/messages"])
        let queueId = try #require(sent["queueId"] as? Int, "\(sent)")
        var bornHost: String?
        for _ in 0..<100 where bornHost == nil {
            let page = try curlJSON(["\(base)/queues/\(queueId)/messages?offset=0"])
            bornHost = (page["messages"] as? [[String: Any]])?.first?["bornHost"] as? String
            if bornHost == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let text = try #require(bornHost)
        #expect(text.hasPrefix("127.0.0.1:"), "\(text)")
        let port = Int(text.split(separator: ":").last ?? "") ?? 0
        #expect(ports.contains(port), "\(text)")
    }

    /// Runs curl and parses its output as a JSON object.
    private func curlJSON(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "--max-time", "10"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}
