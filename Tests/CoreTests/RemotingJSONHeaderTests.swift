@testable import Core
import NIOCore
import Testing

/// Headers real clients write and the tolerant forms spec 1.3 allows; the event-parser decoder must read each of
/// them exactly as a decode over the whole yajl tree does.
private let acceptedHeaders = [
    #"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}"#,
    #"{"code":0,"flag":1,"language":"JAVA","opaque":7,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":479}"#,
    #"{"code":34,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{"a":"b"}}"#,
    "{\"code\":11,\"language\":\"CPP\",\"version\":333,\"opaque\":2147483647,\"flag\":0,\"remark\":\"\",\"extFields\":{\"queueId\":0,\"maxMsgNums\":32,\"commitOffset\":-1,\"big\":9007199254740993,\"d\":1.5,\"ok\":true,\"no\":false,\"gone\":null,\"AccessKey\":\"\"}}\n",
    #"  { "code" : -2147483648 , "language" : 9 , "opaque" : 3 , "extFields" : { } , "remark" : null }  "#,
    #"{"code":10,"extFields":{"i":"KEYS\u0001k1\u0002TAGS\u0001a","e":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00","raw":"é✓"}}"#,
    #"{"code":10,"unknown":{"x":[1,{"y":"}"},[],true,null,-2.5e3]},"extFields":null,"language":"COBOL"}"#,
    #"{"code":"105","opaque":"-3","flag":1.0,"version":null}"#,
    #"{"code":105,"extFields":{"n":{"a":1,"b":[true,null,"x\"y",2.50]},"m":[]}}"#,
    #"{"code":1,"language":{"x":1},"opaque":2}"#,
    #"{"code":1,"code":2}"#,
    #"{"code":1,"extFields":{"a":"\ud83d"}}"#,
    #"{}"#,
]

/// Headers both decoders refuse, with the reason the event-parser decoder gives.
private let refusedHeaders: [(header: String, reason: String)] = [
    (#"{"code":2147483648}"#, "code is not a 32-bit integer"),
    (#"{"code":true}"#, "code is not a 32-bit integer"),
    (#"{"opaque":{"a":1}}"#, "opaque is not a 32-bit integer"),
    (#"{"code":"1x"}"#, "code is not a 32-bit integer"),
    (#"{"code":1,"remark":7}"#, "remark is not a string"),
    (#"{"code":1,"remark":["a"]}"#, "remark is not a string"),
    (#"{"code":1,"extFields":"a=b"}"#, "extFields is not a JSON object"),
    (#"{"code":1,"extFields":[1]}"#, "extFields is not a JSON object"),
    (#"[1]"#, "the header is not a JSON object"),
    (#"7"#, "the header is not a JSON object"),
    (#"{"code":1,"opaque":5,"extFields":{"#, "invalid JSON"),
    (#"{"code":1} x"#, "invalid JSON"),
    ("{\"a\":\"tab\there\"}", "invalid JSON"),
    (#""#, ""),
]

@Test(arguments: acceptedHeaders)
func eventDecoderReadsHeadersAsTheTreeDecoderDoes(header: String) throws {
    let buffer = ByteBuffer(string: header)
    #expect(try RemotingCommand(jsonHeader: buffer) == (try treeDecodedHeader(buffer)))
}

@Test(arguments: refusedHeaders)
func eventDecoderRefusesMalformedHeadersWithAReason(header: String, reason: String) {
    let buffer = ByteBuffer(string: header)
    #expect(throws: RemotingCodecError.self) { try treeDecodedHeader(buffer) }
    do {
        let command = try RemotingCommand(jsonHeader: buffer)
        Issue.record("decoded \(command) from \(header)")
    } catch {
        guard case let .malformedHeader(actual) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(actual.hasPrefix(reason), "\(actual)")
    }
}

@Test func nestedExtFieldsValuesKeepTheirCompactJSON() throws {
    let header = ByteBuffer(string: #"{"code":1,"extFields":{"n":{ "a" : 1 , "b" : [ true , null ] }}}"#)
    #expect(try RemotingCommand(jsonHeader: header).extFields["n"] == #"{"a":1,"b":[true,null]}"#)
}

/// The reference: the header decoded from the whole yajl tree, with the decoder rules of spec 1.3.
private func treeDecodedHeader(_ header: ByteBuffer) throws(RemotingCodecError) -> RemotingCommand {
    let root: JSONValue
    do {
        root = try JSONParser.parse(header.readableBytesView)
    } catch {
        throw .malformedHeader(reason: error.description)
    }
    guard case let .object(members) = root else { throw .malformedHeader(reason: "not an object") }
    var command = RemotingCommand(code: 0, language: .java, version: 0)
    func int32(_ value: JSONValue) throws(RemotingCodecError) -> Int32 {
        if value == .null { return 0 }
        guard let wide = value.int64Value, let narrow = Int32(exactly: wide) else {
            throw .malformedHeader(reason: "not a 32-bit integer")
        }
        return narrow
    }
    for (key, value) in members {
        switch key {
        case "code": command.code = try int32(value)
        case "flag": command.flag = try int32(value)
        case "opaque": command.opaque = try int32(value)
        case "version": command.version = try int32(value)
        case "language":
            switch value {
            case let .string(name): command.language = LanguageCode(name: name)
            case .number:
                command.language = value.int64Value.flatMap(UInt8.init(exactly:)).map { LanguageCode(rawValue: $0) }
                    ?? .other
            default: command.language = .other
            }
        case "remark":
            switch value {
            case .null: command.remark = nil
            case let .string(text): command.remark = text.isEmpty ? nil : text
            default: throw .malformedHeader(reason: "remark is not a string")
            }
        case "extFields":
            switch value {
            case .null: command.extFields = [:]
            case let .object(fields):
                var decoded: [String: String] = [:]
                for (name, field) in fields {
                    switch field {
                    case .null: continue
                    case .string, .number, .bool: decoded[name] = field.scalarText
                    case .array, .object: decoded[name] = String(decoding: field.serialized(), as: UTF8.self)
                    }
                }
                command.extFields = decoded
            default: throw .malformedHeader(reason: "extFields is not a JSON object")
            }
        default: continue
        }
    }
    return command
}
