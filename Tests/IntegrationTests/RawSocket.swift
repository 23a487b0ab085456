import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking loopback TCP socket for tests that must send what a well-behaved client never would: frames
/// nested 100,000 deep, 16 MiB frames sent slowly, requests whose replies are never read. Every call is bounded by
/// a deadline.
final class RawSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let descriptor: Int32
    private var received: [UInt8] = []

    /// Connects to `127.0.0.1:port`; the socket is non-blocking so every operation can stop at its deadline.
    init(port: Int, receiveBufferBytes: Int32? = nil) throws {
        descriptor = try LoopbackSocket.connect(port: port, receiveBufferBytes: receiveBufferBytes)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(descriptor) }

    /// Writes as much of `bytes` as the peer takes before `deadline`; returns how many were written. Stops early
    /// when the peer closed, or when it took nothing for `stallTimeout`.
    @discardableResult
    func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant, stallTimeout: Duration? = nil) -> Int {
        var written = 0
        var lastProgress = ContinuousClock.now
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.send(descriptor, buffer.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                written += count
                lastProgress = .now
                continue
            }
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return written }
            let stallDeadline = stallTimeout.map { lastProgress + $0 } ?? deadline
            guard ContinuousClock.now < min(deadline, stallDeadline),
                wait(for: Int16(POLLOUT), until: min(deadline, stallDeadline))
            else { return written }
        }
        return written
    }

    /// Writes what the socket takes now of `bytes[offset..<end]` (end defaults to the whole array) without
    /// waiting; nil when the peer closed.
    func sendAvailable(_ bytes: [UInt8], from offset: Int, to end: Int? = nil) -> Int? {
        let end = min(end ?? bytes.count, bytes.count)
        guard offset < end else { return 0 }
        let count = bytes.withUnsafeBytes { buffer in
            Glibc.send(descriptor, buffer.baseAddress! + offset, end - offset, Int32(MSG_NOSIGNAL))
        }
        if count >= 0 { return count }
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : nil
    }

    /// Sends all of `bytes` or throws.
    func sendAll(_ bytes: [UInt8], timeout: Duration = .seconds(20)) throws {
        let written = send(bytes, until: .now + timeout)
        guard written == bytes.count else {
            throw Failure(description: "sent only \(written) of \(bytes.count) bytes")
        }
    }

    /// Reads one remoting frame: the response's code and remark (from its JSON header).
    func readFrame(timeout: Duration = .seconds(20)) throws -> (code: Int, remark: String) {
        let deadline = ContinuousClock.now + timeout
        try fill(4, until: deadline)
        let length = Int(received[0]) << 24 | Int(received[1]) << 16 | Int(received[2]) << 8 | Int(received[3])
        try fill(4 + length, until: deadline)
        let headerLength = Int(received[5]) << 16 | Int(received[6]) << 8 | Int(received[7])
        let header = Array(received[8..<(8 + headerLength)])
        received.removeFirst(4 + length)
        let object = try JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] ?? [:]
        return ((object["code"] as? Int) ?? -1, (object["remark"] as? String) ?? "")
    }

    /// Reads until the peer closes or `timeout` passes; returns everything read.
    func readToEnd(timeout: Duration = .seconds(20)) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while readSome(until: deadline) > 0 {}
        return received
    }

    /// Whether the peer has closed the connection (a read returns end of stream or a reset) before `deadline`.
    /// Reads and discards what arrives meanwhile.
    func waitForClose(until deadline: ContinuousClock.Instant) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while ContinuousClock.now < deadline {
            let count = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    _ = wait(for: Int16(POLLIN), until: min(deadline, .now + .milliseconds(100)))
                    continue
                }
                return true
            }
        }
        return false
    }

    private func fill(_ count: Int, until deadline: ContinuousClock.Instant) throws {
        while received.count < count {
            guard readSome(until: deadline) > 0 else {
                throw Failure(description: "connection closed or timed out after \(received.count) of \(count) bytes")
            }
        }
    }

    /// Reads what is available, waiting until `deadline`; 0 at end of stream, error or timeout.
    private func readSome(until deadline: ContinuousClock.Instant) -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
                return count
            }
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK else { return 0 }
            guard wait(for: Int16(POLLIN), until: deadline) else { return 0 }
        }
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = deadline - .now
        guard remaining > .zero else { return false }
        let milliseconds = Int32(
            min(
                remaining.components.seconds * 1000
                    + remaining.components.attoseconds / 1_000_000_000_000_000, 1000))
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        _ = poll(&entry, 1, max(milliseconds, 1))
        return true
    }
}

/// A remoting request frame with a JSON header (`code`, `opaque`, version 317) and `body`.
func remotingRequest(code: Int, opaque: Int, body: [UInt8] = [], extraHeader: String = "") -> [UInt8] {
    let header = Array(
        ("{\"code\":\(code),\"flag\":0,\"language\":\"JAVA\",\"opaque\":\(opaque),"
            + "\"serializeTypeCurrentRPC\":\"JSON\",\"version\":317\(extraHeader)}").utf8)
    var frame: [UInt8] = []
    frame.reserveCapacity(8 + header.count + body.count)
    appendBigEndian(UInt32(4 + header.count + body.count), to: &frame)
    appendBigEndian(UInt32(header.count), to: &frame)
    frame += header
    frame += body
    return frame
}

func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

/// JSON text of an array nested `depth` deep: `[[[…]]]`.
func nestedArray(depth: Int) -> [UInt8] {
    [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
}

/// A broker port `p` whose VIP companion `p - 2` is also free, so a test can reach both servers.
func freeBrokerPortWithVIP() throws -> Int {
    for _ in 0..<50 {
        let port = try boundEphemeralPort()
        if port - 2 >= 1024, canBind(port - 2) { return port }
    }
    throw RawSocket.Failure(description: "no free port pair found")
}

private func boundEphemeralPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
        }
    }
    guard ok else { throw RawSocket.Failure(description: "bind failed: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func canBind(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// The resident set size of process `pid` in bytes, from `/proc/<pid>/status` (VmRSS); nil when unreadable.
func residentBytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return nil }
    let digits = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    return digits.map { $0 * 1024 }
}
