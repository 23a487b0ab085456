import Logging
import Synchronization

/// The index of one topic/queue: 20-byte units in segment files under `consumequeue/<topic>/<queueId>/`.
///
/// Written only by the dispatcher thread (and by recovery/retention before/while it is paused by `writeLock`);
/// read from any thread through `unit(at:)`.
final class ConsumeQueue: Sendable {
    let topic: String
    let queueId: Int32
    let files: MappedFileQueue
    /// First readable queue offset (`minLogicOffset / 20`).
    let minOffsetStorage = Atomic<Int64>(0)
    /// End (offset + size) of the newest record indexed here; re-dispatch below it is skipped.
    let maxPhysicalOffset = Atomic<Int64>(-1)
    /// Serialises writers: the dispatcher, recovery truncation and retention.
    let writeLock = Mutex(())

    init(topic: String, queueId: Int32, rootDirectory: String, fileSize: Int) {
        self.topic = topic
        self.queueId = queueId
        files = MappedFileQueue(directory: rootDirectory + "/" + topic + "/" + String(queueId), fileSize: fileSize)
    }

    var unitsPerFile: Int64 { Int64(files.fileSize / ConsumeQueueFormat.unitSize) }
    var maxOffset: Int64 { files.maxOffset / Int64(ConsumeQueueFormat.unitSize) }
    var minOffset: Int64 { max(minOffsetStorage.load(ordering: .acquiring), files.minOffset / 20) }

    /// The unit at `offset`, nil when it is not written or its segment is gone.
    func unit(at offset: Int64) -> ConsumeQueueUnit? {
        let byteOffset = offset * Int64(ConsumeQueueFormat.unitSize)
        guard offset >= 0, let file = files.file(containing: byteOffset) else { return nil }
        let position = Int(byteOffset - file.startOffset)
        guard position + ConsumeQueueFormat.unitSize <= file.wrotePosition.load(ordering: .acquiring) else { return nil }
        return ConsumeQueueFormat.read(file.base + position)
    }

    /// Writes the unit for `queueOffset` (`putMessagePositionInfo`). Idempotent: a unit already present, or a
    /// record at or below `maxPhysicalOffset`, is skipped. A queue whose first unit is not at 0 gets blank units.
    /// - Returns: false when a segment could not be created or its blocks reserved (a full disk); the dispatcher
    ///   then retries the same record later.
    @discardableResult
    /// - Throws: `StoreError` when a segment cannot be created or its blocks reserved (`noSpace` for a full disk);
    ///   nothing was written then, so the call can be repeated.
    func put(_ unit: ConsumeQueueUnit, queueOffset: Int64) throws(StoreError) {
        try writeLock.withLock { _ throws(StoreError) in
            if unit.physicalOffset + Int64(unit.size) <= maxPhysicalOffset.load(ordering: .relaxed) { return }
            let expected = queueOffset * Int64(ConsumeQueueFormat.unitSize)
            var current = files.maxOffset
            if files.last == nil {
                let start = expected - expected % Int64(files.fileSize)
                _ = try files.appendFile(startOffset: start)
                current = start
                if expected > start { minOffsetStorage.store(queueOffset, ordering: .releasing) }
            }
            if expected < current { return }
            while current < expected {
                try writeUnit(.blank, at: current)
                current += Int64(ConsumeQueueFormat.unitSize)
            }
            try writeUnit(unit, at: expected)
            maxPhysicalOffset.store(unit.physicalOffset + Int64(unit.size), ordering: .releasing)
        }
    }

    private func writeUnit(_ unit: ConsumeQueueUnit, at byteOffset: Int64) throws(StoreError) {
        var file = files.last!
        if file.isFull {
            file = try files.appendFile(startOffset: file.endOffset)
        }
        let position = Int(byteOffset - file.startOffset)
        // A segment loaded at start-up has nothing counted as reserved: reserve before storing through the mapping.
        try file.reserve(through: position + ConsumeQueueFormat.unitSize, ahead: file.size)
        ConsumeQueueFormat.write(unit, to: file.base + position)
        file.wrotePosition.store(position + ConsumeQueueFormat.unitSize, ordering: .releasing)
    }

    /// Loads the segments and finds the end of valid units (`ConsumeQueue#recover`): units with offset >= 0 and
    /// size > 0; everything after the first invalid unit is dropped.
    func recover() throws(StoreError) {
        try files.load()
        let all = files.all
        var end: Int64 = all.first?.startOffset ?? 0
        var maxPhysical: Int64 = -1
        var firstValid: Int64?
        scan: for file in all {
            var position = 0
            while position + ConsumeQueueFormat.unitSize <= file.size {
                let unit = ConsumeQueueFormat.read(file.base + position)
                guard unit.physicalOffset >= 0, unit.size > 0 else { break scan }
                if unit != .blank {
                    maxPhysical = unit.physicalOffset + Int64(unit.size)
                    if firstValid == nil { firstValid = (file.startOffset + Int64(position)) / 20 }
                }
                position += ConsumeQueueFormat.unitSize
                end = file.startOffset + Int64(position)
            }
        }
        files.truncate(to: end)
        maxPhysicalOffset.store(maxPhysical, ordering: .releasing)
        minOffsetStorage.store(firstValid ?? end / 20, ordering: .releasing)
    }

    /// Drops units pointing at or past `physicalOffset` (`truncateDirtyLogicFiles`).
    func truncate(toPhysicalOffset physicalOffset: Int64) {
        writeLock.withLock { _ in
            guard maxPhysicalOffset.load(ordering: .relaxed) > physicalOffset else { return }
            var offset = maxOffset
            var newMaxPhysical: Int64 = -1
            while offset > minOffset, let unit = unit(at: offset - 1) {
                if unit.physicalOffset < physicalOffset && unit != .blank {
                    newMaxPhysical = unit.physicalOffset + Int64(unit.size)
                    break
                }
                offset -= 1
            }
            files.truncate(to: offset * Int64(ConsumeQueueFormat.unitSize))
            maxPhysicalOffset.store(newMaxPhysical, ordering: .releasing)
        }
    }

    /// Retention: deletes leading segments whose last unit points below `commitLogMinOffset` (keeping the last
    /// segment) and moves the min offset to the first unit at or above it (`CorrectLogicOffsetService`).
    func deleteExpired(commitLogMinOffset: Int64) {
        writeLock.withLock { _ in
            while files.all.count > 1, let first = files.first {
                let lastUnit = ConsumeQueueFormat.read(first.base + first.size - ConsumeQueueFormat.unitSize)
                guard lastUnit.physicalOffset < commitLogMinOffset else { break }
                files.removeFirst()
            }
            var offset = minOffset
            let end = maxOffset
            while offset < end, let unit = unit(at: offset),
                  unit == .blank || unit.physicalOffset < commitLogMinOffset {
                offset += 1
            }
            minOffsetStorage.store(offset, ordering: .releasing)
        }
    }

    func flush() {
        files.flushAll()
    }
}
