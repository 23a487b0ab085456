/// Byte-level rewrites between standard JSON and fastjson's default output, whose only difference that matters to the
/// name server is the quoting of integer map keys.
///
/// fastjson writes `Map<Long, String>` keys unquoted (`"brokerAddrs":{0:"10.0.0.1:10911"}`), which yajl rejects, and
/// some clients depend on that form (spec §3.0, §3.1):
/// * Java (fastjson) reads both forms.
/// * C++ (jsoncpp with `allowNumericKeys`) reads both forms.
/// * Go does not JSON-parse `brokerAddrs`: it strips the braces, splits on `,` and `:`, and `ParseInt`s the id with
///   errors ignored. A quoted id `"1"` fails to parse and becomes 0, so with quoted keys a slave's address overwrites
///   the master's. Go sends `version` 317, and the Java name server answers versions below 401 in fastjson's default
///   form, so Tern does the same.
///
/// Both rewrites are small lexers that know only strings, containers, `:` and `,`; they never touch string contents
/// or values, and they keep the document compact (Go's splitting breaks on whitespace).
public enum FastjsonCompatibility {
    /// Quotes every bare integer object key (`{0:"a",-1:"b"}` → `{"0":"a","-1":"b"}`) so yajl can parse fastjson's
    /// default output. Standard JSON passes through unchanged. Other bare keys are left alone (and then rejected by
    /// the parser).
    public static func quotingBareNumericKeys(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var lexer = KeyLexer()
        var pendingBareKey: [UInt8] = []
        for byte in bytes {
            if !pendingBareKey.isEmpty {
                if isBareKeyByte(byte) {
                    pendingBareKey.append(byte)
                    continue
                }
                flushBareKey(&pendingBareKey, into: &output)
            }
            if lexer.expectsKey, !lexer.inString, isBareKeyByte(byte) {
                pendingBareKey.append(byte)
                lexer.expectsKey = false
                continue
            }
            lexer.consume(byte)
            output.append(byte)
        }
        if !pendingBareKey.isEmpty { flushBareKey(&pendingBareKey, into: &output) }
        return output
    }

    /// Removes the quotes around integer keys of every object that is the value of a `brokerAddrs` member
    /// (`"brokerAddrs":{"0":"a"}` → `"brokerAddrs":{0:"a"}`), producing fastjson's default form of `BrokerData`.
    /// Use it only on compact output of `JSONWriter`; the result is not standard JSON.
    public static func unquotingBrokerIDKeys(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lexer = KeyLexer()
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if lexer.expectsKey, !lexer.inString, byte == quote, lexer.insideBrokerAddrs,
                let end = bytes[(index + 1)...].firstIndex(of: quote)
            {
                let key = bytes[(index + 1)..<end]
                if isInteger(key) {
                    output.append(contentsOf: key)
                    lexer.noteKey(Array(key))
                    index = end + 1
                    continue
                }
            }
            lexer.consume(byte)
            output.append(byte)
            index += 1
        }
        return output
    }

    private static let quote = UInt8(ascii: "\"")

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
    }

    private static func isInteger(_ key: ArraySlice<UInt8>) -> Bool {
        let digits = key.first == UInt8(ascii: "-") ? key.dropFirst() : key
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func flushBareKey(_ key: inout [UInt8], into output: inout [UInt8]) {
        output.append(quote)
        output.append(contentsOf: key)
        output.append(quote)
        key.removeAll(keepingCapacity: true)
    }
}

/// Tracks just enough JSON structure to know when the next token is an object key, and whether the current object
/// is the value of a `brokerAddrs` member.
private struct KeyLexer {
    private enum Container {
        case array
        case object(brokerAddrs: Bool)
    }

    private var containers: [Container] = []
    private(set) var inString = false
    private var escaped = false
    private var stringIsKey = false
    private var stringBytes: [UInt8] = []
    /// The last key read and whether a `:` followed it (so the next `{` is that key's value).
    private var lastKey: [UInt8] = []
    private var afterColon = false
    var expectsKey = false

    private static let brokerAddrsKey = Array("brokerAddrs".utf8)

    var insideBrokerAddrs: Bool {
        if case .object(brokerAddrs: true) = containers.last { return true }
        return false
    }

    /// Records a key emitted without going through `consume` (an unquoted key).
    mutating func noteKey(_ key: [UInt8]) {
        lastKey = key
        expectsKey = false
    }

    mutating func consume(_ byte: UInt8) {
        if inString {
            consumeStringByte(byte)
            return
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
            stringIsKey = expectsKey
            stringBytes.removeAll(keepingCapacity: true)
            expectsKey = false
        case UInt8(ascii: "{"):
            containers.append(.object(brokerAddrs: afterColon && lastKey == Self.brokerAddrsKey))
            expectsKey = true
            afterColon = false
        case UInt8(ascii: "["):
            containers.append(.array)
            expectsKey = false
            afterColon = false
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            _ = containers.popLast()
            expectsKey = false
            afterColon = false
        case UInt8(ascii: ","):
            if case .object = containers.last { expectsKey = true }
            afterColon = false
        case UInt8(ascii: ":"):
            afterColon = true
            expectsKey = false
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
            break
        default:
            afterColon = false
            expectsKey = false
        }
    }

    private mutating func consumeStringByte(_ byte: UInt8) {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
            if stringIsKey { lastKey = stringBytes } else { afterColon = false }
            return
        }
        if stringIsKey { stringBytes.append(byte) }
    }
}
