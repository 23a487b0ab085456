/// CRC-32 (IEEE 802.3, the polynomial of `java.util.zip.CRC32` and zlib), table-driven.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`, continuing from `initial` (the result of a previous call) if given.
    public static func checksum(_ bytes: some Sequence<UInt8>, continuing initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
    }

    /// RocketMQ's `UtilAll.crc32`: the CRC-32 with the sign bit cleared, as a Java `int`. Used for REGISTER_BROKER's
    /// `bodyCrc32` and for message BODYCRC.
    public static func rocketMQChecksum(_ bytes: some Sequence<UInt8>) -> Int32 {
        Int32(bitPattern: checksum(bytes) & 0x7FFF_FFFF)
    }
}
