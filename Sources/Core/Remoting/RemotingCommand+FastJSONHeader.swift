import NIOCore

extension RemotingCommand {
    /// Decodes a well-formed JSON header by hand, without building a JSON tree: the hot path for every request.
    ///
    /// Returns nil for anything unusual (numbers written as strings, nested extFields values, bad escapes, syntax
    /// errors); the caller then falls back to the tolerant yajl path, ``init(jsonHeader:)``, which also produces the
    /// error message. For headers both accept, both produce the same command (a test checks this).
    init?(fastJSONHeader header: ByteBuffer) {
        guard let command = header.withUnsafeReadableBytes({ bytes -> RemotingCommand? in
            var parser = FastJSONHeaderParser(bytes: bytes)
            return parser.parseCommand()
        }) else { return nil }
        self = command
    }
}

/// A minimal JSON reader for remoting headers over raw bytes.
private struct FastJSONHeaderParser {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    mutating func parseCommand() -> RemotingCommand? {
        var command = RemotingCommand(code: 0, language: .java, version: 0)
        skipWhitespace()
        guard consume(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !consume(UInt8(ascii: "}")) {
            while true {
                skipWhitespace()
                guard let key = parseString() else { return nil }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                guard parseMember(key, into: &command) else { return nil }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipWhitespace()
        return index == bytes.count ? command : nil
    }

    private mutating func parseMember(_ key: String, into command: inout RemotingCommand) -> Bool {
        switch key {
        case "code": return parseInt32(into: &command.code)
        case "flag": return parseInt32(into: &command.flag)
        case "opaque": return parseInt32(into: &command.opaque)
        case "version": return parseInt32(into: &command.version)
        case "language":
            if peek() == Self.quote {
                guard let name = parseString() else { return false }
                command.language = LanguageCode(name: name)
                return true
            }
            var ordinal: Int32 = 0
            guard parseInt32(into: &ordinal) else { return false }
            command.language = UInt8(exactly: ordinal).map(LanguageCode.init(rawValue:)) ?? .other
            return true
        case "remark":
            if consumeLiteral("null") {
                command.remark = nil
                return true
            }
            guard peek() == Self.quote, let remark = parseString() else { return false }
            command.remark = remark.isEmpty ? nil : remark
            return true
        case "extFields":
            if consumeLiteral("null") { return true }
            return parseExtFields(into: &command.extFields)
        default:
            return skipValue(depth: 0)
        }
    }

    private mutating func parseExtFields(into fields: inout [String: String]) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return true }
        // Room for a SEND_MESSAGE_V2 header (13 one-letter fields) up front, rather than regrowing and rehashing.
        fields.reserveCapacity(16)
        while true {
            skipWhitespace()
            guard let key = parseString() else { return false }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            switch peek() {
            case Self.quote:
                guard let value = parseString() else { return false }
                fields[key] = value
            case UInt8(ascii: "t"):
                guard consumeLiteral("true") else { return false }
                fields[key] = "true"
            case UInt8(ascii: "f"):
                guard consumeLiteral("false") else { return false }
                fields[key] = "false"
            case UInt8(ascii: "n"):
                guard consumeLiteral("null") else { return false }
            default:
                // Numbers keep their source text; nested objects and arrays go to the yajl path.
                guard let number = parseNumberText() else { return false }
                fields[key] = number
            }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}"))
        }
    }

    // MARK: Scalars

    private mutating func parseInt32(into value: inout Int32) -> Bool {
        let negative = consume(UInt8(ascii: "-"))
        var magnitude: Int64 = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            magnitude = magnitude * 10 + Int64(byte - UInt8(ascii: "0"))
            guard magnitude <= Int64(Int32.max) + 1 else { return false }
            digits += 1
            index += 1
        }
        // Fractions and exponents go to the yajl path.
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return false
        }
        guard digits > 0, let result = Int32(exactly: negative ? -magnitude : magnitude) else { return false }
        value = result
        return true
    }

    /// A JSON number's text as written (validated loosely: sign, digits, fraction, exponent characters).
    private mutating func parseNumberText() -> String? {
        let start = index
        while let byte = peek(), (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E") {
            index += 1
        }
        guard index > start else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // Let the yajl path judge anything that is not a plain number.
        return Double(text) == nil ? nil : text
    }

    private mutating func parseString() -> String? {
        guard consume(Self.quote) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == Self.backslash { return parseEscapedString(from: start) }
            if byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    private mutating func parseEscapedString(from start: Int) -> String? {
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case Self.quote:
                return String(decoding: utf8, as: UTF8.self)
            case Self.backslash:
                guard let escaped = peek() else { return nil }
                index += 1
                switch escaped {
                case Self.quote, Self.backslash, UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = parseUnicodeEscape() else { return nil }
                    utf8.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                utf8.append(byte)
            }
        }
        return nil
    }

    /// After `\u`: four hex digits, and a low surrogate escape when the first is a high surrogate.
    private mutating func parseUnicodeEscape() -> Unicode.Scalar? {
        guard let first = parseHex4() else { return nil }
        if (0xD800...0xDBFF).contains(first) {
            guard consume(Self.backslash), consume(UInt8(ascii: "u")), let second = parseHex4(),
                  (0xDC00...0xDFFF).contains(second) else { return nil }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        }
        return Unicode.Scalar(first)
    }

    private mutating func parseHex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Structure

    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < 32, let byte = peek() else { return false }
        switch byte {
        case Self.quote: return parseString() != nil
        case UInt8(ascii: "t"): return consumeLiteral("true")
        case UInt8(ascii: "f"): return consumeLiteral("false")
        case UInt8(ascii: "n"): return consumeLiteral("null")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if consume(close) { return true }
            while true {
                skipWhitespace()
                if isObject {
                    guard parseString() != nil else { return false }
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                return consume(close)
            }
        default: return parseNumberText() != nil
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        for offset in 0..<length where bytes[index + offset] != literal.utf8Start[offset] { return false }
        index += length
        return true
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }
}
