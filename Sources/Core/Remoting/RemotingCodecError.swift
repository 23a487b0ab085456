/// Why bytes read from a remoting connection could not become a command.
///
/// The first three cases mean the frame boundary itself cannot be trusted: the decoder throws them and the
/// connection is closed, as RocketMQ's Netty decoder does. `malformedHeader` means the frame boundary is intact but
/// its header could not be decoded; the decoder then emits a ``MalformedRemotingFrame`` (carrying the opaque when it
/// could be salvaged) so the receiver can answer with an error and keep the connection.
public enum RemotingCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 4-byte frame length exceeds the configured maximum (16,777,212 by default).
    case frameTooLarge(length: Int, maximum: Int)
    /// The header length is larger than the frame, or the frame is shorter than its header-length word.
    case headerLengthInvalid(headerLength: Int, frameLength: Int)
    /// The serialize-type byte is neither 0 (JSON) nor 1 (ROCKETMQ binary).
    case unknownSerializeType(UInt8)
    /// The frame is intact but its header could not be decoded; `reason` names the problem.
    case malformedHeader(reason: String)

    public var description: String {
        switch self {
        case let .frameTooLarge(length, maximum):
            return "remoting frame of \(length) bytes exceeds the maximum of \(maximum)"
        case let .headerLengthInvalid(headerLength, frameLength):
            return "remoting header length \(headerLength) does not fit the frame length \(frameLength)"
        case let .unknownSerializeType(type):
            return "unknown remoting serialize type \(type)"
        case let .malformedHeader(reason):
            return "malformed remoting header: \(reason)"
        }
    }
}
