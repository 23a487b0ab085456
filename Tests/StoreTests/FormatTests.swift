import NIOCore
import Store
import TestSupport
import Testing

/// The test vector of remoting-protocol §4.1.
let goldenRecordDump = """
0000  00 00 00 b4 da a3 20 a7 77 d1 89 82 00 00 00 00
0010  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
0020  00 00 00 00 00 00 00 00 00 00 01 8b cf e5 68 00
0030  7f 00 00 01 00 00 d4 31 00 00 01 8b cf e5 68 05
0040  7f 00 00 01 00 00 2a 9f 00 00 00 00 00 00 00 00
0050  00 00 00 00 00 00 00 05 48 65 6c 6c 6f 09 54 6f
0060  70 69 63 54 65 73 74 00 4b 54 41 47 53 01 54 61
0070  67 41 02 4b 45 59 53 01 6f 72 64 65 72 2d 31 02
0080  55 4e 49 51 5f 4b 45 59 01 37 46 30 30 30 30 30
0090  31 33 30 33 39 31 42 36 44 33 35 38 36 30 35 32
00a0  36 35 43 30 30 30 30 30 31 02 57 41 49 54 01 74
00b0  72 75 65 02
"""

func goldenMessage() -> MessageToStore {
    MessageToStore(
        topic: "TopicTest", queueId: 0, body: ByteBuffer(string: "Hello"),
        properties: [("TAGS", "TagA"), ("KEYS", "order-1"), ("UNIQ_KEY", "7F00000130391B6D358605265C000001"),
                     ("WAIT", "true")],
        bornTimestamp: 1_700_000_000_000, bornHost: HostAddress(addressBytes: [127, 0, 0, 1], port: 54321))
}

let localStoreHost = HostAddress(addressBytes: [127, 0, 0, 1], port: 10911)

@Test func recordEncodingMatchesTheSpecVector() throws {
    let record = try MessageRecord.encode(goldenMessage(), storeHost: localStoreHost,
                                          storeTimestamp: 1_700_000_000_005)
    #expect(Array(record.readableBytesView) == Hex.bytes(fromDump: goldenRecordDump))
}

@Test func recordDecodingReadsEveryField() throws {
    let decoded = try #require(MessageRecord.decode(ByteBuffer(bytes: Hex.bytes(fromDump: goldenRecordDump))))
    #expect(decoded.totalSize == 180)
    #expect(decoded.magic == CommitLogFormat.magicV1)
    #expect(decoded.bodyCRC == 0x77D1_8982)
    #expect(decoded.isBodyCRCValid)
    #expect(decoded.bornTimestamp == 1_700_000_000_000)
    #expect(decoded.storeTimestamp == 1_700_000_000_005)
    #expect(decoded.bornHost == HostAddress(addressBytes: [127, 0, 0, 1], port: 54321))
    #expect(decoded.storeHost == localStoreHost)
    #expect(decoded.topic == "TopicTest")
    #expect(decoded.body == ByteBuffer(string: "Hello"))
    #expect(decoded.properties.map(\.0) == ["TAGS", "KEYS", "UNIQ_KEY", "WAIT"])
    #expect(decoded.propertiesDictionary["KEYS"] == "order-1")
    #expect(decoded.tagsCode == 2_598_919)
    #expect(decoded.offsetMessageId == "7F00000100002A9F0000000000000000")
}

@Test func truncatedOrCorruptRecordsDoNotDecode() {
    let bytes = Hex.bytes(fromDump: goldenRecordDump)
    #expect(MessageRecord.decode(ByteBuffer(bytes: bytes.dropLast())) == nil)
    var badMagic = bytes
    badMagic[5] ^= 0xFF
    #expect(MessageRecord.decode(ByteBuffer(bytes: badMagic)) == nil)
    var badBody = bytes
    badBody[88] ^= 0x01
    #expect(MessageRecord.decode(ByteBuffer(bytes: badBody))?.isBodyCRCValid == false)
}

@Test func ipv6HostsSetSysFlagBitsAndWidenTheRecord() throws {
    var message = goldenMessage()
    message.bornHost = HostAddress(addressBytes: [UInt8](repeating: 0, count: 15) + [1], port: 7)
    let storeHost = HostAddress(addressBytes: [0x20, 0x01] + [UInt8](repeating: 0, count: 13) + [2], port: 10911)
    let record = try MessageRecord.encode(message, storeHost: storeHost, storeTimestamp: 42)
    #expect(record.readableBytes == 180 + 24)
    let decoded = try #require(MessageRecord.decode(record))
    #expect(decoded.sysFlag == SysFlag.bornHostV6 | SysFlag.storeHostV6)
    #expect(decoded.bornHost == message.bornHost)
    #expect(decoded.storeHost == storeHost)
    #expect(decoded.storeTimestamp == 42)
    #expect(decoded.offsetMessageId.count == 56)
}

@Test func longTopicsUseMagicV2() throws {
    var message = goldenMessage()
    message.topic = String(repeating: "t", count: 200)
    let record = try MessageRecord.encode(message, storeHost: localStoreHost)
    let decoded = try #require(MessageRecord.decode(record))
    #expect(decoded.magic == CommitLogFormat.magicV2)
    #expect(decoded.topic == message.topic)
    #expect(record.readableBytes == 180 - 9 + 200 + 1)
}

@Test func oversizedBodiesAndPropertiesAreRefused() {
    var message = goldenMessage()
    message.body = ByteBuffer(repeating: 1, count: 65)
    #expect(throws: MessageRecord.EncodingError.bodyTooLarge(65)) {
        try MessageRecord.encode(message, storeHost: localStoreHost, maxBodySize: 64)
    }
    message.properties = [("K", String(repeating: "v", count: 40_000))]
    #expect(throws: MessageRecord.EncodingError.propertiesTooLarge(40_003)) {
        try MessageRecord.encode(message, storeHost: localStoreHost)
    }
}

let tagVectors: [(String, Int64)] = [("TagA", 2_598_919), ("TagB", 2_598_920), ("*", 42), ("中文", 646_394), ("😀", 1_772_899),
                  (String(repeating: "a", count: 20), 1_542_361_408), ("", 0)]

@Test(arguments: tagVectors)
func tagHashMatchesJava(tag: String, expected: Int64) {
    #expect(TagsCode.hash(tag) == expected)
}

@Test func tagHashIsSignExtended() {
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java.
    #expect(TagsCode.hash("polygenelubricants") == Int64(Int32.min))
}

@Test func offsetMessageIdRoundTrips() throws {
    let id = MessageId.offsetMessageId(storeHost: localStoreHost, physicalOffset: PhysicalOffset(0))
    #expect(id == "7F00000100002A9F0000000000000000")
    let (host, offset) = try #require(MessageId.decodeOffsetMessageId("7F00000100002A9F00000000000000B4"))
    #expect(host == localStoreHost)
    #expect(offset == PhysicalOffset(180))
    #expect(MessageId.decodeOffsetMessageId("XYZ") == nil)
    #expect(MessageId.decodeOffsetMessageId(String(repeating: "G", count: 32)) == nil)
}

@Test func crc32MatchesKnownValues() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum(Array("Hello".utf8)) == 0xF7D1_8982)
    #expect(CRC32.checksum([]) == 0)
    let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let split = long.withUnsafeBytes { raw in
        CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[500...]),
                       initial: CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[..<500])))
    }
    #expect(split == CRC32.checksum(long))
}

@Test func propertiesFollowJavaParsingRules() {
    #expect(MessageProperties.encode([("A", "1"), ("B", "2")]) == "A\u{1}1\u{2}B\u{1}2\u{2}")
    let parsed = MessageProperties.decode("A\u{1}1\u{2}\u{1}x\u{2}E\u{1}\u{2}B\u{1}2\u{1}3\u{2}A\u{1}9")
    #expect(parsed.map(\.0) == ["A", "B", "A"])
    #expect(parsed.map(\.1) == ["1", "2\u{1}3", "9"])
    #expect(MessageProperties.dictionary(parsed)["A"] == "9")
}

@Test func batchBlobSplitsIntoMessages() throws {
    var first = goldenMessage()
    first.flag = 3
    var second = goldenMessage()
    second.body = ByteBuffer(string: "World!")
    second.properties = [("UNIQ_KEY", "ABC")]
    let blob = BatchMessageDecoder.encode([first, second])
    let template = MessageToStore(topic: "T", queueId: 2, body: ByteBuffer(), bornTimestamp: 9,
                                  bornHost: .loopbackIPv4)
    let pieces = try #require(BatchMessageDecoder.decode(blob, template: template))
    #expect(pieces.count == 2)
    #expect(pieces[0].flag == 3 && pieces[0].topic == "T" && pieces[0].queueId == 2)
    #expect(pieces[1].body == ByteBuffer(string: "World!"))
    #expect(pieces[1].property("UNIQ_KEY") == "ABC")
    #expect(BatchMessageDecoder.decode(blob.getSlice(at: 0, length: blob.readableBytes - 1)!, template: template)
        == nil)
}
