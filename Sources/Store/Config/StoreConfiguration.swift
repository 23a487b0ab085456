/// Settings of the store, with RocketMQ's `MessageStoreConfig` names and defaults (broker-internals §1-4).
///
/// | Key | Type / unit | Default |
/// |---|---|---|
/// | `storePathRootDir` | path | `$HOME/store` (the executable decides; `"./store"` here) |
/// | `mappedFileSizeCommitLog` | bytes | 1,073,741,824 (1 GiB) |
/// | `mappedFileSizeConsumeQueue` | bytes, multiple of 20 | 6,000,000 (300,000 units × 20 B) |
/// | `flushDiskType` | `.async` / `.sync` | `.async` (ASYNC_FLUSH) |
/// | `flushIntervalCommitLog` | Duration | 500 ms |
/// | `flushCommitLogLeastPages` | 4 KiB pages | 4 |
/// | `flushCommitLogThoroughInterval` | Duration | 10 s |
/// | `syncFlushTimeout` | Duration | 5 s |
/// | `maxMessageSize` | bytes (body) | 4,194,304 (4 MiB) |
/// | `fileReservedTime` | hours | 72 |
/// | `deleteWhen` | `;`-separated hours of day (local time) | `"04"` |
/// | `diskMaxUsedSpaceRatio` | percent, clamped 10...95 | 75 |
/// | `diskSpaceCleanForciblyRatio` | percent, clamped 30...85 | 85 |
/// | `diskSpaceWarningLevelRatio` | percent, clamped 35...90; above it writes are refused | 90 |
/// | `diskMinFreeBytes` | bytes; fewer free on the commit log's file system refuses writes (Tern only) | 128 MiB |
/// | `messageIndexEnable` | Bool | true |
/// | `warmMapedFileEnable` | Bool: pre-fault whole commit log segments (2 GiB written at start with 1 GiB segments) | false |
/// | `maxHashSlotNum` | slots per IndexFile | 5,000,000 |
/// | `maxIndexNum` | entries per IndexFile | 20,000,000 |
/// | `storeHost` | `HostAddress` (ends up in offset message ids) | 127.0.0.1:10911 |
/// | `cleanResourceInterval` | Duration | 10 s |
/// | `clock` | `@Sendable () -> Int64`, wall-clock ms (tests inject a fake) | system clock |
/// | `diskUsedRatio` | `@Sendable (String) -> Double?`, test hook; nil = statvfs | nil |
/// | `diskFreeBytes` | `@Sendable (String) -> Int64?`, test hook; nil = statvfs | nil |
public struct StoreConfiguration: Sendable {
    /// How the commit log is forced to disk (`FlushDiskType`).
    public enum FlushDiskType: String, Sendable {
        /// ASYNC_FLUSH: a background thread forces dirty pages every `flushIntervalCommitLog`.
        case async = "ASYNC_FLUSH"
        /// SYNC_FLUSH: a put completes only after its bytes are forced (group commit).
        case sync = "SYNC_FLUSH"
    }

    public var storePathRootDir: String
    public var mappedFileSizeCommitLog: Int
    public var mappedFileSizeConsumeQueue: Int
    public var flushDiskType: FlushDiskType
    public var flushIntervalCommitLog: Duration
    public var flushCommitLogLeastPages: Int
    public var flushCommitLogThoroughInterval: Duration
    public var syncFlushTimeout: Duration
    public var maxMessageSize: Int
    public var fileReservedTime: Int
    public var deleteWhen: String
    public var diskMaxUsedSpaceRatio: Int
    public var diskSpaceCleanForciblyRatio: Int
    public var diskSpaceWarningLevelRatio: Int
    /// Writes are refused while the file system holding the commit log has fewer free bytes than this (0 turns the
    /// check off). A ratio alone does not protect a small disk (10 % of 2 GiB is less than one default segment) nor
    /// a large one (10 % of 10 TiB is plenty); this floor leaves room for config files and the next segment.
    public var diskMinFreeBytes: Int64
    public var messageIndexEnable: Bool
    /// RocketMQ's `warmMapedFileEnable` (sic): populate every page of the active and next segment before use. Off by
    /// default, as in RocketMQ: it makes start-up take seconds and writes whole segments to disk.
    public var warmMappedFileEnable: Bool
    public var maxHashSlotNum: Int
    public var maxIndexNum: Int
    public var storeHost: HostAddress
    public var cleanResourceInterval: Duration
    /// Wall-clock milliseconds since the epoch; used for store timestamps, index files and retention.
    public var clock: @Sendable () -> Int64
    /// Test hook returning the used fraction (0...1) of the file system holding a path; nil uses `statvfs`.
    public var diskUsedRatio: (@Sendable (String) -> Double?)?
    /// Test hook returning the free bytes of the file system holding a path; nil uses `statvfs`.
    public var diskFreeBytes: (@Sendable (String) -> Int64?)?

    public init(storePathRootDir: String = "./store") {
        self.storePathRootDir = storePathRootDir
        mappedFileSizeCommitLog = 1024 * 1024 * 1024
        mappedFileSizeConsumeQueue = 300_000 * 20
        flushDiskType = .async
        flushIntervalCommitLog = .milliseconds(500)
        flushCommitLogLeastPages = 4
        flushCommitLogThoroughInterval = .seconds(10)
        syncFlushTimeout = .seconds(5)
        maxMessageSize = 4 * 1024 * 1024
        fileReservedTime = 72
        deleteWhen = "04"
        diskMaxUsedSpaceRatio = 75
        diskSpaceCleanForciblyRatio = 85
        diskSpaceWarningLevelRatio = 90
        diskMinFreeBytes = 128 * 1024 * 1024
        messageIndexEnable = true
        warmMappedFileEnable = false
        maxHashSlotNum = 5_000_000
        maxIndexNum = 20_000_000
        storeHost = HostAddress(addressBytes: [127, 0, 0, 1], port: 10911)
        cleanResourceInterval = .seconds(10)
        clock = StoreConfiguration.systemClock
        diskUsedRatio = nil
        diskFreeBytes = nil
    }

    /// The real wall clock in milliseconds.
    public static let systemClock: @Sendable () -> Int64 = {
        return WallClock.milliseconds()
    }

    public var commitLogPath: String { storePathRootDir + "/commitlog" }
    public var consumeQueuePath: String { storePathRootDir + "/consumequeue" }
    public var indexPath: String { storePathRootDir + "/index" }
    public var checkpointPath: String { storePathRootDir + "/checkpoint" }
    public var abortPath: String { storePathRootDir + "/abort" }
    public var lockPath: String { storePathRootDir + "/lock" }
    /// Where Core keeps topics.json, consumerOffset.json, subscriptionGroup.json and delayOffset.json.
    public var configPath: String { storePathRootDir + "/config" }
}
