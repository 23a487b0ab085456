import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension FileMessageStore {
    /// What the disk guard measured on the file system holding the commit log.
    struct DiskUsage {
        var usedRatio: Double
        var freeBytes: Int64
    }

    /// How often the disk guard measures: often enough that writes stop soon after another process fills the disk
    /// and resume soon after space returns, rarely enough that a `statvfs` a second is all it costs.
    static let diskCheckInterval = Duration.seconds(1)

    /// Measures the disk, records the used ratio and sets `writable`, logging when writes stop or resume.
    @discardableResult
    func refreshDiskGuard() -> DiskUsage {
        let usage = diskUsage()
        diskUsedRatioPermille.store(Int(usage.usedRatio * 1000), ordering: .relaxed)
        let remark = diskFullRemark(usage)
        diskFullRemark.withLock { $0 = remark }
        let wasWritable = writable.exchange(remark == nil, ordering: .relaxed)
        if wasWritable, let remark {
            logger.error("disk full, refusing writes", metadata: [
                "store.diskUsedRatio": "\(usage.usedRatio)", "store.diskFreeBytes": "\(usage.freeBytes)",
                "store.reason": "\(remark)",
            ])
        } else if !wasWritable && remark == nil {
            logger.notice("disk space available again, accepting writes", metadata: [
                "store.diskUsedRatio": "\(usage.usedRatio)", "store.diskFreeBytes": "\(usage.freeBytes)",
            ])
        }
        return usage
    }

    /// The refusal remark for `usage`, naming every limit crossed; nil when writes may go ahead.
    private func diskFullRemark(_ usage: DiskUsage) -> String? {
        var reasons: [String] = []
        if configuration.diskMinFreeBytes > 0 && usage.freeBytes < configuration.diskMinFreeBytes {
            reasons.append("\(usage.freeBytes) bytes free on the file system holding the store, below "
                + "diskMinFreeBytes (\(configuration.diskMinFreeBytes))")
        }
        let warningPercent = min(90, max(35, configuration.diskSpaceWarningLevelRatio))
        if usage.usedRatio >= Double(warningPercent) / 100 {
            reasons.append("\(Int(usage.usedRatio * 100))% of the file system holding the store is used, at or above "
                + "diskSpaceWarningLevelRatio (\(warningPercent)%)")
        }
        guard !reasons.isEmpty else { return nil }
        return "disk full: " + reasons.joined(separator: "; ") + "; writes resume when space is freed"
    }

    /// The remark for a put refused because a file's blocks could not be reserved.
    func diskFullRemark(_ error: StoreError) -> String {
        "disk full: \(error.message); writes resume when space is freed"
    }

    /// Used fraction and free bytes (for unprivileged users, `f_bavail`) of the file system holding the commit log.
    func diskUsage() -> DiskUsage {
        let path = configuration.commitLogPath
        var info = statvfs()
        let measured = statvfs(path, &info) == 0 && info.f_blocks > 0
        let ratio = configuration.diskUsedRatio.flatMap { $0(path) }
            ?? (measured ? 1 - Double(info.f_bavail) / Double(info.f_blocks) : 0)
        let free = configuration.diskFreeBytes.flatMap { $0(path) }
            ?? (measured ? Int64(info.f_bavail) * Int64(info.f_frsize) : Int64.max)
        return DiskUsage(usedRatio: ratio, freeBytes: free)
    }
}
