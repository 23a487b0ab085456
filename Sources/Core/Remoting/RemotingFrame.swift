/// How a remoting header is serialized: the top byte of the header-length word.
public struct RemotingSerializeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// JSON text (type byte 0), what every client sends by default and what Tern always answers with.
    public static let json = RemotingSerializeType(rawValue: 0)
    /// RocketMQ's binary header (type byte 1), see spec section 1.4.
    public static let rocketMQ = RemotingSerializeType(rawValue: 1)

    public var description: String { self == .rocketMQ ? "ROCKETMQ" : "JSON" }
}

/// One decoded frame: a command, or a frame whose boundary was intact but whose header was not decodable.
///
/// Emitted by ``RemotingFrameDecoder``. Frames whose boundary is broken never appear here: the decoder throws a
/// ``RemotingCodecError`` instead and the connection is closed.
public enum RemotingFrame: Sendable, Equatable {
    case command(RemotingCommand)
    case malformed(MalformedRemotingFrame)
}

/// A frame with an undecodable header, with whatever could be salvaged from it.
///
/// The receiver answers a salvaged two-way request with `SYSTEM_ERROR` and ``remark`` (see ``errorResponse()``) and
/// keeps the connection; when not even the opaque could be read there is no one to answer, so it closes.
public struct MalformedRemotingFrame: Sendable, Equatable {
    /// The header's serialize type.
    public var serializeType: RemotingSerializeType
    /// The request or response code, when it could be read.
    public var code: Int32?
    /// The opaque, when it could be read.
    public var opaque: Int32?
    /// The flag, when it could be read (a missing flag is treated as a two-way request).
    public var flag: Int32?
    /// What was wrong; always `.malformedHeader`.
    public var error: RemotingCodecError

    public init(serializeType: RemotingSerializeType, code: Int32? = nil, opaque: Int32? = nil, flag: Int32? = nil,
                error: RemotingCodecError) {
        self.serializeType = serializeType
        self.code = code
        self.opaque = opaque
        self.flag = flag
        self.error = error
    }

    /// Whether the frame was a response (flag bit 0), as far as it could be read.
    public var isResponse: Bool { (flag ?? 0) & RemotingCommand.responseFlag != 0 }
    /// Whether the frame was a oneway request (flag bit 1), as far as it could be read.
    public var isOneway: Bool { (flag ?? 0) & RemotingCommand.onewayFlag != 0 }

    /// The remark sent back to the peer, naming the problem.
    public var remark: String { error.description }

    /// The `SYSTEM_ERROR` answer for a two-way request whose opaque was salvaged, else nil (oneway requests,
    /// responses, and frames without a readable opaque get no answer).
    public func errorResponse() -> RemotingCommand? {
        guard let opaque, !isResponse, !isOneway else { return nil }
        return RemotingCommand(code: ResponseCode.systemError.rawValue, opaque: opaque,
                               flag: RemotingCommand.responseFlag, remark: remark)
    }
}
