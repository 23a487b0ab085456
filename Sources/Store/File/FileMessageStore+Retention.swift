import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension FileMessageStore {
    /// One retention pass (broker-internals §4): refreshes the disk-full flag, deletes expired commit log segments
    /// oldest first (never the active one, at most 10), then trims consume queues and index files to the new
    /// commit log min offset. Runs every `cleanResourceInterval`; public so tests and admin commands can force it.
    /// - Returns: the number of commit log segments deleted.
    @discardableResult
    public func cleanResources() -> Int {
        let now = configuration.clock()
        let ratio = refreshDiskGuard().usedRatio
        let warning = Double(min(90, max(35, configuration.diskSpaceWarningLevelRatio))) / 100
        let forcibly = Double(min(85, max(30, configuration.diskSpaceCleanForciblyRatio))) / 100
        let maxUsed = Double(min(95, max(10, configuration.diskMaxUsedSpaceRatio))) / 100
        let cleanImmediately = ratio >= forcibly || ratio >= warning
        guard isTimeToDelete(now) || ratio >= maxUsed || cleanImmediately else { return 0 }
        let reserved = Int64(configuration.fileReservedTime) * 3_600_000
        var deleted = 0
        for file in commitLog.files.all.dropLast() where deleted < 10 {
            let expired = file.lastModifiedMilliseconds.load(ordering: .relaxed) + reserved <= now
            guard expired || cleanImmediately else { break }
            commitLog.files.removeFirst()
            deleted += 1
        }
        if deleted > 0 {
            let minimum = commitLog.minOffset
            for queue in consumeQueues.withLock({ Array($0.values) }) { queue.deleteExpired(commitLogMinOffset: minimum) }
            index.deleteExpired(commitLogMinOffset: minimum)
            logger.info("retention deleted commit log segments",
                        metadata: ["store.deleted": "\(deleted)", "store.minOffset": "\(minimum)"])
        }
        return deleted
    }

    /// Whether the local hour of `now` is one of `deleteWhen`'s `;`-separated hours (`UtilAll.isItTimeToDo`).
    func isTimeToDelete(_ now: Int64) -> Bool {
        var seconds = time_t(now / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return configuration.deleteWhen.split(separator: ";").contains { Int32($0) == parts.tm_hour }
    }
}
