import Store

/// One change of POP state as the pop-state log stores it (see `PopStateLog` for the files around it).
///
/// Every record sets a value outright (never "add one"), so replaying a record whose effect is already in a snapshot
/// leaves the state unchanged; recovery relies on that when a snapshot and its log overlap after a failed append.
///
/// Frame, little-endian: `u32 payloadLength`, `u32 crc32(payload)` (IEEE, as `java.util.zip.CRC32`), then the
/// payload: `u8 type` and the fields below. A queue is `str group, str topic, i32 queueId`; `str` is `u16 length` +
/// UTF-8; a checkpoint key is `queue, i64 startOffset, i64 popTime`.
///
/// | type | record | fields after the type byte |
/// |---|---|---|
/// | 1 | `offset` | queue, `i64` next offset to pop |
/// | 2 | `checkpoint` | key, `i64` invisibleTime, `i32` reviveQueueId, `i32` reviveAttempts, `u32` ack bitmap, `u8` n, n × `i64` queue offsets |
/// | 3 | `acked` | key, `u32` ack bitmap (the whole bitmap, not the newly acked bits) |
/// | 4 | `removed` | key |
/// | 5 | `snapshotEnd` | `u64` number of records before it (snapshot files only) |
enum PopStateRecord: Sendable, Equatable {
    case offset(PopQueueKey, Int64)
    case checkpoint(PopCheckpoint)
    case acked(PopCheckpointKey, bits: UInt32)
    case removed(PopCheckpointKey)
    case snapshotEnd(recordCount: UInt64)

    /// Bytes of the length and CRC fields in front of each payload.
    static let frameHeaderBytes = 8
    /// Largest payload a reader accepts; anything longer is a torn or foreign frame (a 32-offset checkpoint with
    /// two 64 KiB names is far below it).
    static let maxPayloadBytes = 1 << 20

    private enum Kind: UInt8 {
        case offset = 1, checkpoint, acked, removed, snapshotEnd
    }

    // MARK: Encoding

    /// Appends this record, framed, to `bytes`.
    func encode(into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        switch self {
        case let .offset(queue, offset):
            bytes.append(Kind.offset.rawValue)
            Self.put(queue, into: &bytes)
            Self.put(offset, into: &bytes)
        case let .checkpoint(checkpoint):
            bytes.append(Kind.checkpoint.rawValue)
            Self.put(checkpoint.key, into: &bytes)
            Self.put(checkpoint.invisibleTime, into: &bytes)
            Self.put(checkpoint.reviveQueueId, into: &bytes)
            Self.put(checkpoint.reviveAttempts, into: &bytes)
            Self.put(checkpoint.ackedBits, into: &bytes)
            bytes.append(UInt8(checkpoint.queueOffsets.count))
            for offset in checkpoint.queueOffsets { Self.put(offset, into: &bytes) }
        case let .acked(key, bits):
            bytes.append(Kind.acked.rawValue)
            Self.put(key, into: &bytes)
            Self.put(bits, into: &bytes)
        case let .removed(key):
            bytes.append(Kind.removed.rawValue)
            Self.put(key, into: &bytes)
        case let .snapshotEnd(count):
            bytes.append(Kind.snapshotEnd.rawValue)
            Self.put(count, into: &bytes)
        }
        let payloadCount = bytes.count - start - Self.frameHeaderBytes
        let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 8)...])) }
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt32(payloadCount).littleEndian, toByteOffset: start, as: UInt32.self)
            raw.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self)
        }
    }

    private static func put<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func put(_ text: String, into bytes: inout [UInt8]) {
        let utf8 = Array(text.utf8.prefix(Int(UInt16.max)))
        put(UInt16(utf8.count), into: &bytes)
        bytes.append(contentsOf: utf8)
    }

    private static func put(_ queue: PopQueueKey, into bytes: inout [UInt8]) {
        put(queue.group, into: &bytes)
        put(queue.topic, into: &bytes)
        put(queue.queueId, into: &bytes)
    }

    private static func put(_ key: PopCheckpointKey, into bytes: inout [UInt8]) {
        put(key.queue, into: &bytes)
        put(key.startOffset, into: &bytes)
        put(key.popTime, into: &bytes)
    }

    // MARK: Decoding

    /// The records framed in `bytes`, in order, and how many bytes they span. Stops at the first frame that is
    /// incomplete, fails its CRC or does not decode: a torn tail (or garbage after it) ends the valid prefix.
    static func decodeAll(_ bytes: [UInt8]) -> (records: [PopStateRecord], validBytes: Int) {
        var records: [PopStateRecord] = []
        var position = 0
        bytes.withUnsafeBytes { raw in
            while raw.count - position >= frameHeaderBytes {
                let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                let crc = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self))
                let start = position + frameHeaderBytes
                guard length > 0, length <= maxPayloadBytes, raw.count - start >= length else { return }
                let payload = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                guard CRC32.checksum(payload) == crc else { return }
                var reader = Reader(bytes: payload)
                guard let record = decode(&reader), reader.isAtEnd else { return }
                records.append(record)
                position = start + length
            }
        }
        return (records, position)
    }

    private static func decode(_ reader: inout Reader) -> PopStateRecord? {
        guard let kind = reader.integer(UInt8.self).flatMap(Kind.init(rawValue:)) else { return nil }
        switch kind {
        case .offset:
            guard let queue = reader.queue(), let offset = reader.integer(Int64.self) else { return nil }
            return .offset(queue, offset)
        case .checkpoint:
            guard let key = reader.checkpointKey(), let invisibleTime = reader.integer(Int64.self),
                  let reviveQueueId = reader.integer(Int32.self), let attempts = reader.integer(Int32.self),
                  let bits = reader.integer(UInt32.self), let count = reader.integer(UInt8.self), count <= 32
            else { return nil }
            var offsets: [Int64] = []
            offsets.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let offset = reader.integer(Int64.self) else { return nil }
                offsets.append(offset)
            }
            return .checkpoint(PopCheckpoint(key: key, invisibleTime: invisibleTime, reviveQueueId: reviveQueueId,
                                             queueOffsets: offsets, ackedBits: bits, reviveAttempts: attempts))
        case .acked:
            guard let key = reader.checkpointKey(), let bits = reader.integer(UInt32.self) else { return nil }
            return .acked(key, bits: bits)
        case .removed:
            return reader.checkpointKey().map { .removed($0) }
        case .snapshotEnd:
            return reader.integer(UInt64.self).map { .snapshotEnd(recordCount: $0) }
        }
    }

    /// Bounds-checked little-endian cursor over one payload.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count - position >= MemoryLayout<T>.size else { return nil }
            defer { position += MemoryLayout<T>.size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
        }

        mutating func string() -> String? {
            guard let length = integer(UInt16.self).map(Int.init), bytes.count - position >= length else { return nil }
            defer { position += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)]),
                          as: UTF8.self)
        }

        mutating func queue() -> PopQueueKey? {
            guard let group = string(), let topic = string(), let queueId = integer(Int32.self) else { return nil }
            return PopQueueKey(group: group, topic: topic, queueId: queueId)
        }

        mutating func checkpointKey() -> PopCheckpointKey? {
            guard let queue = queue(), let startOffset = integer(Int64.self), let popTime = integer(Int64.self)
            else { return nil }
            return PopCheckpointKey(queue: queue, startOffset: startOffset, popTime: popTime)
        }
    }
}
