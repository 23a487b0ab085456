import Core
@testable import Gateway
import Testing

@Suite struct SupportTests {
    @Test func lenientJSONQuotesFastjsonKeys() throws {
        let text = #"{"a":{0:"x", -1 :"y"},"b":{{"queueId":0,"topic":"t"}:{"n":1}},"c":"{0:1}"}"#
        let value = try JSONParser.parse(LenientJSON.normalize(Array(text.utf8)))
        #expect(value["a"]?["0"]?.stringValue == "x")
        #expect(value["a"]?["-1"]?.stringValue == "y")
        #expect(value["b"]?[#"{"queueId":0,"topic":"t"}"#]?["n"]?.int64Value == 1)
        #expect(value["c"]?.stringValue == "{0:1}")
    }

    @Test(arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u{0}\u{FF}"])
    func base64RoundTrips(text: String) {
        let bytes = Array(text.utf8)
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        #expect(Base64.decode(Base64.encode(bytes, urlSafe: true)) == bytes)
    }

    @Test func base64MatchesRFC4648() {
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.decode("Zm8") == Array("fo".utf8))
        #expect(Base64.decode("Zm8*") == nil)
    }

    @Test func inflatesFixedAndDynamicHuffmanStreams() throws {
        let fixed = bytes(hex: "785eedc7b11100101000b0557e365ee9385fd9de1a8aa44b5f739f513532daca1bddddddddddddddddddfda33f92fe316e")
        #expect(try Inflate.zlib(fixed, limit: 1 << 20) == Array(String(repeating: "compressed body ", count: 300).utf8))
        let dynamic = bytes(hex: SupportTests.dynamicHex)
        let expected = Array((0..<4).flatMap { _ in (0...255).map { UInt8($0) } })
            + Array(String(repeating: "Lorem ipsum dolor sit amet ", count: 50).utf8)
        #expect(try Inflate.zlib(dynamic, limit: 1 << 20) == expected)
        #expect(throws: Inflate.Failure.self) { try Inflate.zlib(fixed, limit: 100) }
        #expect(throws: Inflate.Failure.self) { try Inflate.zlib(Array(fixed.prefix(10)), limit: 1 << 20) }
    }

    @Test func receiptHandlesRoundTrip() throws {
        let handle = ReceiptHandle(topic: "T", realTopic: "%RETRY%g+T", group: "g",
                                   extraInfo: "10 1700000000000 30000 3 2 broker-a 1 11")
        let decoded = try ReceiptHandle(encoded: handle.encoded)
        #expect(decoded == handle)
        #expect(decoded.queueOffset == 11)
        #expect(decoded.queueId == 1)
        #expect(ReceiptHandle.retryMark(of: "%RETRY%g+T") == "2")
        #expect(throws: GatewayProblem.self) { try ReceiptHandle(encoded: Base64.encode(Array("1\nT\nT\ng\n1 2".utf8))) }
    }

    @Test func receiptHandleNumbersAreCheckedDigitByDigit() throws {
        func encoded(_ extraInfo: String) -> String { Base64.encode(Array("1\nT\nT\ng\n\(extraInfo)".utf8), urlSafe: true) }
        let signed = try ReceiptHandle(encoded: encoded("+10 -1 30000 3 0 broker-a 1 11"))
        #expect(signed.ckQueueOffset == 10)
        #expect(signed.popTime == -1)
        // Int64.max + 1, a queue id beyond Int32, a non-digit, a bare sign: each is refused, not wrapped.
        for bad in ["9223372036854775808 1 30000 3 0 b 1 11", "10 1 30000 3 0 b 2147483648 11",
                    "10 1 3x000 3 0 b 1 11", "10 - 30000 3 0 b 1 11"] {
            #expect(throws: GatewayProblem.self) { try ReceiptHandle(encoded: encoded(bad)) }
        }
        #expect(Base64.decode("Zm9vYmE") == Array("fooba".utf8))
        #expect(Base64.decode("Zm9v\nYmFy") == Array("foobar".utf8))
        #expect(Base64.decode("Zm9vY") == nil)
    }

    @Test func renderedPropertiesAreSortedAndTheLastDuplicateWins() {
        let sorted = MessageRendering.sortedLastWins([("b", "1"), ("a", "x"), ("b", "2"), ("c", "3"), ("a", "y")])
        #expect(sorted.map(\.0) == ["a", "b", "c"])
        #expect(sorted.map(\.1) == ["y", "2", "3"])
    }

    @Test func bodiesAreTextOnlyWhenValidUTF8() {
        func check(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { MessageRendering.isUTF8($0) } }
        #expect(check(Array("plain ascii, longer than eight bytes".utf8)))
        #expect(check(Array("café 中文 😀 after the ASCII fast path".utf8)))
        #expect(check([]))
        #expect(!check(Array("eight ok".utf8) + [0xC3]))
        #expect(!check([0xFF, 0x41]))
    }

    @Test func javaHashCodeMatchesJava() {
        #expect(SendRoutes.javaHashCode("TagA") == 2_598_919)
        #expect(SendRoutes.javaHashCode("中文") == 646_394)
        #expect(SendRoutes.javaHashCode("😀") == 1_772_899)
    }

    static let dynamicHex = "78da6360646266616563e7e0e4e2e6e1e5e3171014121611151397909492969195935750545256515553d7d0d4d2d6d1d5d33730343236313533b7b0b4b2b6b1b5b37770747276717573f7f0f4f2f6f1f5f30f080c0a0e090d0b8f888c8a8e898d8b4f484c4a4e494d4bcfc8cccacec9cdcb2f282c2a2e292d2bafa8acaaaea9adab6f686c6a6e696d6befe8eceaeee9edeb9f3071d2e42953a74d9f3173d6ec3973e7cd5fb070d1e2254b972d5fb172d5ea356bd7addfb071d3e62d5bb76ddfb173d7ee3d7bf7ed3f70f0d0e123478f1d3f71f2d4e93367cf9dbf70f1d2e52b57af5dbf71f3d6ed3b77efdd7ff0f0d1e3274f9f3d7ff1f2d5eb376fdfbdfff0f1d3e72f5fbf7dfff1f3d7ef3f7ffffd6718f5ffa8ff47b0ff7df28b527315320b8a4b731552f273f28b148a334b141273534b1446a546a546a546a546a5084a0100cdadecb6"
}
