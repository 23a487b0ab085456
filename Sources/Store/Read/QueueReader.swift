import NIOCore

/// The read path of `getMessage` (broker-internals §2.9), shared by every store implementation so the status
/// rules cannot drift apart. The caller supplies unit and record lookups.
enum QueueReader {
    /// Consume queue bytes scanned per call at most: `maxFilterMessageSize` 16000 B = 800 units.
    static let minimumScanUnits = 16_000 / 20

    /// Status and next offset when `offset` is outside `[min, max)`; nil when a scan is needed.
    static func precheck(offset: Int64, min: Int64, max: Int64) -> GetMessageResult? {
        func result(_ status: GetMessageStatus, _ next: Int64) -> GetMessageResult {
            GetMessageResult(status: status, nextBeginOffset: QueueOffset(next), minOffset: QueueOffset(min),
                             maxOffset: QueueOffset(max))
        }
        if max == 0 { return result(.noMessageInQueue, 0) }
        if offset < min { return result(.offsetTooSmall, min) }
        if offset == max { return result(.offsetOverflowOne, offset) }
        // RocketMQ 5.x corrects to maxOffset (4.x used minOffset when it was 0).
        if offset > max { return result(.offsetOverflowBadly, max) }
        return nil
    }

    /// Scans units from `offset`, applying the tag filter on the unit and the property filter on the record.
    /// - Parameters:
    ///   - unitAt: the unit at a queue offset, nil when it is not readable (deleted or not yet written).
    ///   - record: the record bytes for a unit, nil when the commit log no longer has them.
    static func scan(offset: Int64, min: Int64, max: Int64, maxCount: Int, maxBytes: Int,
                     filter: (any MessageFilter)?, unitAt: (Int64) -> ConsumeQueueUnit?,
                     record: (ConsumeQueueUnit) -> ByteBuffer?) -> GetMessageResult {
        if let early = precheck(offset: offset, min: min, max: max) { return early }
        var result = GetMessageResult(status: .noMessageInQueue, nextBeginOffset: QueueOffset(offset),
                                      minOffset: QueueOffset(min), maxOffset: QueueOffset(max))
        let scanLimit = Swift.max(minimumScanUnits, maxCount)
        var totalBytes = 0
        var current = offset
        while current < max && current - offset < Int64(scanLimit) {
            guard let unit = unitAt(current) else {
                if result.messages.isEmpty { result.status = .offsetFoundNull }
                break
            }
            if !result.messages.isEmpty
                && (result.messages.count >= maxCount || totalBytes + Int(unit.size) > maxBytes) { break }
            current += 1
            if let filter, !filter.isMatched(tagsCode: unit.tagsCode) {
                if result.messages.isEmpty { result.status = .noMatchedMessage }
                continue
            }
            guard let bytes = record(unit) else {
                if result.messages.isEmpty { result.status = .messageWasRemoving }
                continue
            }
            if let filter, filter.checksProperties {
                let properties = MessageRecord.decode(bytes, readBody: false)?.propertiesDictionary ?? [:]
                if !filter.isMatched(properties: properties) {
                    if result.messages.isEmpty { result.status = .noMatchedMessage }
                    continue
                }
            }
            result.messages.append(bytes)
            result.queueOffsets.append(QueueOffset(current - 1))
            totalBytes += bytes.readableBytes
        }
        if !result.messages.isEmpty { result.status = .found }
        result.nextBeginOffset = QueueOffset(current)
        return result
    }

    /// Binary search over `[min, max)` for the first offset stored at or after `timestamp` (`.lower`) or the last
    /// one stored at or before it (`.upper`). Returns `max` (lower) or `min` (upper) when there is no such offset.
    static func offset(forTimestamp timestamp: Int64, min: Int64, max: Int64, boundary: TimestampBoundary,
                       timestampAt: (Int64) -> Int64?) -> Int64 {
        var low = min
        var high = max - 1
        var found: Int64?
        while low <= high {
            let middle = low + (high - low) / 2
            guard let stored = timestampAt(middle) else { low = middle + 1; continue }
            switch boundary {
            case .lower:
                if stored >= timestamp { found = middle; high = middle - 1 } else { low = middle + 1 }
            case .upper:
                if stored <= timestamp { found = middle; low = middle + 1 } else { high = middle - 1 }
            }
        }
        return found ?? (boundary == .lower ? max : min)
    }
}
