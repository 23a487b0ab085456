#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

extension MappedFile {
    /// Drops this process's mapping of the pages in `[from, to)` (rounded inward to pages) that were not dropped yet,
    /// with `MADV_DONTNEED`. The data stays in the page cache and in the file (dirty pages keep their dirty state);
    /// the next read maps a page again with a minor fault. Calls must come from one thread (the flush thread).
    func releaseResidentPages(from: Int, to: Int) {
        let start = max(releasedPosition.load(ordering: .relaxed), (from + Self.pageSize - 1) & ~(Self.pageSize - 1))
        let end = min(to, size) & ~(Self.pageSize - 1)
        guard end > start else { return }
        _ = madvise(base + start, end - start, Int32(MADV_DONTNEED))
        releasedPosition.store(end, ordering: .relaxed)
    }
}
