import NIOCore

/// The pieces of a JSON remoting header, written straight into the frame buffer (`RemotingCommand.encode`).
extension ByteBuffer {
    /// Writes `value` in decimal, as `%lld` would, without building a String.
    mutating func writeDecimal(_ value: Int32) {
        let magnitude = value.magnitude
        var divisor: UInt32 = 1
        var digits = 1
        while magnitude / divisor >= 10 {
            divisor *= 10
            digits += 1
        }
        let count = digits + (value < 0 ? 1 : 0)
        // One write into reserved space: byte-by-byte writes each pay ByteBuffer's bounds and exclusivity checks.
        writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
            var index = 0
            if value < 0 {
                out[0] = UInt8(ascii: "-")
                index = 1
            }
            while divisor > 0 {
                out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude / divisor % 10)
                index += 1
                divisor /= 10
            }
            return count
        }
    }

    /// Writes `text` as a quoted JSON string escaped like yajl's generator: `"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`
    /// by name, other control characters as `\u00XX` (upper-case hex), everything else (`/`, non-ASCII) as is.
    mutating func writeJSONString(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var count = 2
            for byte in bytes { count += Self.escapedLength(byte) }
            // One write of exactly the escaped length into reserved space, rather than one write per run or byte.
            writeWithUnsafeMutableBytes(minimumWritableBytes: count) { out in
                let hex: StaticString = "0123456789ABCDEF"
                var index = 0
                func put(_ byte: UInt8) {
                    out[index] = byte
                    index += 1
                }
                put(UInt8(ascii: "\""))
                for byte in bytes {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(byte)
                    case 0x08: put(UInt8(ascii: "\\")); put(UInt8(ascii: "b"))
                    case 0x0C: put(UInt8(ascii: "\\")); put(UInt8(ascii: "f"))
                    case 0x0A: put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
                    case 0x0D: put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
                    case 0x09: put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
                    case 0..<0x20:
                        put(UInt8(ascii: "\\")); put(UInt8(ascii: "u")); put(UInt8(ascii: "0")); put(UInt8(ascii: "0"))
                        put(hex.utf8Start[Int(byte >> 4)])
                        put(hex.utf8Start[Int(byte & 0x0F)])
                    default: put(byte)
                    }
                }
                put(UInt8(ascii: "\""))
                return index
            }
        }
    }

    /// How many bytes `byte` takes in a JSON string as ``writeJSONString(_:)`` escapes it.
    private static func escapedLength(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x0C, 0x0A, 0x0D, 0x09: return 2
        case 0..<0x20: return 6
        default: return 1
        }
    }
}
