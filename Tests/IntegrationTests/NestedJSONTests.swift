import Foundation
import TestSupport
import Testing

/// Issue 14 item 1: one frame whose JSON nests 100,000 deep killed the broker with a stack overflow. Every JSON
/// decode now refuses nesting deeper than 128 with a clear error, and the broker keeps serving.
@Suite(.serialized) struct NestedJSONTests {
    @Test func deeplyNestedBodiesAndHeadersAreRefusedOnBothBrokerPortsAndTheBrokerStaysUp() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-nested-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let port = try freeBrokerPortWithVIP()
        let tern = try TernProcess(
            storePath: store.path,
            arguments: [
                "start", "--store-path", store.path, "--namesrv-port", "0", "--broker-port", "\(port)",
                "--http-port", "0",
            ])
        defer { _ = tern.stop() }
        var opaque = 1
        for servingPort in [port, port - 2] {
            let socket = try RawSocket(port: servingPort)
            for depth in [10, 1_000, 100_000] {
                for code in [34, 41] {
                    opaque += 1
                    try socket.sendAll(remotingRequest(code: code, opaque: opaque, body: nestedArray(depth: depth)))
                    let response = try socket.readFrame()
                    #expect(response.code != 0, "code \(code) depth \(depth) on \(servingPort)")
                    if code == 34, depth > 128 {
                        #expect(response.remark.contains("deeper than 128"), "\(response.remark)")
                    }
                }
                // The same nesting inside a header's extFields.
                opaque += 1
                let nested = String(decoding: nestedArray(depth: depth), as: UTF8.self)
                try socket.sendAll(
                    remotingRequest(
                        code: 34, opaque: opaque,
                        extraHeader: ",\"extFields\":{\"x\":\(nested)}"))
                let response = try socket.readFrame()
                #expect(response.code == 1, "header depth \(depth): \(response)")
                if depth > 128 { #expect(response.remark.contains("deeper than 128"), "\(response.remark)") }
            }
            #expect(tern.process.isRunning, "\(tern.standardError.suffix(2000))")
            // Still serving: a well-formed request on the same connection and on a new one.
            try socket.sendAll(remotingRequest(code: 21, opaque: 999))
            #expect(try socket.readFrame().code == 0)
            let fresh = try RawSocket(port: servingPort)
            try fresh.sendAll(remotingRequest(code: 21, opaque: 1))
            #expect(try fresh.readFrame().code == 0)
        }
    }

    @Test func deeplyNestedHTTPBodiesGetA400AndTheGatewayStaysUp() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-nested-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let tern = try TernProcess(storePath: store.path)
        defer { _ = tern.stop() }
        let httpPort = tern.httpPort
        for depth in [10, 1_000, 100_000] {
            let response = try httpPost(
                port: httpPort, path: "/v1/topics/NestedTopic/messages",
                body: nestedArray(depth: depth))
            #expect(response.hasPrefix("HTTP/1.1 400"), "depth \(depth): \(response.prefix(300))")
            if depth > 128 { #expect(response.contains("deeper than 128"), "\(response.prefix(600))") }
        }
        #expect(tern.process.isRunning, "\(tern.standardError.suffix(2000))")
        let accepted = try httpPost(
            port: httpPort, path: "/v1/topics/NestedTopic/messages",
            body: Array("{\"body\":\"still here\"}".utf8))
        #expect(accepted.hasPrefix("HTTP/1.1 2"), "\(accepted.prefix(300))")
    }

    /// One HTTP/1.1 POST with a JSON body on a fresh connection; the whole response as text.
    private func httpPost(port: Int, path: String, body: [UInt8]) throws -> String {
        let socket = try RawSocket(port: port)
        let head =
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try socket.sendAll(Array(head.utf8) + body)
        return String(decoding: socket.readToEnd(), as: UTF8.self)
    }
}
