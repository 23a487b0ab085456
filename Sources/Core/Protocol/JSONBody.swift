public import NIOCore

/// Why a remoting JSON body (or a custom header) could not be decoded.
public struct ProtocolDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, in words fit for a response remark.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A value written as a RocketMQ remoting JSON body (TopicRouteData, KVTable, …).
///
/// Conformers write **standard JSON** through `JSONWriter`, with object keys in alphabetical order (fastjson's bean
/// order) and map keys sorted so the output is deterministic. Where old clients need fastjson's unquoted numeric map
/// keys, see `FastjsonCompatibility.unquotingBrokerIDKeys(_:)`.
public protocol JSONBodyEncodable {
    /// Writes this value as one JSON value (normally an object).
    func write(to writer: JSONWriter)
}

/// A value read from a RocketMQ remoting JSON body.
///
/// Decoders are as tolerant as fastjson: unknown keys are ignored, missing keys take the Java defaults, numbers may
/// arrive as numeric strings, and bare numeric object keys (`{0:"…"}`) are accepted (see `FastjsonCompatibility`).
public protocol JSONBodyDecodable {
    /// Builds the value from a parsed JSON document.
    /// - Throws: `ProtocolDecodingError` when the document has the wrong shape.
    init(json: JSONValue) throws(ProtocolDecodingError)
}

extension JSONBodyEncodable {
    /// The value as compact standard JSON bytes.
    public func jsonBytes() -> [UInt8] {
        let writer = JSONWriter()
        write(to: writer)
        return writer.bytes()
    }

    /// The value as compact standard JSON text.
    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// The value as a remoting body.
    public func jsonBody() -> ByteBuffer { ByteBuffer(bytes: jsonBytes()) }
}

extension JSONBodyDecodable {
    /// Decodes fastjson default output or standard JSON.
    /// - Throws: `ProtocolDecodingError` when the bytes are not JSON (after quoting bare numeric keys) or have the
    ///   wrong shape.
    public init(jsonBytes bytes: some Collection<UInt8>) throws(ProtocolDecodingError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(FastjsonCompatibility.quotingBareNumericKeys(bytes))
        } catch {
            throw ProtocolDecodingError("\(Self.self): \(error.message)")
        }
        try self.init(json: value)
    }

    /// Decodes a remoting body (fastjson default output or standard JSON).
    /// - Throws: `ProtocolDecodingError` as `init(jsonBytes:)`.
    public init(jsonBody body: ByteBuffer) throws(ProtocolDecodingError) {
        try self.init(jsonBytes: body.readableBytesView)
    }
}

/// Typed, tolerant access to the members of a JSON object, with fastjson's coercions (numeric strings are numbers;
/// a missing or mistyped member is nil so the caller can apply the Java default).
struct ProtocolJSONObject {
    let members: [(String, JSONValue)]

    init(_ value: JSONValue, of type: String) throws(ProtocolDecodingError) {
        guard let members = value.objectValue else { throw ProtocolDecodingError("\(type): expected a JSON object") }
        self.members = members
    }

    subscript(key: String) -> JSONValue? {
        guard let value = members.first(where: { $0.0 == key })?.1, value != .null else { return nil }
        return value
    }

    func string(_ key: String) -> String? { self[key]?.scalarText }

    func int64(_ key: String) -> Int64? { self[key]?.int64Value }

    func int32(_ key: String) -> Int32? { int64(key).flatMap { Int32(exactly: $0) } }

    func bool(_ key: String) -> Bool? { self[key]?.boolValue }

    func object(_ key: String) -> [(String, JSONValue)]? { self[key]?.objectValue }

    func array(_ key: String) -> [JSONValue]? { self[key]?.arrayValue }

    /// A `{String: String}` map; non-scalar values are skipped.
    func stringMap(_ key: String) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in object(key) ?? [] {
            if let text = value.scalarText { result[name] = text }
        }
        return result
    }

    /// A `[String]` list; non-scalar items are skipped.
    func stringList(_ key: String) -> [String] { (array(key) ?? []).compactMap(\.scalarText) }
}

extension JSONWriter {
    /// Writes a `{String: String}` map with sorted keys.
    func writeSortedStringMap(_ map: [String: String]) {
        beginObject()
        for key in map.keys.sorted() {
            field(key, map[key] ?? "")
        }
        endObject()
    }

    /// Writes a `[String]` array.
    func writeStringArray(_ items: [String]) {
        beginArray()
        for item in items { string(item) }
        endArray()
    }
}
