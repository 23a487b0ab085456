/// A log-linear histogram of microsecond latencies: exact below 64 µs, then 32 sub-buckets per power of two
/// (about 3 % resolution), up to 2^40 µs. A small stand-in for HdrHistogram.
struct LatencyHistogram: Sendable {
    private static let subBucketBits = 5
    private static let linearLimit: UInt64 = 64
    private static let bucketCount = 64 + (40 - 6) * 32

    private var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var count: UInt64 = 0
    private(set) var sum: UInt64 = 0
    private(set) var max: UInt64 = 0

    mutating func record(microseconds value: UInt64) {
        counts[Self.index(of: value)] += 1
        count += 1
        sum &+= value
        if value > max { max = value }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices where other.counts[index] != 0 { counts[index] += other.counts[index] }
        count += other.count
        sum &+= other.sum
        max = Swift.max(max, other.max)
    }

    var mean: Double { count == 0 ? 0 : Double(sum) / Double(count) }

    /// The smallest bucket upper bound at or above the `fraction` quantile (0...1), in microseconds.
    func percentile(_ fraction: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = UInt64((Double(count) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for index in counts.indices {
            seen += counts[index]
            if seen >= Swift.max(rank, 1) { return Swift.min(Self.upperBound(of: index), max) }
        }
        return max
    }

    static func index(of value: UInt64) -> Int {
        if value < linearLimit { return Int(value) }
        let highest = 63 - value.leadingZeroBitCount
        guard highest < 40 else { return bucketCount - 1 }
        let shift = highest - subBucketBits
        return 64 + (highest - 6) * 32 + Int((value >> UInt64(shift)) - 32)
    }

    static func upperBound(of index: Int) -> UInt64 {
        if index < Int(linearLimit) { return UInt64(index) }
        let highest = (index - 64) / 32 + 6
        let sub = UInt64((index - 64) % 32 + 32)
        let shift = UInt64(highest - subBucketBits)
        return ((sub + 1) << shift) - 1
    }
}

/// Formats microseconds as milliseconds with two decimals.
func milliseconds(_ microseconds: UInt64) -> String { milliseconds(Double(microseconds)) }

func milliseconds(_ microseconds: Double) -> String {
    let hundredths = Int((microseconds / 10).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
