import Core
import Testing

@Suite struct TimerWheelTests {
    /// `#expect` cannot wrap a mutating call directly.
    func insert(_ wheel: inout TimerWheel, _ entry: TimerEntry) -> Bool { wheel.insert(entry) }

    @Test func entriesFireInTheirSecondNeverBefore() {
        var wheel = TimerWheel(slotCount: 10, startMilliseconds: 1_000_000)
        #expect(insert(&wheel, TimerEntry(deliverMilliseconds: 1_002_000, physicalOffset: 1)))
        #expect(insert(&wheel, TimerEntry(deliverMilliseconds: 1_002_001, physicalOffset: 2)))  // fires at 1_003_000
        #expect(insert(&wheel, TimerEntry(deliverMilliseconds: 1_050_000, physicalOffset: 3)))  // beyond the window
        var due: [TimerEntry] = []
        wheel.advance(to: 1_001_999, into: &due)
        #expect(due.isEmpty)
        wheel.advance(to: 1_002_000, into: &due)
        #expect(due.map(\.physicalOffset) == [1])
        due.removeAll()
        wheel.advance(to: 1_002_999, into: &due)
        #expect(due.isEmpty)
        wheel.advance(to: 1_003_000, into: &due)
        #expect(due.map(\.physicalOffset) == [2])
        due.removeAll()
        wheel.advance(to: 1_049_999, into: &due)
        #expect(due.isEmpty)
        #expect(wheel.count == 1)
        wheel.advance(to: 1_050_000, into: &due)
        #expect(due.map(\.physicalOffset) == [3])
        #expect(wheel.count == 0)
    }

    @Test func entriesForAFiredSecondAreRefused() {
        var wheel = TimerWheel(slotCount: 10, startMilliseconds: 5_000)
        var due: [TimerEntry] = []
        wheel.advance(to: 7_000, into: &due)
        #expect(!insert(&wheel, TimerEntry(deliverMilliseconds: 6_500, physicalOffset: 1)))
        #expect(insert(&wheel, TimerEntry(deliverMilliseconds: 8_000, physicalOffset: 2)))
    }

    @Test(arguments: [1, 7, 60, 3600])
    func randomEntriesAllFireOnTimeWhateverTheWindow(slotCount: Int) {
        let start: Int64 = 1_700_000_000_123
        var wheel = TimerWheel(slotCount: slotCount, startMilliseconds: start)
        var generator = SystemRandomNumberGenerator()
        var expected: [Int64: Int64] = [:]
        for offset in 0..<5_000 {
            let deliver = start + 1 + Int64.random(in: 0..<120_000, using: &generator)
            expected[Int64(offset)] = deliver
            #expect(insert(&wheel, TimerEntry(deliverMilliseconds: deliver, physicalOffset: Int64(offset))))
        }
        var now = start
        var fired = 0
        while now < start + 122_000 {
            now += 250
            var due: [TimerEntry] = []
            wheel.advance(to: now, into: &due)
            for entry in due {
                let target = expected[entry.physicalOffset] ?? 0
                #expect(now >= target, "fired early")
                #expect(now - target < 1250, "fired late")
                fired += 1
            }
        }
        #expect(fired == 5_000)
    }
}
