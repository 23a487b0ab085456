public import NIOCore

/// Builds raw remoting frames for tests, bypassing Tern's encoder so malformed input can be expressed.
public enum FrameBuilder {
    /// Bytes from hex text; whitespace and newlines are ignored. Nil on any other character.
    public static func bytes(hex: String) -> [UInt8]? {
        var digits = Array(hex.lowercased().utf8)
        digits.removeAll { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard digits.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            result.append(high << 4 | low)
            index += 2
        }
        return result
    }

    /// A buffer holding the bytes of `hex` (empty when the hex text is invalid).
    public static func buffer(hex: String) -> ByteBuffer {
        ByteBuffer(bytes: bytes(hex: hex) ?? [])
    }

    /// A frame with the given raw header text (serialize type 0) and body.
    public static func jsonFrame(header: String, body: [UInt8] = []) -> ByteBuffer {
        frame(serializeType: 0, header: Array(header.utf8), body: body)
    }

    /// A frame with explicit serialize-type byte, header bytes and body.
    public static func frame(serializeType: UInt8, header: [UInt8], body: [UInt8] = []) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(4 + header.count + body.count))
        buffer.writeInteger(UInt32(serializeType) << 24 | UInt32(header.count))
        buffer.writeBytes(header)
        buffer.writeBytes(body)
        return buffer
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return character - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
