public import NIOCore

extension RemotingCommand {
    /// Decodes a JSON header (serialize type 0), tolerant as spec 1.3 "Decoder rules" asks:
    /// extFields numbers and booleans become their text (nested values their compact JSON), `language` may be a name
    /// or an ordinal, unknown keys are ignored, missing or empty `remark` is nil, whitespace around the object is fine,
    /// and missing integer fields are 0 as fastjson leaves them. The body is not set.
    /// - Throws: ``RemotingCodecError/malformedHeader(reason:)`` naming the problem.
    public init(jsonHeader header: ByteBuffer) throws(RemotingCodecError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(header.readableBytesView)
        } catch {
            throw .malformedHeader(reason: error.description)
        }
        guard case let .object(members) = root else {
            throw .malformedHeader(reason: "the header is not a JSON object")
        }
        self.init(code: 0, language: .java, version: 0)
        for (key, value) in members {
            switch key {
            case "code": code = try Self.jsonInt32(value, key: key)
            case "flag": flag = try Self.jsonInt32(value, key: key)
            case "opaque": opaque = try Self.jsonInt32(value, key: key)
            case "version": version = try Self.jsonInt32(value, key: key)
            case "language": language = Self.jsonLanguage(value)
            case "remark":
                switch value {
                case .null: remark = nil
                case let .string(text): remark = text.isEmpty ? nil : text
                default: throw .malformedHeader(reason: "remark is not a string")
                }
            case "extFields": extFields = try Self.jsonExtFields(value)
            default: continue
            }
        }
    }

    /// Decodes a ROCKETMQ binary header (serialize type 1, spec section 1.4). The body is not set.
    /// - Throws: ``RemotingCodecError/malformedHeader(reason:)`` when a length runs past the header.
    public init(binaryHeader header: ByteBuffer) throws(RemotingCodecError) {
        var header = header
        guard let code = header.readInteger(as: Int16.self),
              let language = header.readInteger(as: UInt8.self),
              let version = header.readInteger(as: Int16.self),
              let opaque = header.readInteger(as: Int32.self),
              let flag = header.readInteger(as: Int32.self)
        else { throw .malformedHeader(reason: "binary header shorter than its 21-byte fixed part") }
        let remark = try Self.readBinaryString(&header, lengthType: Int32.self, what: "remark")
        guard let mapLength = header.readInteger(as: Int32.self) else {
            throw .malformedHeader(reason: "binary header shorter than its 21-byte fixed part")
        }
        guard mapLength >= 0, var map = header.readSlice(length: Int(mapLength)) else {
            throw .malformedHeader(reason: "extFields length \(mapLength) runs past the header")
        }
        var extFields: [String: String] = [:]
        while map.readableBytes > 0 {
            let key = try Self.readBinaryString(&map, lengthType: Int16.self, what: "extFields key")
            let value = try Self.readBinaryString(&map, lengthType: Int32.self, what: "extFields value")
            // A zero length decodes to null in Java; a null key or value is no entry.
            if let key, let value { extFields[key] = value }
        }
        self.init(code: Int32(code), language: LanguageCode(rawValue: language), version: Int32(version),
                  opaque: opaque, flag: flag, remark: remark, extFields: extFields)
    }

    private static func readBinaryString<Length: FixedWidthInteger>(
        _ buffer: inout ByteBuffer, lengthType: Length.Type, what: String
    ) throws(RemotingCodecError) -> String? {
        guard let length = buffer.readInteger(as: Length.self) else {
            throw .malformedHeader(reason: "\(what) length runs past the header")
        }
        guard length >= 0, let text = buffer.readString(length: Int(length)) else {
            throw .malformedHeader(reason: "\(what) of \(length) bytes runs past the header")
        }
        return length == 0 ? nil : text
    }

    private static func jsonInt32(_ value: JSONValue, key: String) throws(RemotingCodecError) -> Int32 {
        if value == .null { return 0 }
        guard let wide = value.int64Value, let narrow = Int32(exactly: wide) else {
            throw .malformedHeader(reason: "\(key) is not a 32-bit integer")
        }
        return narrow
    }

    private static func jsonLanguage(_ value: JSONValue) -> LanguageCode {
        switch value {
        case let .string(name): return LanguageCode(name: name)
        case .number:
            return value.int64Value.flatMap(UInt8.init(exactly:)).map(LanguageCode.init(rawValue:)) ?? .other
        default: return .other
        }
    }

    private static func jsonExtFields(_ value: JSONValue) throws(RemotingCodecError) -> [String: String] {
        switch value {
        case .null: return [:]
        case let .object(members):
            var fields: [String: String] = [:]
            fields.reserveCapacity(members.count)
            for (key, member) in members {
                switch member {
                case .null: continue
                case .string, .number, .bool: fields[key] = member.scalarText
                case .array, .object: fields[key] = String(decoding: member.serialized(), as: UTF8.self)
                }
            }
            return fields
        default:
            throw .malformedHeader(reason: "extFields is not a JSON object")
        }
    }
}
