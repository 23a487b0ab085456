import Synchronization

/// One hash index file (broker-internals §1.6): 40-byte header, `slotCount` 4-byte slots, `maxEntries` 20-byte
/// entries. Entry 0 is never used so a slot value of 0 means "empty".
///
/// Not thread-safe on its own: `IndexService` serialises access.
// Safe: every IndexFile is only read or written inside `IndexService.state`'s lock.
final class IndexFile: @unchecked Sendable {
    static let headerSize = 40
    static let entrySize = 20

    let file: MappedFile
    let slotCount: Int
    let maxEntries: Int

    init(file: MappedFile, slotCount: Int, maxEntries: Int) {
        self.file = file
        self.slotCount = slotCount
        self.maxEntries = maxEntries
    }

    static func size(slotCount: Int, maxEntries: Int) -> Int { headerSize + slotCount * 4 + maxEntries * entrySize }

    private func int64(_ position: Int) -> Int64 { Int64(bigEndian: file.base.loadUnaligned(fromByteOffset: position, as: Int64.self)) }
    private func int32(_ position: Int) -> Int32 { Int32(bigEndian: file.base.loadUnaligned(fromByteOffset: position, as: Int32.self)) }
    private func set(_ value: Int64, _ position: Int) { file.base.storeBytes(of: value.bigEndian, toByteOffset: position, as: Int64.self) }
    private func set(_ value: Int32, _ position: Int) { file.base.storeBytes(of: value.bigEndian, toByteOffset: position, as: Int32.self) }

    var beginTimestamp: Int64 { int64(0) }
    var endTimestamp: Int64 { int64(8) }
    var beginPhysicalOffset: Int64 { int64(16) }
    var endPhysicalOffset: Int64 { int64(24) }
    var hashSlotCount: Int32 { int32(32) }
    /// Next entry number; starts at 1.
    var indexCount: Int32 { max(1, int32(36)) }
    var isFull: Bool { Int(indexCount) >= maxEntries }

    /// Starts a fresh file whose begin values continue from the previous file's ends.
    func initializeHeader(beginTimestamp: Int64, beginPhysicalOffset: Int64) {
        set(beginTimestamp, 0)
        set(beginTimestamp, 8)
        set(beginPhysicalOffset, 16)
        set(beginPhysicalOffset, 24)
        set(Int32(0), 32)
        set(Int32(1), 36)
    }

    /// `|String.hashCode(key)|`, 0 on overflow.
    static func keyHash(_ key: String) -> Int32 {
        let hash = TagsCode.javaHashCode(key)
        return hash == Int32.min ? 0 : abs(hash)
    }

    /// Reserves the blocks of the next `entries` entries (1 MiB ahead at a time) so `put` never stores into an
    /// unbacked page of the mapping, which raises SIGBUS on a full disk. Slots lie below the entries, so they are
    /// covered too (a file loaded at start-up has nothing counted as reserved).
    func reserve(entries: Int) throws(StoreError) {
        let last = min(maxEntries, Int(indexCount) + entries)
        try file.reserve(through: Self.headerSize + slotCount * 4 + last * Self.entrySize, ahead: 1 << 20)
    }

    /// Adds an entry; false when the file is full. Call `reserve(entries:)` first.
    func put(key: String, physicalOffset: Int64, storeTimestamp: Int64) -> Bool {
        let count = Int(indexCount)
        guard count < maxEntries else { return false }
        let hash = Self.keyHash(key)
        let slotPosition = Self.headerSize + Int(hash) % slotCount * 4
        var previous = int32(slotPosition)
        if previous < 0 || Int(previous) >= count { previous = 0 }
        if count == 1 && hashSlotCount == 0 && beginPhysicalOffset == endPhysicalOffset {
            set(storeTimestamp, 0)
            set(physicalOffset, 16)
        }
        let timeDifference = max(0, min(Int64(Int32.max), (storeTimestamp - beginTimestamp) / 1000))
        let entryPosition = Self.headerSize + slotCount * 4 + count * Self.entrySize
        set(hash, entryPosition)
        set(physicalOffset, entryPosition + 4)
        set(Int32(timeDifference), entryPosition + 12)
        set(previous, entryPosition + 16)
        // Count before slot, end offset last: a process killed between any two stores leaves no slot pointing past
        // the count (which would cut that slot's chain off on the next put), and at worst an entry recovery adds again.
        set(Int32(count + 1), 36)
        set(Int32(count), slotPosition)
        if previous == 0 { set(hashSlotCount + 1, 32) }
        set(storeTimestamp, 8)
        set(physicalOffset, 24)
        file.wrotePosition.store(entryPosition + Self.entrySize, ordering: .releasing)
        return true
    }

    /// Physical offsets of entries for `key` stored within `[begin, end]` ms, newest first, at most `maxCount`.
    func query(key: String, maxCount: Int, begin: Int64, end: Int64) -> [Int64] {
        let hash = Self.keyHash(key)
        let slotPosition = Self.headerSize + Int(hash) % slotCount * 4
        let count = Int(indexCount)
        var entry = Int(int32(slotPosition))
        var result: [Int64] = []
        var steps = 0
        let base = beginTimestamp
        while entry > 0, entry < count, result.count < maxCount, steps < count {
            steps += 1
            let position = Self.headerSize + slotCount * 4 + entry * Self.entrySize
            let timestamp = base + Int64(int32(position + 12)) * 1000
            if timestamp < begin.subtractingSaturated(999) { break }
            if int32(position) == hash && timestamp <= end { result.append(int64(position + 4)) }
            let previous = Int(int32(position + 16))
            if previous >= entry { break }
            entry = previous
        }
        return result
    }
}
