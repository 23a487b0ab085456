import Core
import Foundation
import NIOCore
import NIOEmbedded
import NIOTestUtils
import TestSupport
import Testing

/// Spec 1.4: request code 105, JAVA, version 479, opaque 7, flag 0, no remark, extFields {topic: TopicTest}.
private let specBinaryFrame = """
    00 00 00 2d  01 00 00 29  00 69  00  01 df  00 00 00 07  00 00 00 00  00 00 00 00
    00 00 00 14  00 05 74 6f 70 69 63  00 00 00 09 54 6f 70 69 63 54 65 73 74
    """
/// Spec 1.3: the same command as fastjson writes it.
private let specJSONRequest = #"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}"#
private let specJSONResponse = #"{"code":0,"flag":1,"language":"JAVA","opaque":7,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":479}"#

private let specCommand = RemotingCommand(code: 105, language: .java, version: 479, opaque: 7, flag: 0,
                                          extFields: ["topic": "TopicTest"])

private func decodeOne(_ buffer: ByteBuffer) throws -> RemotingFrame? {
    var buffer = buffer
    let frame = try RemotingFrameDecoder().nextFrame(&buffer)
    #expect(buffer.readableBytes == 0)
    return frame
}

private func command(_ frame: RemotingFrame?) -> RemotingCommand? {
    if case let .command(command) = frame { return command }
    return nil
}

@Test func decodesTheSpecBinaryExampleFrame() throws {
    let buffer = FrameBuilder.buffer(hex: specBinaryFrame)
    #expect(buffer.readableBytes == 49)
    #expect(try decodeOne(buffer) == .command(specCommand))
}

@Test func decodesTheSpecJSONExampleFrame() throws {
    let buffer = FrameBuilder.jsonFrame(header: specJSONRequest)
    #expect(buffer.getInteger(at: 0, as: UInt32.self) == 0x87)
    #expect(buffer.getInteger(at: 4, as: UInt32.self) == 0x83)
    #expect(try decodeOne(buffer) == .command(specCommand))
}

@Test func encodesExactlyWhatFastjsonWrites() throws {
    var buffer = ByteBuffer()
    try specCommand.encode(into: &buffer)
    #expect(buffer == FrameBuilder.jsonFrame(header: specJSONRequest))
    let response = specCommand.response(.success, remark: "ok")
    #expect(String(decoding: response.jsonHeader(), as: UTF8.self) == specJSONResponse)
}

@Test func encoderOmitsEmptyRemarkAndExtFieldsAndEscapesControlCharacters() throws {
    let bare = RemotingCommand(code: 0, opaque: 1, flag: 1, remark: "")
    #expect(String(decoding: bare.jsonHeader(), as: UTF8.self)
        == #"{"code":0,"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}"#)
    let withProperties = RemotingCommand(code: 10, extFields: ["i": "KEYS\u{1}k1\u{2}"])
    #expect(String(decoding: withProperties.jsonHeader(), as: UTF8.self).contains(#""i":"KEYS\u0001k1\u0002""#))
}

@Test(arguments: [RemotingSerializeType.json, .rocketMQ])
func roundTripsCommandsWithBodies(serializeType: RemotingSerializeType) throws {
    let original = RemotingCommand(code: 310, language: .go, version: 317, opaque: -5, flag: 2,
                                   remark: "héllo \u{1}", extFields: ["a": "1", "b": "x\u{2}y", "ü": "✓"],
                                   body: ByteBuffer(bytes: [0, 1, 2, 255]))
    var buffer = ByteBuffer()
    try original.encode(into: &buffer, serializeType: serializeType)
    #expect(buffer.getInteger(at: 4, as: UInt8.self) == serializeType.rawValue)
    #expect(try decodeOne(buffer) == .command(original))
}

@Test func binaryEncodingRejectsCodesBeyondInt16() {
    var buffer = ByteBuffer()
    #expect(throws: RemotingCodecError.self) {
        try RemotingCommand(code: 200_050).encode(into: &buffer, serializeType: .rocketMQ)
    }
}

@Test func decodesCPlusPlusStyleHeaders() throws {
    // jsoncpp FastWriter: numbers in extFields, empty remark, language CPP, trailing newline.
    let header = #"{"code":11,"language":"CPP","version":333,"opaque":9,"flag":0,"remark":"","extFields":{"#
        + #""queueId":0,"maxMsgNums":32,"sysFlag":2,"commitOffset":-1,"big":9007199254740993,"ok":true,"#
        + #""AccessKey":"","topic":"T"}}"# + "\n"
    let decoded = try #require(command(decodeOne(FrameBuilder.jsonFrame(header: header))))
    #expect(decoded.code == 11)
    #expect(decoded.language == .cpp)
    #expect(decoded.version == 333)
    #expect(decoded.opaque == 9)
    #expect(decoded.remark == nil)
    #expect(decoded.extFields == [
        "queueId": "0", "maxMsgNums": "32", "sysFlag": "2", "commitOffset": "-1", "big": "9007199254740993",
        "ok": "true", "AccessKey": "", "topic": "T",
    ])
    #expect(try decoded.int32("maxMsgNums") == 32)
    #expect(try decoded.int64("big") == 9_007_199_254_740_993)
}

@Test func decodesLanguageOrdinalsUnknownNamesAndUnknownKeys() throws {
    let header = #"{"code":34,"language":9,"opaque":1,"flag":0,"newKey":{"x":[1]},"extFields":{"n":{"a":1}}}"#
    let decoded = try #require(command(decodeOne(FrameBuilder.jsonFrame(header: header))))
    #expect(decoded.language == .go)
    #expect(decoded.version == 0)
    #expect(decoded.extFields == ["n": #"{"a":1}"#])
    let unknown = #"{"code":34,"language":"COBOL","opaque":1}"#
    #expect(try command(decodeOne(FrameBuilder.jsonFrame(header: unknown)))?.language == .other)
}

@Test func decodesFramesFedByteByByteAndManyPerBuffer() throws {
    var frames: [(ByteBuffer, [RemotingFrame])] = []
    frames.append((FrameBuilder.buffer(hex: specBinaryFrame), [.command(specCommand)]))
    frames.append((FrameBuilder.jsonFrame(header: specJSONRequest, body: Array("body".utf8)),
                   [.command(RemotingCommand(code: 105, opaque: 7, extFields: ["topic": "TopicTest"],
                                             body: ByteBuffer(string: "body")))]))
    var several = ByteBuffer()
    var expected: [RemotingFrame] = []
    for opaque in Int32(1)...20 {
        let command = RemotingCommand(code: 34, opaque: opaque, flag: opaque % 2 == 0 ? 1 : 0,
                                      extFields: ["n": String(opaque)],
                                      body: opaque % 3 == 0 ? ByteBuffer(repeating: 7, count: Int(opaque)) : nil)
        try command.encode(into: &several, serializeType: opaque % 4 == 0 ? .rocketMQ : .json)
        expected.append(.command(command))
    }
    frames.append((several, expected))
    let malformed = FrameBuilder.jsonFrame(header: #"{"code":"abc","opaque":5}"#)
    frames.append((malformed, [.malformed(MalformedRemotingFrame(
        serializeType: .json, opaque: 5, error: .malformedHeader(reason: "code is not a 32-bit integer")))]))
    try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: frames) {
        RemotingFrameDecoder()
    }
}

@Test func malformedJSONHeaderSalvagesOpaqueAndYieldsAnErrorResponse() throws {
    let frame = try decodeOne(FrameBuilder.jsonFrame(header: #"{"code":10, "opaque" : 42,"flag":0,"extFields":{"#))
    guard case let .malformed(malformed) = frame else {
        Issue.record("expected a malformed frame, got \(String(describing: frame))")
        return
    }
    #expect(malformed.opaque == 42)
    #expect(malformed.code == 10)
    let response = try #require(malformed.errorResponse())
    #expect(response.code == ResponseCode.systemError.rawValue)
    #expect(response.opaque == 42)
    #expect(response.isResponse)
    #expect(response.remark?.hasPrefix("malformed remoting header: invalid JSON") == true)
}

@Test(arguments: [
    (#"[1,2]"#, "the header is not a JSON object"),
    (#"{"code":"abc","opaque":5}"#, "code is not a 32-bit integer"),
    (#"{"code":1,"opaque":5,"extFields":"x"}"#, "extFields is not a JSON object"),
    (#"{"code":1,"opaque":5,"remark":7}"#, "remark is not a string"),
])
func wrongValueTypesAreMalformedHeaders(header: String, reason: String) throws {
    let frame = try decodeOne(FrameBuilder.jsonFrame(header: header))
    guard case let .malformed(malformed) = frame else {
        Issue.record("expected a malformed frame")
        return
    }
    #expect(malformed.error == .malformedHeader(reason: reason))
}

@Test func truncatedBinaryHeaderIsMalformedButKeepsItsOpaque() throws {
    // Fixed part claims a 100-byte remark that is not there.
    let header: [UInt8] = [0, 34, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0]
    let frame = try decodeOne(FrameBuilder.frame(serializeType: 1, header: header))
    guard case let .malformed(malformed) = frame else {
        Issue.record("expected a malformed frame")
        return
    }
    #expect(malformed.code == 34)
    #expect(malformed.opaque == 9)
    #expect(malformed.flag == 0)
    #expect(malformed.errorResponse()?.opaque == 9)
}

@Test func boundaryErrorsThrow() {
    var tooLarge = ByteBuffer()
    tooLarge.writeInteger(UInt32(16_777_213))
    #expect(throws: RemotingCodecError.frameTooLarge(length: 16_777_213, maximum: 16_777_212)) {
        _ = try RemotingFrameDecoder().nextFrame(&tooLarge)
    }
    var configured = FrameBuilder.jsonFrame(header: specJSONRequest)
    #expect(throws: RemotingCodecError.frameTooLarge(length: 135, maximum: 100)) {
        _ = try RemotingFrameDecoder(maximumFrameLength: 100).nextFrame(&configured)
    }
    var unknownType = FrameBuilder.frame(serializeType: 2, header: [1])
    #expect(throws: RemotingCodecError.unknownSerializeType(2)) {
        _ = try RemotingFrameDecoder().nextFrame(&unknownType)
    }
    var headerTooLong = ByteBuffer()
    headerTooLong.writeInteger(UInt32(10))
    headerTooLong.writeInteger(UInt32(7))
    #expect(throws: RemotingCodecError.headerLengthInvalid(headerLength: 7, frameLength: 10)) {
        _ = try RemotingFrameDecoder().nextFrame(&headerTooLong)
    }
    var tiny = ByteBuffer(bytes: [0, 0, 0, 2, 0, 0])
    #expect(throws: RemotingCodecError.headerLengthInvalid(headerLength: 0, frameLength: 2)) {
        _ = try RemotingFrameDecoder().nextFrame(&tiny)
    }
}

@Test func partialFramesConsumeNothing() throws {
    let full = FrameBuilder.buffer(hex: specBinaryFrame)
    for length in 0..<full.readableBytes {
        var partial = full.getSlice(at: 0, length: length) ?? ByteBuffer()
        #expect(try RemotingFrameDecoder().nextFrame(&partial) == nil)
        #expect(partial.readableBytes == length)
    }
}

@Test func headerAccessorsParseAndReport() throws {
    let request = RemotingCommand(code: 10, extFields: [
        "topic": "T", "queueId": "3", "offset": "-9000000000", "batch": "1", "unitMode": "false", "empty": "",
        "bad": "1.5",
    ])
    #expect(request.string("topic") == "T")
    #expect(request.string("empty") == nil)
    #expect(try request.requiredString("topic") == "T")
    #expect(try request.int32("queueId") == 3)
    #expect(try request.int32("missing", default: 4) == 4)
    #expect(try request.optionalInt32("missing") == nil)
    #expect(try request.int64("offset") == -9_000_000_000)
    #expect(try request.bool("batch"))
    #expect(request.bool("unitMode", default: true) == false)
    #expect(request.bool("missing", default: true))
    #expect(throws: HeaderError(kind: .missing, field: "empty")) { try request.requiredString("empty") }
    #expect(throws: HeaderError(kind: .invalid, field: "bad", value: "1.5")) { try request.int32("bad") }
    #expect(throws: HeaderError(kind: .invalid, field: "offset", value: "-9000000000")) {
        try request.int32("offset")
    }
    do {
        _ = try request.int64("consumerGroup")
        Issue.record("expected a HeaderError")
    } catch {
        let response = error.response(to: RemotingCommand(code: 14, opaque: 77))
        #expect(response.code == ResponseCode.systemError.rawValue)
        #expect(response.opaque == 77)
        #expect(response.remark == "the custom field <consumerGroup> is null")
    }
    #expect(HeaderError(kind: .invalid, field: "queueId", value: "x").remark == #"invalid value for <queueId>: "x""#)
}
