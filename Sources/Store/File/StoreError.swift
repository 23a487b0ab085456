/// A failure of the file store that crosses the module boundary (STYLE §4): a code, a sentence, the errno if any,
/// and where it was raised.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a small extensible set.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case io, alreadyLocked, corruptLayout, invalidConfiguration }
        private let value: Value
        /// A system call failed.
        public static let io = Code(value: .io)
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
}
