import Foundation
import Logging
import NIOCore
import Store
import TestSupport
import Testing

/// Golden bytes of the on-disk files other than the record itself (broker-internals §1.4-1.7).
@Suite struct FileFormatTests {
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func int64(_ bytes: [UInt8], _ at: Int) -> Int64 {
        bytes[at..<at + 8].reduce(0) { $0 << 8 | Int64($1) }
    }

    static func int32(_ bytes: [UInt8], _ at: Int) -> Int32 {
        Int32(bitPattern: bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    @Test func consumeQueueUnitsBlankRecordIndexAndCheckpointMatchTheSpec() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = FakeClock(1_700_000_000_000)
        var configuration = FileStoreTests.configuration(directory)
        configuration.clock = clock.read
        let store = try FileStoreTests.open(configuration)
        var results: [PutMessageResult] = []
        for index in 0..<60 {
            results.append(put(store, message(body: "golden-\(index)-" + String(repeating: "g", count: 100),
                                              tags: "TagA", keys: "key-\(index)")))
        }
        store.shutdown()

        // Consume queue: unit n at byte n*20 = [physical offset][size][tag hash], segments of 10 units.
        let queueDirectory = directory.path + "/consumequeue/TopicTest/0"
        #expect(FileSystem.segmentNames(queueDirectory).prefix(2) == ["00000000000000000000", "00000000000000000200"])
        let firstQueueFile = try Self.bytes(queueDirectory + "/00000000000000000000")
        #expect(firstQueueFile.count == 200)
        for unit in 0..<10 {
            #expect(Self.int64(firstQueueFile, unit * 20) == results[unit].physicalOffset.rawValue)
            #expect(Int(Self.int32(firstQueueFile, unit * 20 + 8)) == results[unit].wroteBytes)
            #expect(Self.int64(firstQueueFile, unit * 20 + 12) == 2_598_919)
        }

        // Commit log: the first segment ends with [remaining][0xCBD43194] after its last record.
        let commitLog = try Self.bytes(directory.path + "/commitlog/00000000000000000000")
        let lastInFirst = try #require(results.last { $0.physicalOffset.rawValue < 8192 })
        let blankAt = Int(lastInFirst.physicalOffset.rawValue) + lastInFirst.wroteBytes
        #expect(Self.int32(commitLog, blankAt) == Int32(8192 - blankAt))
        #expect(Self.int32(commitLog, blankAt + 4) == Int32(bitPattern: 0xCBD4_3194))
        let firstInSecond = try #require(results.first { $0.physicalOffset.rawValue >= 8192 })
        #expect(firstInSecond.physicalOffset == PhysicalOffset(8192))

        // Index file: 17-digit name, header [begin ts][end ts][begin phy][end phy][slots used][count].
        let indexNames = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/index").sorted()
        #expect(indexNames.allSatisfy { $0.count == 17 && $0.allSatisfy(\.isNumber) })
        let index = try Self.bytes(directory.path + "/index/" + indexNames[0])
        #expect(index.count == 40 + 64 * 4 + 50 * 20)
        #expect(Self.int64(index, 0) == 1_700_000_000_000)
        #expect(Self.int64(index, 16) == results[0].physicalOffset.rawValue)
        #expect(Self.int32(index, 36) == 50)
        // Entry 1: [key hash][physical offset][time diff s][previous entry].
        let entry = 40 + 64 * 4 + 20
        #expect(Self.int64(index, entry + 4) == results[0].physicalOffset.rawValue)
        #expect(Self.int32(index, entry + 12) == 0)
        #expect(Self.int32(index, entry + 16) == 0)

        // Checkpoint: five big-endian int64s in a 4 KiB file; logics timestamp = last dispatched store time.
        let checkpoint = try Self.bytes(directory.path + "/checkpoint")
        #expect(checkpoint.count == 4096)
        #expect(Self.int64(checkpoint, 8) == 1_700_000_000_000)
        #expect(Self.int64(checkpoint, 16) > 0)
        #expect(try Self.bytes(directory.path + "/lock") == Array("lock".utf8))
    }
}
