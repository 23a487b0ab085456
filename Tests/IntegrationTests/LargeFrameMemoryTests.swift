import Foundation
import TestSupport
import Testing

/// Issue 14 item 4: 40 connections each sending a frame of 16 MiB minus 1 KiB took the broker from 110 MiB to
/// 718 MiB, and it kept 510 MiB after they closed. Partially received frames now share one budget (reading stops
/// when it is spent) and their buffers are freed when the frame completes or the connection closes.
@Suite(.serialized) struct LargeFrameMemoryTests {
    static let connections = 40
    static let frameBytes = 16 * 1024 * 1024 - 1024
    static let budgetBytes = 128 * 1024 * 1024

    @Test func partiallyReceivedFramesStayWithinTheBudgetAndAreFreedAfterClose() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let tern = try TernProcess(
            storePath: store.path,
            environment: [
                "TERN_REMOTING_INBOUND_BUDGET_BYTES": "\(Self.budgetBytes)"
            ])
        defer { _ = tern.stop() }
        let pid = tern.process.processIdentifier
        let port = tern.brokerPort
        // Warm the broker's paths once so the baseline includes what any first request allocates.
        let warm = try RawSocket(port: port)
        try warm.sendAll(remotingRequest(code: 21, opaque: 1))
        _ = try warm.readFrame()
        let baseline = try #require(residentBytes(of: pid))

        // GET_ALL_TOPIC_CONFIG ignores its body, so the broker answers each frame at once when it is complete.
        var sockets: [RawSocket] = []
        var frames: [[UInt8]] = []
        for index in 0..<Self.connections {
            sockets.append(try RawSocket(port: port))
            let headerBytes = remotingRequest(code: 21, opaque: index + 1).count
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: Self.frameBytes - headerBytes)
            frames.append(remotingRequest(code: 21, opaque: index + 1, body: body))
        }
        var peak = baseline
        var sent = [Int](repeating: 0, count: Self.connections)
        // As in the report, each connection holds its frame 1 KiB short of complete for a moment, so many frames
        // are partial at once, then finishes it.
        var holdUntil = [ContinuousClock.Instant?](repeating: nil, count: Self.connections)
        let deadline = ContinuousClock.now + .seconds(60)
        var lastSample = ContinuousClock.now
        func unsent() -> Bool { sent.indices.contains { sent[$0] < frames[$0].count } }
        while unsent(), ContinuousClock.now < deadline {
            var progressed = false
            for index in sockets.indices where sent[index] < frames[index].count {
                let heldBack = frames[index].count - 1024
                if sent[index] == heldBack {
                    if holdUntil[index] == nil { holdUntil[index] = .now + .milliseconds(500) }
                    guard let until = holdUntil[index], ContinuousClock.now >= until else { continue }
                }
                let end = sent[index] < heldBack ? heldBack : frames[index].count
                let written = try #require(sockets[index].sendAvailable(frames[index], from: sent[index], to: end))
                sent[index] += written
                progressed = progressed || written > 0
            }
            if ContinuousClock.now - lastSample > .milliseconds(20) {
                peak = max(peak, residentBytes(of: pid) ?? 0)
                lastSample = .now
            }
            if !progressed { Thread.sleep(forTimeInterval: 0.002) }
        }
        #expect(!unsent(), "frames not all sent: \(sent)")
        for socket in sockets {
            #expect(try socket.readFrame().code == 0)
            peak = max(peak, residentBytes(of: pid) ?? 0)
        }
        sockets.removeAll()
        var after = residentBytes(of: pid) ?? 0
        let settled = eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
            after = residentBytes(of: pid) ?? 0
            return after - baseline < 48 * 1024 * 1024
        }
        let mebibyte = 1024 * 1024
        print(
            "issue 14 large frames: RSS baseline \(baseline / mebibyte) MiB, peak \(peak / mebibyte) MiB, "
                + "after close \(after / mebibyte) MiB (\(Self.connections) x \(Self.frameBytes) bytes, "
                + "budget \(Self.budgetBytes / mebibyte) MiB)")
        #expect(peak - baseline < Self.budgetBytes + 96 * mebibyte, "peak \(peak / mebibyte) MiB")
        #expect(settled, "after close \(after / mebibyte) MiB, baseline \(baseline / mebibyte) MiB")
        // Still serving.
        let fresh = try RawSocket(port: port)
        try fresh.sendAll(remotingRequest(code: 21, opaque: 7))
        #expect(try fresh.readFrame().code == 0)
        #expect(tern.process.isRunning)
    }
}
