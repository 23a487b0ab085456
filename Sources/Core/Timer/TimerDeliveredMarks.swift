/// Which `rmq_sys_wheel_timer` queue offsets at or above the checkpoint have been delivered: one bit per offset over
/// `[lowestUndelivered, end)`, so a message stuck far in the future costs one bit per later message, not an entry.
///
/// `lowestUndelivered` is the timer checkpoint: everything below it has been delivered. A value type; its owner
/// locks it.
struct TimerDeliveredMarks: Sendable {
    /// Queue offset of bit 0 of `words[head]`; bits below `lowestUndelivered` are never read.
    private var base: Int64
    private var words: [UInt64] = []
    /// Index of the first live word (dropped words are compacted lazily).
    private var head = 0
    /// The lowest offset not yet delivered (the checkpoint).
    private(set) var lowestUndelivered: Int64

    init(start: Int64) {
        base = start - start % 64
        lowestUndelivered = start
    }

    /// Records that `offset` was delivered and moves the checkpoint over every delivered offset.
    mutating func markDelivered(_ offset: Int64) {
        guard offset >= lowestUndelivered else { return }
        setBit(offset)
        advanceLowest()
    }

    /// Treats everything below `offset` as delivered (records that no longer exist in the queue).
    mutating func skip(below offset: Int64) {
        guard offset > lowestUndelivered else { return }
        for value in lowestUndelivered..<offset { setBit(value) }
        advanceLowest()
    }

    private mutating func setBit(_ offset: Int64) {
        let wordIndex = head + Int((offset - base) / 64)
        while wordIndex >= words.count { words.append(0) }
        words[wordIndex] |= 1 << UInt64((offset - base) % 64)
    }

    private func isSet(_ offset: Int64) -> Bool {
        let wordIndex = head + Int((offset - base) / 64)
        guard wordIndex < words.count else { return false }
        return words[wordIndex] & (1 << UInt64((offset - base) % 64)) != 0
    }

    private mutating func advanceLowest() {
        while true {
            let wordIndex = head + Int((lowestUndelivered - base) / 64)
            if wordIndex < words.count, words[wordIndex] == .max, (lowestUndelivered - base) % 64 == 0 {
                lowestUndelivered += 64
                continue
            }
            guard isSet(lowestUndelivered) else { break }
            lowestUndelivered += 1
        }
        // Drop fully-passed words; compact the array when more than half of it is dead.
        while head < words.count, base + 64 <= lowestUndelivered {
            head += 1
            base += 64
        }
        if head >= words.count {
            // Every word passed: restart the window at the checkpoint (bits below it are never read).
            words.removeAll(keepingCapacity: true)
            head = 0
            base = lowestUndelivered - lowestUndelivered % 64
        } else if head > 1024, head * 2 > words.count {
            words.removeFirst(head)
            head = 0
        }
    }
}
