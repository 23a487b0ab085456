/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bit-identical to `java.util.zip.CRC32`.
///
/// Pure Swift slicing-by-8: eight 256-entry tables let the inner loop consume 8 bytes per step. Store may not link
/// zlib, and this runs on the put path for every body, so it must be fast without C.
public enum CRC32 {
    /// `tables[k][b]` is the CRC of byte `b` followed by `k` zero bytes.
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            table[byte] = crc
        }
        for byte in 0..<256 {
            var crc = table[byte]
            for slice in 1..<8 {
                crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
                table[slice * 256 + byte] = crc
            }
        }
        return table
    }()

    /// The CRC-32 of `bytes`, continuing from `initial` (the result of a previous call, or 0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var crc = ~initial
        guard var pointer = bytes.baseAddress, !bytes.isEmpty else { return initial }
        var remaining = bytes.count
        tables.withUnsafeBufferPointer { tablePointer in
            let t = tablePointer.baseAddress!
            while remaining >= 8 {
                let low = UInt32(littleEndian: pointer.loadUnaligned(as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: pointer.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                pointer += 8
                remaining -= 8
            }
            while remaining > 0 {
                crc = t[Int((crc ^ UInt32(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        return ~crc
    }

    /// The CRC-32 of a byte array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// RocketMQ's BODYCRC value: `UtilAll.crc32(body)`, i.e. the CRC-32 masked with `0x7FFFFFFF`.
    public static func bodyCRC(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        Int32(bitPattern: checksum(bytes) & 0x7FFF_FFFF)
    }
}
