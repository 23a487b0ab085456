#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Core
import TestSupport
import Foundation

/// A response read by `HTTPTestClient`.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(body) }
}

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// A minimal HTTP/1.1 client over one blocking loopback socket (URLSession is unreliable on Linux). Keeps the
/// connection open between requests unless the server closes it.
/// `@unchecked Sendable`: each test uses a client from one task at a time; the blocking socket calls run on
/// threads of their own so they never occupy the cooperative pool the gateway's handler tasks need.
final class HTTPTestClient: @unchecked Sendable {
    private let socketDescriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 15) throws {
        socketDescriptor = try LoopbackSocket.connect(port: port, receiveTimeoutSeconds: timeoutSeconds)
    }

    deinit { close(socketDescriptor) }

    /// Sends a request and reads its response, off the cooperative pool.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                 contentType: String? = nil) async throws -> TestResponse {
        try await offPool { try self.requestBlocking(method, path, headers: headers, body: body, contentType: contentType) }
    }

    func request(_ method: String, _ path: String, json: String) async throws -> TestResponse {
        try await request(method, path, body: Array(json.utf8), contentType: "application/json")
    }

    func readResponse(method: String = "GET") async throws -> TestResponse {
        try await offPool { try self.readResponseBlocking(method: method) }
    }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            // A thread of its own: libdispatch on Linux grows its pool slowly when workers block, and the
            // cooperative pool must stay free for the gateway's handler tasks.
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    func requestBlocking(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                 contentType: String? = nil) throws -> TestResponse {
        try send(method, path, headers: headers, body: body, contentType: contentType)
        return try readResponseBlocking(method: method)
    }


    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [],
              contentType: String? = nil) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try writeAll(Array(head.utf8) + body)
    }

    func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(socketDescriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw TestClientError(description: "write failed: \(errno)") }
            offset += written
        }
    }

    func readResponseBlocking(method: String = "GET") throws -> TestResponse {
        let headEnd = try readUntil(Array("\r\n\r\n".utf8))
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw TestClientError(description: "bad status line in \(head)")
        }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters())
        }
        let response = TestResponse(status: status, headers: headers, body: [])
        if method == "HEAD" || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            try fill(length)
            var result = response
            result.body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return result
        }
        if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            var result = response
            while true {
                let lineEnd = try readUntil(Array("\r\n".utf8))
                let size = Int(String(decoding: buffer[..<lineEnd], as: UTF8.self), radix: 16) ?? 0
                buffer.removeFirst(lineEnd + 2)
                try fill(size + 2)
                result.body += buffer[..<size]
                buffer.removeFirst(size + 2)
                if size == 0 { return result }
            }
        }
        var result = response
        while (try? fill(buffer.count + 1)) != nil {}
        result.body = buffer
        buffer = []
        return result
    }

    /// Whether the server closed the connection: end-of-stream or a reset within the read timeout.
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let count = read(socketDescriptor, &byte, 1)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if buffer.count >= marker.count {
                for start in 0...(buffer.count - marker.count) where Array(buffer[start..<start + marker.count]) == marker {
                    return start
                }
            }
            try readMore()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try readMore() }
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(socketDescriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw TestClientError(description: "connection closed or timed out (\(errno))") }
        buffer += chunk[..<count]
    }
}

extension String {
    func trimmingCharacters() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
