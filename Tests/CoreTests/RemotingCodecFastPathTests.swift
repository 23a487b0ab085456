@testable import Core
import NIOCore
import Testing

/// Headers the hand-written fast path must decode exactly as the yajl path does.
private let commonHeaders = [
    #"{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":479}"#,
    #"{"code":0,"flag":1,"language":"JAVA","opaque":7,"remark":"ok","serializeTypeCurrentRPC":"JSON","version":479}"#,
    #"{"code":34,"language":"GO","version":317,"opaque":1,"flag":0,"remark":"","extFields":{"a":"b"}}"#,
    "{\"code\":11,\"language\":\"CPP\",\"version\":333,\"opaque\":2147483647,\"flag\":0,\"remark\":\"\",\"extFields\":{\"queueId\":0,\"maxMsgNums\":32,\"commitOffset\":-1,\"big\":9007199254740993,\"d\":1.5,\"ok\":true,\"no\":false,\"gone\":null,\"AccessKey\":\"\"}}\n",
    #"  { "code" : -2147483648 , "language" : 9 , "opaque" : 3 , "extFields" : { } , "remark" : null }  "#,
    #"{"code":10,"extFields":{"i":"KEYS\u0001k1\u0002TAGS\u0001a","e":"q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00","raw":"é✓"}}"#,
    #"{"code":10,"unknown":{"x":[1,{"y":"}"},[],true,null,-2.5e3]},"extFields":null,"language":"COBOL"}"#,
    #"{}"#,
]

/// Headers the fast path hands over to yajl (it returns nil), whatever yajl then makes of them.
private let unusualHeaders = [
    #"{"code":"105","opaque":1}"#,
    #"{"code":105,"extFields":{"n":{"a":1}}}"#,
    #"{"code":1.0}"#,
    #"{"code":2147483648}"#,
    #"{"code":1,"opaque":5,"extFields":{"#,
    #"{"code":1} x"#,
    #"[1]"#,
    #"{"code":1,"remark":7}"#,
    #"{"a":"\ud83d"}"#,
    "{\"a\":\"tab\there\"}",
    #""#,
]

@Test(arguments: commonHeaders)
func fastPathMatchesTheYajlPath(header: String) throws {
    let buffer = ByteBuffer(string: header)
    let fast = try #require(RemotingCommand(fastJSONHeader: buffer))
    #expect(fast == (try RemotingCommand(jsonHeader: buffer)))
}

@Test(arguments: unusualHeaders)
func fastPathDefersUnusualHeadersToYajl(header: String) {
    #expect(RemotingCommand(fastJSONHeader: ByteBuffer(string: header)) == nil)
}

/// The hand-written header encoder must write the bytes the yajl generator wrote before it: every ASCII control
/// character, quote, backslash, slash and non-ASCII text, in keys, values and the remark, and extreme integers.
@Test func headerEncoderWritesWhatTheYajlWriterWrites() {
    let tricky = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "é✓😀/"
    let command = RemotingCommand(code: -7, language: .cpp, version: Int32.max, opaque: Int32.min, flag: 3,
                                  remark: tricky, extFields: ["b": "1", tricky: tricky, "a": ""])
    let writer = JSONWriter()
    writer.beginObject()
    writer.field("code", command.code)
    writer.key("extFields")
    writer.beginObject()
    for key in command.extFields.keys.sorted() { writer.field(key, command.extFields[key] ?? "") }
    writer.endObject()
    writer.field("flag", command.flag)
    writer.field("language", command.language.description)
    writer.field("opaque", command.opaque)
    writer.field("remark", tricky)
    writer.field("serializeTypeCurrentRPC", "JSON")
    writer.field("version", command.version)
    writer.endObject()
    #expect(command.jsonHeader() == writer.bytes())
}
