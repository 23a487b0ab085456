private import CHttp
public import NIOCore

extension RemotingCommand {
    /// Decodes a JSON header (serialize type 0), tolerant as spec 1.3 "Decoder rules" asks:
    /// extFields numbers and booleans become their text (nested values their compact JSON), `language` may be a name
    /// or an ordinal, integer fields may be numbers or decimal strings, unknown keys are ignored, missing or empty
    /// `remark` is nil, whitespace around the object is fine, and missing integer fields are 0 as fastjson leaves
    /// them. The body is not set.
    ///
    /// Every request passes through here, so the header is read in one pass over yajl's event parser straight into
    /// the command: no JSON tree, no intermediate values.
    /// - Throws: ``RemotingCodecError/malformedHeader(reason:)`` naming the problem.
    public init(jsonHeader header: ByteBuffer) throws(RemotingCodecError) {
        var reader = JSONHeaderReader()
        let syntaxError = header.withUnsafeReadableBytes { bytes in
            withUnsafeMutablePointer(to: &reader) { context in
                YAJLEventParser.parse(bytes, callbacks: jsonHeaderCallbacks, context: context)
            }
        }
        if let failure = reader.failure { throw .malformedHeader(reason: failure) }
        if let syntaxError { throw .malformedHeader(reason: "invalid JSON: " + syntaxError) }
        guard reader.place == .done else { throw .malformedHeader(reason: "the header is not a JSON object") }
        self = reader.command
    }
}

/// yajl keeps a pointer to its callbacks for the life of each parser, so they live in one allocation made once.
nonisolated(unsafe) private let jsonHeaderCallbacks: UnsafeMutablePointer<yajl_callbacks> = {
    let callbacks = UnsafeMutablePointer<yajl_callbacks>.allocate(capacity: 1)
    callbacks.initialize(to: yajl_callbacks(
        yajl_null: { headerReader($0).pointee.scalar(.null) ? 1 : 0 },
        yajl_boolean: { headerReader($0).pointee.scalar(.bool($1 != 0)) ? 1 : 0 },
        yajl_integer: nil,
        yajl_double: nil,
        yajl_number: { headerReader($0).pointee.scalar(.number(UnsafeRawBufferPointer(start: $1, count: $2))) ? 1 : 0 },
        yajl_string: { headerReader($0).pointee.scalar(.string(UnsafeRawBufferPointer(start: $1, count: $2))) ? 1 : 0 },
        yajl_start_map: { headerReader($0).pointee.open(isObject: true) ? 1 : 0 },
        yajl_map_key: { headerReader($0).pointee.key(UnsafeRawBufferPointer(start: $1, count: $2)) ? 1 : 0 },
        yajl_end_map: { headerReader($0).pointee.close(isObject: true) ? 1 : 0 },
        yajl_start_array: { headerReader($0).pointee.open(isObject: false) ? 1 : 0 },
        yajl_end_array: { headerReader($0).pointee.close(isObject: false) ? 1 : 0 }
    ))
    return callbacks
}()

private func headerReader(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<JSONHeaderReader> {
    context!.assumingMemoryBound(to: JSONHeaderReader.self)
}

/// The state of one header decode as yajl's events arrive. Each callback returns false to stop the parse, with
/// `failure` saying why.
private struct JSONHeaderReader {
    enum Place: Equatable {
        case start
        /// Inside the header object, expecting a key or its value.
        case header
        /// Skipping the value of an ignored key, `depth` containers deep.
        case skipping(depth: Int)
        /// Inside `extFields`.
        case extFields
        /// Re-serialising a nested `extFields` value, `depth` containers deep.
        case nested(depth: Int)
        case done
    }

    enum Scalar {
        case null
        case bool(Bool)
        case number(UnsafeRawBufferPointer)
        case string(UnsafeRawBufferPointer)
    }

    /// The header keys the decoder reads; any other key's value is skipped.
    enum Member {
        case code, flag, opaque, version, language, remark, extFields, ignored

        init(_ name: UnsafeRawBufferPointer) {
            switch name.count {
            case 4 where name.elementsEqual("code".utf8): self = .code
            case 4 where name.elementsEqual("flag".utf8): self = .flag
            case 6 where name.elementsEqual("opaque".utf8): self = .opaque
            case 6 where name.elementsEqual("remark".utf8): self = .remark
            case 7 where name.elementsEqual("version".utf8): self = .version
            case 8 where name.elementsEqual("language".utf8): self = .language
            case 9 where name.elementsEqual("extFields".utf8): self = .extFields
            default: self = .ignored
            }
        }
    }

    var command = RemotingCommand(code: 0, language: .java, version: 0)
    var place = Place.start
    var failure: String?
    private var member = Member.ignored
    private var fieldKey = ""
    private var nestedWriter: JSONWriter?
    /// Containers open and values seen so far, held to ``JSONLimits`` as every other JSON decode is.
    private var depth = 0
    private var values = 0

    mutating func key(_ name: UnsafeRawBufferPointer) -> Bool {
        switch place {
        case .header: member = Member(name)
        case .extFields: fieldKey = String(decoding: name, as: UTF8.self)
        case .nested: nestedWriter?.key(String(decoding: name, as: UTF8.self))
        case .start, .skipping, .done: break
        }
        return true
    }

    mutating func scalar(_ value: Scalar) -> Bool {
        values += 1
        guard values <= JSONLimits.maximumValues else { return fail(JSONLimits.valuesMessage) }
        switch place {
        case .start, .done:
            return fail("the header is not a JSON object")
        case .skipping:
            return true
        case .nested:
            nestedWriter?.value(value.jsonValue)
            return true
        case .extFields:
            if let text = value.text { command.extFields[fieldKey] = text }
            return true
        case .header:
            return assign(value)
        }
    }

    mutating func open(isObject: Bool) -> Bool {
        depth += 1
        values += 1
        guard depth <= JSONLimits.maximumDepth else { return fail(JSONLimits.depthMessage) }
        guard values <= JSONLimits.maximumValues else { return fail(JSONLimits.valuesMessage) }
        switch place {
        case .start:
            guard isObject else { return fail("the header is not a JSON object") }
            place = .header
        case .header:
            switch member {
            case .extFields:
                guard isObject else { return fail("extFields is not a JSON object") }
                // Sized for a SEND_MESSAGE_V2 header (a..n and a few more), so it is not regrown while filled.
                command.extFields = Dictionary(minimumCapacity: 16)
                place = .extFields
            case .remark: return fail("remark is not a string")
            case .code, .flag, .opaque, .version: return fail("\(member) is not a 32-bit integer")
            case .language:
                command.language = .other
                place = .skipping(depth: 1)
            case .ignored: place = .skipping(depth: 1)
            }
        case let .skipping(depth):
            place = .skipping(depth: depth + 1)
        case .extFields:
            let writer = JSONWriter()
            if isObject { writer.beginObject() } else { writer.beginArray() }
            nestedWriter = writer
            place = .nested(depth: 1)
        case let .nested(depth):
            if isObject { nestedWriter?.beginObject() } else { nestedWriter?.beginArray() }
            place = .nested(depth: depth + 1)
        case .done:
            return fail("the header is not a JSON object")
        }
        return true
    }

    mutating func close(isObject: Bool) -> Bool {
        depth -= 1
        switch place {
        case .header: place = .done
        case .extFields: place = .header
        case let .skipping(depth): place = depth == 1 ? .header : .skipping(depth: depth - 1)
        case let .nested(depth):
            if isObject { nestedWriter?.endObject() } else { nestedWriter?.endArray() }
            guard depth == 1 else {
                place = .nested(depth: depth - 1)
                return true
            }
            if let writer = nestedWriter { command.extFields[fieldKey] = String(decoding: writer.bytes(), as: UTF8.self) }
            nestedWriter = nil
            place = .extFields
        case .start, .done: return fail("the header is not a JSON object")
        }
        return true
    }

    private mutating func assign(_ value: Scalar) -> Bool {
        switch member {
        case .code, .flag, .opaque, .version:
            guard let number = value.int32 else { return fail("\(member) is not a 32-bit integer") }
            switch member {
            case .code: command.code = number
            case .flag: command.flag = number
            case .opaque: command.opaque = number
            default: command.version = number
            }
        case .language:
            switch value {
            case let .string(name): command.language = LanguageCode(name: String(decoding: name, as: UTF8.self))
            case .number: command.language = value.int32.flatMap(UInt8.init(exactly:)).map { LanguageCode(rawValue: $0) } ?? .other
            case .null, .bool: command.language = .other
            }
        case .remark:
            switch value {
            case .null: command.remark = nil
            case let .string(text): command.remark = text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
            case .bool, .number: return fail("remark is not a string")
            }
        case .extFields:
            guard case .null = value else { return fail("extFields is not a JSON object") }
            command.extFields = [:]
        case .ignored:
            break
        }
        return true
    }

    private mutating func fail(_ reason: String) -> Bool {
        failure = reason
        return false
    }
}

extension JSONHeaderReader.Scalar {
    /// The text an extFields value keeps: strings as they are, numbers as written, booleans as `true`/`false`;
    /// nil for null (no entry).
    var text: String? {
        switch self {
        case .null: return nil
        case let .bool(flag): return flag ? "true" : "false"
        case let .number(bytes), let .string(bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// An integer header field: null is 0 (fastjson leaves it unset); a number, or a string of decimal digits as
    /// Java coerces it, must fit 32 bits exactly (a number may have an integral fraction such as `1.0`).
    var int32: Int32? {
        switch self {
        case .null: return 0
        case .bool: return nil
        case let .string(bytes): return Int64(String(decoding: bytes, as: UTF8.self)).flatMap(Int32.init(exactly:))
        case let .number(bytes):
            if let plain = Self.plainInteger(bytes) { return Int32(exactly: plain) }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let real = Double(text), real.isFinite else { return nil }
            return Int64(exactly: real.rounded()).flatMap(Int32.init(exactly:))
        }
    }

    var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case let .bool(flag): return .bool(flag)
        case let .number(bytes): return .number(String(decoding: bytes, as: UTF8.self))
        case let .string(bytes): return .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// An optional minus and up to 18 digits, read without building a String; nil for anything else.
    private static func plainInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { index = 1 }
        guard bytes.count > index, bytes.count - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return negative ? -value : value
    }
}
