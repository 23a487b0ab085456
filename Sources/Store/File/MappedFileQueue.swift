import Synchronization

/// The ordered segments of one logical stream (commit log, or one consume queue), RocketMQ's `MappedFileQueue`.
///
/// The segment list sits behind a `Mutex`; lookups hand out strong references so a segment deleted by retention
/// stays mapped until its readers finish.
final class MappedFileQueue: Sendable {
    let directory: String
    let fileSize: Int
    let files = Mutex<[MappedFile]>([])

    /// New segments get all their blocks reserved when created (commit log and consume queue segments are
    /// written front to back until full, so the whole file will be needed anyway).
    init(directory: String, fileSize: Int) {
        self.directory = directory
        self.fileSize = fileSize
    }

    /// Maps every segment found on disk, each marked fully written (recovery then sets the real positions).
    /// - Throws: `corruptLayout` when a segment's size differs from `fileSize` (except an empty last one, deleted).
    func load() throws(StoreError) {
        try FileSystem.makeDirectories(directory, as: StoreError.self)
        let names = FileSystem.list(directory).filter { $0.count == 20 && $0.allSatisfy(\.isNumber) }
        var loaded: [MappedFile] = []
        for (index, name) in names.enumerated() {
            let path = directory + "/" + name
            let length = FileSystem.fileSize(path) ?? -1
            if length == 0 && index == names.count - 1 {
                FileSystem.remove(path)
                continue
            }
            guard length == fileSize, let start = Int64(name) else {
                throw StoreError(.corruptLayout, "\(path) has \(length) bytes, expected \(fileSize)")
            }
            let file = try MappedFile.open(path: path, startOffset: start, size: fileSize, reserving: fileSize)
            file.wrotePosition.store(fileSize, ordering: .relaxed)
            file.flushedPosition.store(fileSize, ordering: .relaxed)
            loaded.append(file)
        }
        files.withLock { $0 = loaded }
    }

    var last: MappedFile? { files.withLock { $0.last } }
    var first: MappedFile? { files.withLock { $0.first } }
    var all: [MappedFile] { files.withLock { $0 } }

    /// The segment holding byte `offset` of the stream, if still present.
    func file(containing offset: Int64) -> MappedFile? {
        files.withLock { files in
            guard let first = files.first, offset >= first.startOffset else { return nil }
            let index = Int((offset - first.startOffset) / Int64(fileSize))
            guard index < files.count, files[index].startOffset <= offset, offset < files[index].endOffset
            else { return files.first { $0.startOffset <= offset && offset < $0.endOffset } }
            return files[index]
        }
    }

    /// Creates the segment starting at `startOffset` and appends it to the list (or reuses `prepared`).
    /// - Throws: `noSpace` when the file system cannot reserve the segment's blocks (nothing is appended then).
    func appendFile(startOffset: Int64, prepared: MappedFile? = nil) throws(StoreError) -> MappedFile {
        let file: MappedFile
        if let prepared, prepared.startOffset == startOffset {
            file = prepared
        } else {
            if files.withLock({ $0.isEmpty }) { try FileSystem.makeDirectories(directory, as: StoreError.self) }
            file = try MappedFile.open(directory: directory, startOffset: startOffset, size: fileSize,
                                       reserving: fileSize)
        }
        file.wrotePosition.store(0, ordering: .releasing)
        file.flushedPosition.store(0, ordering: .relaxed)
        files.withLock { $0.append(file) }
        return file
    }

    /// Smallest readable offset of the stream.
    var minOffset: Int64 { files.withLock { $0.first?.startOffset ?? 0 } }

    /// One past the last written byte (`getMaxOffset`): last segment start + its wrote position.
    var maxOffset: Int64 {
        files.withLock { files in
            guard let last = files.last else { return 0 }
            return last.startOffset + Int64(last.wrotePosition.load(ordering: .acquiring))
        }
    }

    /// Offset up to which every byte is durable.
    var flushedOffset: Int64 {
        files.withLock { files in
            for file in files where file.flushedPosition.load(ordering: .acquiring) < file.size {
                return file.startOffset + Int64(file.flushedPosition.load(ordering: .acquiring))
            }
            return files.last?.endOffset ?? 0
        }
    }

    /// Flushes every segment with unflushed bytes, oldest first. Returns false if an msync failed.
    @discardableResult
    func flushAll() -> Bool {
        var succeeded = true
        for file in all where file.flushedPosition.load(ordering: .relaxed) < file.wrotePosition.load(ordering: .acquiring) {
            if file.flush() == nil { succeeded = false }
        }
        return succeeded
    }

    /// Cuts the stream at `offset`: later segments are deleted, the one holding it is rewound and zeroed past it.
    func truncate(to offset: Int64) {
        let doomed = files.withLock { files -> [MappedFile] in
            let doomed = files.filter { $0.startOffset >= offset && !($0.startOffset == offset && offset == 0) }
            files.removeAll { file in doomed.contains { $0 === file } }
            return doomed
        }
        for file in doomed { file.destroy() }
        if let file = file(containing: offset) ?? last.flatMap({ $0.endOffset == offset ? $0 : nil }) {
            let position = Int(offset - file.startOffset)
            file.wrotePosition.store(position, ordering: .releasing)
            file.flushedPosition.store(position, ordering: .relaxed)
            file.zeroTail(from: position)
        }
    }

    /// Removes the first segment from the list and deletes its file.
    func removeFirst() {
        let removed = files.withLock { files in files.isEmpty ? nil : files.removeFirst() }
        removed?.destroy()
    }

    /// Deletes every segment.
    func destroyAll() {
        let removed = files.withLock { files in
            defer { files.removeAll() }
            return files
        }
        for file in removed { file.destroy() }
    }
}
