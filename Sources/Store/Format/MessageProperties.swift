public import NIOCore

/// The properties string of a record (remoting-protocol §4.4): `name\u{1}value\u{2}` repeated, UTF-8.
public enum MessageProperties {
    /// Separates a name from its value (`NAME_VALUE_SEPARATOR`).
    public static let nameValueSeparator: Character = "\u{1}"
    /// Ends each pair (`PROPERTY_SEPARATOR`).
    public static let propertySeparator: Character = "\u{2}"
    /// Largest encoded properties length: the record stores it as an int16.
    public static let maxEncodedBytes = 32_767

    public static let keys = "KEYS"
    public static let tags = "TAGS"
    public static let uniqueKey = "UNIQ_KEY"
    public static let wait = "WAIT"
    public static let delayLevel = "DELAY"

    /// Encodes pairs as Java's `messageProperties2String` does (a trailing `\u{2}` after the last pair).
    public static func encode(_ properties: [(String, String)]) -> String {
        var result = ""
        for (name, value) in properties {
            result += name
            result.append(nameValueSeparator)
            result += value
            result.append(propertySeparator)
        }
        return result
    }

    /// Parses like Java's `string2messageProperties`: pieces with an empty name or empty value are dropped, the
    /// value is everything after the first `\u{1}`. Order is kept; duplicates are kept (the last one wins in
    /// `dictionary(_:)`).
    public static func decode(_ string: String) -> [(String, String)] {
        var copy = string
        return copy.withUTF8 { decode(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Parses UTF-8 properties bytes (see `decode(_:)`); scans bytes, since 0x01 and 0x02 never occur inside a
    /// multi-byte UTF-8 sequence.
    public static func decode(bytes: UnsafeRawBufferPointer) -> [(String, String)] {
        decode(bytes: bytes, keeping: nil)
    }

    /// Parses like `decode(bytes:)` but keeps only the pairs whose name bytes `keep` accepts, without making
    /// Strings of the others: the index dispatcher reads two properties of every stored message.
    public static func decode(bytes: UnsafeRawBufferPointer, keeping keep: ((UnsafeRawBufferPointer) -> Bool)?)
        -> [(String, String)] {
        var result: [(String, String)] = []
        var pieceStart = 0
        var separator = -1
        for index in 0...bytes.count {
            let byte: UInt8 = index < bytes.count ? bytes[index] : 2
            if byte == 1 && separator < 0 {
                separator = index
            } else if byte == 2 {
                if separator > pieceStart && separator + 1 < index,
                   keep?(UnsafeRawBufferPointer(rebasing: bytes[pieceStart..<separator])) ?? true {
                    let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pieceStart..<separator]),
                                      as: UTF8.self)
                    let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(separator + 1)..<index]),
                                       as: UTF8.self)
                    result.append((name, value))
                }
                pieceStart = index + 1
                separator = -1
            }
        }
        return result
    }

    /// UTF-8 length of `encode(properties)` without building it.
    public static func encodedLength(_ properties: [(String, String)]) -> Int {
        properties.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 2 }
    }

    /// Appends `encode(properties)` to `buffer` without building the string (record and batch encoders).
    public static func write(_ properties: [(String, String)], into buffer: inout ByteBuffer) {
        for (name, value) in properties {
            buffer.writeString(name)
            buffer.writeInteger(UInt8(1))
            buffer.writeString(value)
            buffer.writeInteger(UInt8(2))
        }
    }

    /// Name → value with later duplicates overwriting earlier ones, as Java's HashMap-based parser.
    public static func dictionary(_ properties: [(String, String)]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in properties { result[name] = value }
        return result
    }
}
