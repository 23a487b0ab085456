import Foundation
import Logging
import NIOCore
@testable import Store
import TestSupport
import Testing

/// Issue 16: every page the store wrote through its mappings stayed in the broker's resident set, so RSS grew with
/// every byte stored. Flushed commit log data older than the newest 16 MiB is handed back by the flush thread.
@Suite struct ResidentPagesTests {
    /// Resident KiB of this process's mappings whose path contains `fragment` (from /proc/self/smaps).
    static func residentKiB(mappingsContaining fragment: String) -> Int {
        // Read to end-of-file: procfs files report a size of 0, which `String(contentsOfFile:)` trusts.
        guard let data = FileHandle(forReadingAtPath: "/proc/self/smaps")?.readDataToEndOfFile() else { return -1 }
        let smaps = String(decoding: data, as: UTF8.self)
        var total = 0
        var inside = false
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") && line.split(separator: " ").count >= 5 {
                inside = line.contains(fragment)
            } else if inside, line.hasPrefix("Rss:") {
                total += Int(line.split(separator: " ")[1]) ?? 0
            }
        }
        return total
    }

    @Test(.timeLimit(.minutes(2)))
    func flushedCommitLogPagesBehindTheNewest16MiBLeaveTheResidentSet() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = StoreConfiguration(storePathRootDir: directory.path)
        configuration.mappedFileSizeCommitLog = 128 << 20
        let store = try FileMessageStore.open(configuration: configuration, logger: Logger(label: "tern.store.test"))
        store.start()
        defer { store.shutdown() }
        let body = String(repeating: "r", count: 16 * 1024)
        for _ in 0..<(48 << 20) / body.utf8.count {  // 48 MiB of records
            #expect(put(store, message(body: body)).status == .putOK)
        }
        let commitLog = directory.path + "/commitlog/"
        // The flush thread's once-a-second housekeeping releases what is flushed and older than the newest 16 MiB;
        // what stays is that window plus the 8 MiB populated ahead of appends.
        let trimmed = await eventually(timeout: .seconds(20)) {
            Self.residentKiB(mappingsContaining: commitLog) <= (16 + 8 + 4) * 1024
        }
        #expect(trimmed, "commit log still has \(Self.residentKiB(mappingsContaining: commitLog)) KiB resident")
        // Released pages read back from the page cache unchanged.
        let first = store.messages(topic: "TopicTest", queueId: 0, offset: QueueOffset(0), maxCount: 1,
                                   maxBytes: 1 << 20, filter: nil)
        #expect(first.status == .found)
        #expect(first.messages.first.flatMap { MessageRecord.decode($0, readBody: true)?.body }
            .map { String(buffer: $0) } == body)
    }
}
