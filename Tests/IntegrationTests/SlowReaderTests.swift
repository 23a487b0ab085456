import Foundation
import TestSupport
import Testing

/// Issue 14 item 5: a client that sent 20,000 GET_ALL_TOPIC_CONFIG requests and never read a reply made the broker
/// queue every response. The broker now stops reading from a connection whose unsent responses pass the write
/// buffer's high water mark, and closes it past `remotingMaxPendingWriteBytes`; other clients are served meanwhile.
@Suite(.serialized) struct SlowReaderTests {
    @Test func aClientThatNeverReadsIsStalledOrClosedAndOthersAreServed() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-slow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let tern = try TernProcess(storePath: store.path)
        defer { _ = tern.stop() }
        let pid = tern.process.processIdentifier
        let port = tern.brokerPort
        let probe = try RawSocket(port: port)
        try probe.sendAll(remotingRequest(code: 21, opaque: 1))
        _ = try probe.readFrame()
        let baseline = try #require(residentBytes(of: pid))

        // 20,000 requests padded to 4 KiB each: more than the kernel's socket buffers hold, so a broker that stops
        // reading makes the writer stall.
        let flood = Self.flood(requests: 20_000)
        let reader = try RawSocket(port: port, receiveBufferBytes: 16 * 1024)
        let written = reader.send(flood, until: .now + .seconds(8), stallTimeout: .seconds(1))
        var peak = residentBytes(of: pid) ?? 0
        // Others are served while the flooding connection is stalled or closed.
        for opaque in 2...4 {
            try probe.sendAll(remotingRequest(code: 21, opaque: opaque))
            #expect(try probe.readFrame(timeout: .seconds(5)).code == 0)
        }
        peak = max(peak, residentBytes(of: pid) ?? 0)
        let mebibyte = 1024 * 1024
        print(
            "issue 14 slow reader: wrote \(written) of \(flood.count) request bytes; RSS baseline "
                + "\(baseline / mebibyte) MiB, peak \(peak / mebibyte) MiB")
        #expect(written < flood.count, "the broker read every request although no response was read")
        #expect(peak - baseline < 48 * mebibyte, "peak \(peak / mebibyte) MiB, baseline \(baseline / mebibyte) MiB")
        #expect(tern.process.isRunning)
    }

    @Test func aClientThatNeverReadsIsClosedPastThePendingWriteBound() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-slow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let tern = try TernProcess(
            storePath: store.path,
            environment: [
                "TERN_WRITE_BUFFER_LOW_WATER_MARK": "16384", "TERN_WRITE_BUFFER_HIGH_WATER_MARK": "32768",
                "TERN_REMOTING_MAX_PENDING_WRITE_BYTES": "262144",
            ])
        defer { _ = tern.stop() }
        let port = tern.brokerPort
        let reader = try RawSocket(port: port, receiveBufferBytes: 16 * 1024)
        // Unpadded requests: one read batch holds thousands, whose responses pass the 256 KiB bound.
        reader.send(Self.flood(requests: 20_000, paddingBytes: 0), until: .now + .seconds(5))
        #expect(reader.waitForClose(until: .now + .seconds(10)), "the broker kept a connection that never reads")
        let probe = try RawSocket(port: port)
        try probe.sendAll(remotingRequest(code: 21, opaque: 1))
        #expect(try probe.readFrame(timeout: .seconds(5)).code == 0)
    }

    /// `requests` GET_ALL_TOPIC_CONFIG frames, each padded with an ignored header field of `paddingBytes`.
    static func flood(requests: Int, paddingBytes: Int = 4096) -> [UInt8] {
        let padding = paddingBytes == 0 ? "" : ",\"padding\":\"" + String(repeating: "p", count: paddingBytes) + "\""
        var flood: [UInt8] = []
        flood.reserveCapacity(requests * 4300)
        for opaque in 1...requests { flood += remotingRequest(code: 21, opaque: opaque, extraHeader: padding) }
        return flood
    }
}

@Test func writeBufferBoundsOutOfOrderAreRefusedAtStart() throws {
    let (status, output) = try startupFailure(environment: [
        "TERN_WRITE_BUFFER_HIGH_WATER_MARK": "65536", "TERN_REMOTING_MAX_PENDING_WRITE_BYTES": "65536",
    ])
    #expect(status != 0)
    #expect(output.contains("remotingMaxPendingWriteBytes"), "\(output)")
    let (lowStatus, lowOutput) = try startupFailure(environment: [
        "TERN_WRITE_BUFFER_LOW_WATER_MARK": "131072", "TERN_WRITE_BUFFER_HIGH_WATER_MARK": "65536",
    ])
    #expect(lowStatus != 0)
    #expect(lowOutput.contains("writeBufferLowWaterMark"), "\(lowOutput)")
}

@Test func aHighWaterMarkSetAloneBringsTheLowMarkDownWithIt() throws {
    let store = FileManager.default.temporaryDirectory.appendingPathComponent("tern-marks-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: store) }
    let tern = try TernProcess(storePath: store.path, environment: ["TERN_WRITE_BUFFER_HIGH_WATER_MARK": "65536"])
    defer { _ = tern.stop() }
    #expect(tern.process.isRunning)
}
