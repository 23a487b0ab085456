/// Base64 (RFC 4648) for the two POP encodings that need it without Foundation: Java `BitSet` bytes in
/// BATCH_ACK bodies (standard alphabet, padded) and gateway receipt handles (URL-safe alphabet, unpadded).
enum PopBase64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8], urlSafe useURLSafe: Bool = false) -> String {
        let alphabet = useURLSafe ? urlSafe : standard
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(triple >> 18 & 0x3F)])
            output.append(alphabet[Int(triple >> 12 & 0x3F)])
            if remaining > 1 { output.append(alphabet[Int(triple >> 6 & 0x3F)]) } else if !useURLSafe { output.append(61) }
            if remaining > 2 { output.append(alphabet[Int(triple & 0x3F)]) } else if !useURLSafe { output.append(61) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes either alphabet, padded or not; nil on any other character or an impossible length.
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(UInt32(byte - UInt8(ascii: "A")))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(UInt32(byte - UInt8(ascii: "a") + 26))
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(UInt32(byte - UInt8(ascii: "0") + 52))
            case UInt8(ascii: "+"), UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "/"), UInt8(ascii: "_"): values.append(63)
            case UInt8(ascii: "="): continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            var triple: UInt32 = 0
            for (position, value) in chunk.enumerated() { triple |= value << (18 - 6 * UInt32(position)) }
            output.append(UInt8(triple >> 16 & 0xFF))
            if chunk.count > 2 { output.append(UInt8(triple >> 8 & 0xFF)) }
            if chunk.count > 3 { output.append(UInt8(triple & 0xFF)) }
            index += 4
        }
        return output
    }
}
