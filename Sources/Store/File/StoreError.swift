#if canImport(Glibc)
import Glibc
#endif

/// A failure of the file store that crosses the module boundary (STYLE §4): a code, a sentence, the errno if any,
/// and where it was raised.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a small extensible set.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case io, noSpace, alreadyLocked, corruptLayout, invalidConfiguration }
        private let value: Value
        /// A system call failed.
        public static let io = Code(value: .io)
        /// The file system could not reserve the blocks a file needs (ENOSPC, or a quota): the disk is full.
        public static let noSpace = Code(value: .noSpace)
        /// Another process holds `<root>/lock` ("MQ already started").
        public static let alreadyLocked = Code(value: .alreadyLocked)
        /// Files on disk do not match the configuration (segment size, names).
        public static let corruptLayout = Code(value: .corruptLayout)
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    public var errno: Int32?
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, errno: Int32? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.errno = errno
        self.file = file
        self.line = line
    }

    public var description: String {
        "\(code): \(message)" + (errno.map { " (errno \($0))" } ?? "") + " at \(file):\(line)"
    }

    /// The error for a failed `posix_fallocate` of `range` in `path` (`code` is its return value): `noSpace` for
    /// ENOSPC and EDQUOT, `io` otherwise.
    static func noSpace(reserving range: Range<Int>, of path: String, errno code: Int32,
                        file: String = #fileID, line: Int = #line) -> StoreError {
        let reason = String(cString: strerror(code))
        let kind: Code = code == ENOSPC || code == EDQUOT ? .noSpace : .io
        return StoreError(kind, "cannot reserve \(range.count) bytes of \(path): \(reason)", errno: code,
                          file: file, line: line)
    }
}
