#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe persistence of one configuration file (topics.json, consumerOffset.json, ...), after RocketMQ's
/// `MixAll.string2File` + `ConfigManager.load` (broker-internals §1.8), made atomic.
///
/// `write` keeps the previous content as `<name>.bak`, writes `<name>.tmp`, fsyncs it, renames it over `<name>` and
/// fsyncs the directory. `load` falls back to `.bak` when the main file is missing, empty or rejected by the
/// caller's validator. Core serialises the JSON; this type only moves bytes. Blocking: call off event loops.
public struct ConfigFile: Sendable {
    /// Failure of a file-system call, with the path and `errno`.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public var operation: String
        public var path: String
        public var errno: Int32
        public var description: String { "\(operation) \(path) failed: errno \(errno)" }

        public init(operation: String, path: String, errno: Int32) {
            self.operation = operation
            self.path = path
            self.errno = errno
        }
    }

    public let path: String
    public var backupPath: String { path + ".bak" }
    var temporaryPath: String { path + ".tmp" }

    public init(path: String) {
        self.path = path
    }

    /// Atomically replaces the file's content with `bytes`, keeping the old content in `<name>.bak`.
    /// Creates the parent directory if needed.
    /// - Throws: `ConfigFile.Error` when a write, fsync or rename fails; the old file is then untouched.
    public func write(_ bytes: [UInt8]) throws(ConfigFile.Error) {
        let directory = Self.parentDirectory(of: path)
        try FileSystem.makeDirectories(directory)
        if let previous = FileSystem.readAll(path), !previous.isEmpty {
            try FileSystem.writeDurably(previous, to: backupPath + ".tmp")
            try FileSystem.rename(backupPath + ".tmp", to: backupPath)
        }
        try FileSystem.writeDurably(bytes, to: temporaryPath)
        try FileSystem.rename(temporaryPath, to: path)
        FileSystem.syncDirectory(directory)
    }

    /// The content of the file, or of `<name>.bak` when the main file is missing, empty or fails `validate`;
    /// nil when neither is usable (a fresh broker).
    public func load(validate: ([UInt8]) -> Bool = { _ in true }) -> [UInt8]? {
        if let bytes = FileSystem.readAll(path), !bytes.isEmpty, validate(bytes) { return bytes }
        if let bytes = FileSystem.readAll(backupPath), !bytes.isEmpty, validate(bytes) { return bytes }
        return nil
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Small blocking file-system helpers shared by the store and by Core's own durable files (the POP state log).
public enum FileSystem {
    /// The whole file, or nil when it cannot be opened or read.
    public static func readAll(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { if errno == EINTR { continue } else { return nil } }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Replaces the file's content with `bytes` and fsyncs it (not its directory).
    public static func writeDurably(_ bytes: [UInt8], to path: String) throws(ConfigFile.Error) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ConfigFile.Error(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        try writeAll(bytes, to: descriptor, path: path)
        guard fsync(descriptor) == 0 else { throw ConfigFile.Error(operation: "fsync", path: path, errno: errno) }
    }

    /// Writes all of `bytes` at the descriptor's position, retrying short writes and EINTR.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(ConfigFile.Error) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigFile.Error(operation: "write", path: path, errno: errno)
            }
            written += count
        }
    }

    public static func makeDirectories(_ path: String) throws(ConfigFile.Error) {
        if let failure = createDirectories(path) {
            throw ConfigFile.Error(operation: "mkdir", path: failure.0, errno: failure.1)
        }
    }

    static func makeDirectories(_ path: String, as: StoreError.Type) throws(StoreError) {
        if let failure = createDirectories(path) { throw StoreError(.io, "mkdir \(failure.0)", errno: failure.1) }
    }

    /// Creates `path` and its parents; returns the failing path and errno, if any.
    private static func createDirectories(_ path: String) -> (String, Int32)? {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { return (current, errno) }
        }
        return nil
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    public static func rename(_ from: String, to: String) throws(ConfigFile.Error) {
        guard Glibc.rename(from, to) == 0 else { throw ConfigFile.Error(operation: "rename", path: from, errno: errno) }
    }

    public static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Names in a directory (without "." and ".."), sorted; empty if it cannot be read.
    public static func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func fileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    static func modificationTimeMilliseconds(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
