import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing

/// The `tern` binary next to this package, if it was built with the hidden `store-append` subcommand.
let ternBinary: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let path = root.appendingPathComponent(".build/debug/tern").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        print("CrashRecoveryTests skipped: \(path) not built")
        return nil
    }
    // Probe with a one-message run: an unknown subcommand neither exits 0 nor prints an ack line.
    let probeDirectory = NSTemporaryDirectory() + "tern-crash-probe-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: probeDirectory) }
    let probe = try? ChildProcess(executable: path, arguments: ["store-append", "--path", probeDirectory, "--count", "1"])
    let firstLine = probe?.readLine()
    probe?.process.waitUntilExit()
    guard probe?.process.terminationStatus == 0, firstLine == "ack 0 0" else {
        print("CrashRecoveryTests skipped: \(path) has no `store-append` subcommand (StoreCrashDriver not wired yet)")
        return nil
    }
    return path
}()

@Suite struct CrashRecoveryTests {
    /// SIGKILL a child appending under sync flush; every acknowledged message must survive recovery, in order.
    @Test(.enabled(if: ternBinary != nil, "needs `tern store-append` (StoreCrashDriver) in .build/debug/tern"))
    func acknowledgedMessagesSurviveSIGKILL() throws {
        let directory = try TemporaryDirectory(prefix: "tern-crash")
        defer { directory.remove() }
        let child = try ChildProcess(executable: ternBinary!,
                                     arguments: ["store-append", "--path", directory.path, "--count", "1000000"])
        var acknowledged: [(Int64, Int64)] = []
        while acknowledged.count < 300, let line = child.readLine() {
            if let ack = Self.parse(line) { acknowledged.append(ack) }
        }
        for line in child.kill() { if let ack = Self.parse(line) { acknowledged.append(ack) } }
        #expect(acknowledged.count >= 300)
        let store = try FileMessageStore.open(configuration: StoreCrashDriver.configuration(directory.path),
                                              logger: Logger(label: "tern.store.test"))
        store.start()
        defer { store.shutdown() }
        store.waitUntilDispatched()
        let max = store.maxOffset(topic: StoreCrashDriver.topic, queueId: 0).rawValue
        #expect(max >= Int64(acknowledged.count))
        for (queueOffset, physicalOffset) in acknowledged {
            let bytes = store.message(at: PhysicalOffset(physicalOffset))
            let decoded = bytes.flatMap { MessageRecord.decode($0) }
            #expect(decoded?.queueOffset == QueueOffset(queueOffset))
            #expect(decoded?.body == ByteBuffer(string: "crash-\(queueOffset)"))
            #expect(decoded?.isBodyCRCValid == true)
        }
        let read = store.messages(topic: StoreCrashDriver.topic, queueId: 0, offset: QueueOffset(0), maxCount: 32,
                                  maxBytes: 1 << 20, filter: nil)
        #expect(read.queueOffsets.first == QueueOffset(0))
        // The store keeps accepting writes at the recovered end.
        let box = ResultBox()
        store.putMessage(MessageToStore(topic: StoreCrashDriver.topic, queueId: 0, body: ByteBuffer(string: "after"),
                                        bornTimestamp: 0, bornHost: .loopbackIPv4)) { box.set($0) }
        #expect(box.wait().queueOffset == QueueOffset(max))
    }

    static func parse(_ line: String) -> (Int64, Int64)? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "ack", let queueOffset = Int64(parts[1]),
              let physicalOffset = Int64(parts[2]) else { return nil }
        return (queueOffset, physicalOffset)
    }
}
