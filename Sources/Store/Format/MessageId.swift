/// Offset message ids (remoting-protocol §4.3): uppercase hex of store IP (4|16) + port (int32) + physical offset.
public enum MessageId {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `7F00000100002A9F0000000000000000` for 127.0.0.1:10911 at offset 0; 56 characters for IPv6.
    public static func offsetMessageId(storeHost: HostAddress, physicalOffset: PhysicalOffset) -> String {
        // Written straight into the string's storage: this runs for every message stored.
        let address = storeHost.addressBytes
        let port = UInt32(bitPattern: storeHost.port)
        let offset = UInt64(bitPattern: physicalOffset.rawValue)
        let count = (address.count + 4 + 8) * 2
        return String(unsafeUninitializedCapacity: count) { characters in
            var index = 0
            func put(_ byte: UInt8) {
                characters[index] = hexDigits[Int(byte >> 4)]
                characters[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            for byte in address { put(byte) }
            for shift in stride(from: 24, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: port >> shift)) }
            for shift in stride(from: 56, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: offset >> shift)) }
            return count
        }
    }

    /// Splits an offset message id back into store host and physical offset; nil unless it has 32 (IPv4) or 56
    /// (IPv6) hex digits. Lowercase digits are accepted.
    public static func decodeOffsetMessageId(_ id: String) -> (HostAddress, PhysicalOffset)? {
        let utf8 = Array(id.utf8)
        guard utf8.count == 32 || utf8.count == 56 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        let addressCount = utf8.count == 32 ? 4 : 16
        var port: UInt32 = 0
        for byte in bytes[addressCount..<addressCount + 4] { port = port << 8 | UInt32(byte) }
        var offset: UInt64 = 0
        for byte in bytes[(addressCount + 4)...] { offset = offset << 8 | UInt64(byte) }
        let host = HostAddress(addressBytes: Array(bytes[0..<addressCount]), port: Int32(bitPattern: port))
        return (host, PhysicalOffset(Int64(bitPattern: offset)))
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
