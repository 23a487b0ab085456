import Core
import NIOCore
import Testing

@Test func parsesNumbersKeepingTheirSourceText() throws {
    let value = try JSONParser.parse(#"{"code":105,"big":9007199254740993,"extFields":{"d":4,"b":"T"}}"#)
    #expect(value["code"]?.scalarText == "105")
    #expect(value["big"]?.int64Value == 9_007_199_254_740_993)
    #expect(value["extFields"]?["d"]?.scalarText == "4")
    #expect(value["extFields"]?["b"]?.stringValue == "T")
}

@Test func rejectsTruncatedJSONWithAMessage() {
    #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"code":"#) }
}

@Test func writerEscapesPropertySeparators() throws {
    let writer = JSONWriter()
    writer.beginObject()
    writer.field("i", "KEYS\u{1}k1\u{2}TAGS\u{1}a\u{2}")
    writer.field("n", 42)
    writer.endObject()
    #expect(writer.string() == #"{"i":"KEYS\u0001k1\u0002TAGS\u0001a\u0002","n":42}"#)
    let back = try JSONParser.parse(writer.bytes())
    #expect(back["i"]?.stringValue == "KEYS\u{1}k1\u{2}TAGS\u{1}a\u{2}")
}

@Test func valuesRoundTripThroughTheWriter() throws {
    let text = #"{"a":[1,2.5,true,false,null,"x"],"b":{"c":"d"}}"#
    let value = try JSONParser.parse(text)
    #expect(String(decoding: value.serialized(), as: UTF8.self) == text)
}

@Test func memberStringsCollectsEveryStringOfThatNameAtAnyDepth() throws {
    let text = #"{"messages":[{"receiptHandle":"a","body":"x"},{"n":{"receiptHandle":"b"}},{"receiptHandle":7}],"#
        + #""receiptHandle":"c","other":["receiptHandle"]}"#
    let values = try Array(text.utf8).withUnsafeBytes { try JSONMemberStrings.values(named: "receiptHandle", in: $0) }
    #expect(values == ["a", "b", "c"])
}

@Test func memberStringsRejectsInvalidJSON() {
    #expect(throws: JSONParseError.self) {
        try Array(#"{"receiptHandle":"a","#.utf8).withUnsafeBytes {
            try JSONMemberStrings.values(named: "receiptHandle", in: $0)
        }
    }
}

@Test func nestingIsBoundedAt128LevelsAndBracketsInStringsDoNotCount() throws {
    let deepest = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
    #expect(throws: Never.self) { try JSONParser.parse(deepest) }
    let tooDeep = "[" + deepest + "]"
    #expect { try JSONParser.parse(tooDeep) } throws: { error in
        (error as? JSONParseError)?.message.contains("deeper than 128") == true
    }
    let brackets = String(repeating: "[{", count: 1_000)
    let bracketsInAString = #"{"text":"\#(brackets)\"\#(String(repeating: "[", count: 9))"}"#
    #expect(try JSONParser.parse(bracketsInAString)["text"]?.stringValue?.count == 2_010)
}

@Test func valueCountIsBounded() throws {
    let many = "[" + Array(repeating: "0", count: JSONLimits.maximumValues + 2).joined(separator: ",") + "]"
    #expect { try JSONParser.parse(many) } throws: { error in
        (error as? JSONParseError)?.message.contains("more than") == true
    }
    let header = Array(#"{"code":1,"extFields":{"a":\#(many)}}"#.utf8)
    #expect(throws: RemotingCodecError.self) {
        try RemotingCommand(jsonHeader: ByteBuffer(bytes: header))
    }
}
