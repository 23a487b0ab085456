/// One pending timer message: when it fires and where its `rmq_sys_wheel_timer` record sits in the commit log.
/// 16 bytes, so a million pending messages cost about 16 MB.
public struct TimerEntry: Sendable, Equatable {
    /// Firing time in ms since the epoch; a multiple of the wheel's precision (1 s), never before the due time.
    public var deliverMilliseconds: Int64
    /// Commit-log offset of the parked record.
    public var physicalOffset: Int64

    public init(deliverMilliseconds: Int64, physicalOffset: Int64) {
        self.deliverMilliseconds = deliverMilliseconds
        self.physicalOffset = physicalOffset
    }
}

/// A hashed timing wheel with 1-second slots over a window of `slotCount` seconds, plus a min-heap for entries beyond
/// the window (RocketMQ's timer "roll" in memory form).
///
/// Slot `s mod slotCount` holds exactly the entries firing in second `s` for `s` in `[cursorSecond, cursorSecond +
/// slotCount)`. Advancing one second empties one slot and moves the overflow entries that entered the window, so a
/// tick costs O(entries due + entries entering the window), never a scan of everything pending.
///
/// A value type with no locking: its owner (`TimerMessageService`) keeps it behind a `Mutex`.
public struct TimerWheel: Sendable {
    /// Milliseconds per slot.
    public static let precisionMilliseconds: Int64 = 1000

    private var slots: [[TimerEntry]]
    private var overflow = TimerEntryHeap()
    /// The next second to fire; every second before it has been handed out.
    public private(set) var cursorSecond: Int64
    /// Seconds covered by the wheel proper.
    public var slotCount: Int { slots.count }
    /// Entries held (wheel and overflow).
    public private(set) var count = 0

    /// - Parameters:
    ///   - slotCount: seconds covered by the wheel proper (default one hour); later entries wait in the overflow heap.
    ///   - startMilliseconds: the wall-clock time the wheel starts at. Seconds up to and including the one it falls
    ///     in count as fired (entries for them are due now), so the first second fired is the next one.
    public init(slotCount: Int = 3600, startMilliseconds: Int64) {
        precondition(slotCount > 0, "a timer wheel needs at least one slot")
        slots = Array(repeating: [], count: slotCount)
        cursorSecond = startMilliseconds / Self.precisionMilliseconds + 1
    }

    /// The second an entry fires in: its deliver time rounded up to the precision.
    public static func second(ofDeliverTime milliseconds: Int64) -> Int64 {
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: precisionMilliseconds)
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// Adds `entry`. - Returns: false (and keeps nothing) when its second has already been fired: the caller
    /// delivers it at once.
    public mutating func insert(_ entry: TimerEntry) -> Bool {
        let second = Self.second(ofDeliverTime: entry.deliverMilliseconds)
        guard second >= cursorSecond else { return false }
        count += 1
        if second < cursorSecond + Int64(slots.count) {
            slots[slotIndex(second)].append(entry)
        } else {
            overflow.push(entry)
        }
        return true
    }

    /// Fires every second up to and including the one `nowMilliseconds` falls in, appending the entries to `due`.
    ///
    /// After a long pause (a restart) this walks the missed seconds one by one: O(seconds missed), cheap even for
    /// days. Entries are returned in firing order across seconds, in insertion order within one.
    public mutating func advance(to nowMilliseconds: Int64, into due: inout [TimerEntry]) {
        let nowSecond = nowMilliseconds / Self.precisionMilliseconds
        while cursorSecond <= nowSecond {
            if count == 0 {
                // Nothing pending anywhere: jump instead of walking empty slots.
                cursorSecond = nowSecond + 1
                return
            }
            let index = slotIndex(cursorSecond)
            if !slots[index].isEmpty {
                due.append(contentsOf: slots[index])
                count -= slots[index].count
                slots[index].removeAll(keepingCapacity: slots[index].count <= 1024)
            }
            cursorSecond += 1
            refillFromOverflow()
        }
    }

    /// Moves overflow entries whose second entered the window `[cursorSecond, cursorSecond + slotCount)`.
    private mutating func refillFromOverflow() {
        let windowEnd = cursorSecond + Int64(slots.count)
        while let first = overflow.first, Self.second(ofDeliverTime: first.deliverMilliseconds) < windowEnd {
            _ = overflow.pop()
            let second = Self.second(ofDeliverTime: first.deliverMilliseconds)
            // An overflow entry can only be behind the cursor if the window jumped; fire it in the current slot.
            slots[slotIndex(max(second, cursorSecond))].append(first)
        }
    }

    private func slotIndex(_ second: Int64) -> Int {
        Int(second % Int64(slots.count))
    }
}

/// Binary min-heap of timer entries ordered by deliver time.
struct TimerEntryHeap: Sendable {
    private var storage: [TimerEntry] = []

    var first: TimerEntry? { storage.first }
    var count: Int { storage.count }

    mutating func push(_ entry: TimerEntry) {
        storage.append(entry)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child].deliverMilliseconds < storage[parent].deliverMilliseconds else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> TimerEntry? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let result = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < storage.count, storage[left].deliverMilliseconds < storage[smallest].deliverMilliseconds {
                smallest = left
            }
            if right < storage.count, storage[right].deliverMilliseconds < storage[smallest].deliverMilliseconds {
                smallest = right
            }
            if smallest == parent { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return result
    }
}
