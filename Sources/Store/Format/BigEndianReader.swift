/// Bounds-checked big-endian reads over raw bytes; every read returns nil past `limit` instead of trapping,
/// because the bytes may come from a torn or corrupt file.
struct BigEndianReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    var limit: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
        self.limit = bytes.count
    }

    mutating func int8() -> Int8? {
        guard position + 1 <= limit else { return nil }
        defer { position += 1 }
        return Int8(bitPattern: bytes[position])
    }

    mutating func int16() -> Int16? {
        guard position + 2 <= limit else { return nil }
        defer { position += 2 }
        return Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int16.self))
    }

    mutating func int32() -> Int32? {
        guard position + 4 <= limit else { return nil }
        defer { position += 4 }
        return Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int32.self))
    }

    mutating func int64() -> Int64? {
        guard position + 8 <= limit else { return nil }
        defer { position += 8 }
        return Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: position, as: Int64.self))
    }

    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, position + count <= limit else { return nil }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func host(ipv6: Bool) -> HostAddress? {
        guard let address = bytes(ipv6 ? 16 : 4), let port = int32() else { return nil }
        return HostAddress(addressBytes: Array(address), port: port)
    }
}
