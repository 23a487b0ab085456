import Synchronization

extension FileMessageStore {
    /// Bytes of the newest flushed commit log kept mapped in memory: consumers that keep up read from there.
    static let residentCommitLogBytes = 16 * 1024 * 1024
    /// Bytes of the newest index entries kept mapped (lookups of recent keys, and the entries being written).
    static let residentIndexEntryBytes = 1024 * 1024

    /// Hands back the pages of data that is flushed and no longer written (flush thread, once a second).
    ///
    /// Every page the store writes through its mappings stays in the process's resident set until unmapped, so RSS
    /// grew with every byte stored (issue 16: +0.1 MB/s under a few hundred sends a second) although the kernel
    /// could reclaim them at any time. Releasing them keeps RSS flat under steady load: the commit log keeps its
    /// newest `residentCommitLogBytes` (plus the populated pages ahead of appends), the index its hash slots and
    /// newest `residentIndexEntryBytes` of entries. Lagging consumers read released pages back from the page cache.
    func trimResidentPages() {
        let segments = commitLog.files.all
        guard let newest = segments.last else { return }
        let keepFrom = newest.startOffset + Int64(newest.flushedPosition.load(ordering: .acquiring))
            - Int64(Self.residentCommitLogBytes)
        for segment in segments where segment.startOffset < keepFrom {
            let flushed = segment.flushedPosition.load(ordering: .acquiring)
            segment.releaseResidentPages(from: 0, to: min(flushed, Int(keepFrom - segment.startOffset)))
        }
        index.state.withLock { state in
            for file in state.files {
                let entries = IndexFile.headerSize + file.slotCount * 4
                let written = file.file.wrotePosition.load(ordering: .acquiring)
                file.file.releaseResidentPages(from: entries, to: written - Self.residentIndexEntryBytes)
            }
        }
    }
}
