/// Why a remoting call through ``RemotingConnection`` or ``RemotingClient`` failed.
public struct RemotingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; cases may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable { case timeout, connectionClosed, malformedResponse }
        private let value: Value
        /// No response arrived within the timeout.
        public static let timeout = Code(value: .timeout)
        /// The connection closed before the response arrived (or was closed when the request was sent).
        public static let connectionClosed = Code(value: .connectionClosed)
        /// The peer answered with a frame whose header could not be decoded.
        public static let malformedResponse = Code(value: .malformedResponse)

        public var description: String {
            switch value {
            case .timeout: return "timeout"
            case .connectionClosed: return "connectionClosed"
            case .malformedResponse: return "malformedResponse"
            }
        }
    }

    public var code: Code
    /// A sentence for logs and remarks.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
