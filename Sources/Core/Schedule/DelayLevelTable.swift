/// The delay of each RocketMQ delay level, parsed from `messageDelayLevel` (broker-internals §7.1).
///
/// Level `n` (1-based) is the n-th space-separated token; units `s`, `m`, `h`, `d`. Levels above the highest clamp to
/// it. `SCHEDULE_TOPIC_XXXX` holds level `n` in queue `n - 1`.
public struct DelayLevelTable: Sendable, Equatable {
    /// RocketMQ's default `messageDelayLevel`.
    public static let defaultLevels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"

    /// Delay in ms of level `index + 1`.
    public let delaysMilliseconds: [Int64]

    /// The highest level.
    public var maxLevel: Int32 { Int32(delaysMilliseconds.count) }

    /// Parses a `messageDelayLevel` string. - Returns: nil when a token is malformed or there is none.
    public init?(parsing text: String) {
        var delays: [Int64] = []
        for token in text.split(separator: " ", omittingEmptySubsequences: true) {
            guard let unit = token.last, let value = Int64(token.dropLast()), value >= 0 else { return nil }
            let factor: Int64
            switch unit {
            case "s": factor = 1000
            case "m": factor = 60_000
            case "h": factor = 3_600_000
            case "d": factor = 86_400_000
            default: return nil
            }
            delays.append(value * factor)
        }
        guard !delays.isEmpty else { return nil }
        delaysMilliseconds = delays
    }

    /// The default 18 levels.
    public static let standard = DelayLevelTable(parsing: defaultLevels)!

    /// `level` clamped into `1...maxLevel` (callers only pass levels > 0).
    public func clamp(_ level: Int32) -> Int32 { min(max(level, 1), maxLevel) }

    /// Delay in ms of `level` (clamped).
    public func delay(ofLevel level: Int32) -> Int64 { delaysMilliseconds[Int(clamp(level)) - 1] }

    /// The `SCHEDULE_TOPIC_XXXX` queue of `level` (clamped).
    public func queueId(ofLevel level: Int32) -> Int32 { clamp(level) - 1 }
}
