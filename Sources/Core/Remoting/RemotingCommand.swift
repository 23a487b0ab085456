public import NIOCore

/// One remoting frame, request or response, after decoding (RocketMQ's `RemotingCommand`).
///
/// `extFields` holds the "custom header" flattened to strings, whatever the sender used (JSON strings, JSON numbers
/// or the binary ROCKETMQ header). Processors read typed values through `RequestHeader` accessors.
public struct RemotingCommand: Sendable {
    public var code: Int32
    public var language: LanguageCode
    public var version: Int32
    public var opaque: Int32
    public var flag: Int32
    public var remark: String?
    public var extFields: [String: String]
    public var body: ByteBuffer?

    public init(code: Int32, language: LanguageCode = .java, version: Int32 = CoreVersion.remotingVersion,
                opaque: Int32 = 0, flag: Int32 = 0, remark: String? = nil, extFields: [String: String] = [:],
                body: ByteBuffer? = nil) {
        self.code = code
        self.language = language
        self.version = version
        self.opaque = opaque
        self.flag = flag
        self.remark = remark
        self.extFields = extFields
        self.body = body
    }

    /// Bit 0 of `flag`: the command answers a request.
    public static let responseFlag: Int32 = 0x1
    /// Bit 1 of `flag`: the request expects no answer.
    public static let onewayFlag: Int32 = 0x2

    public var isResponse: Bool { flag & Self.responseFlag != 0 }
    public var isOneway: Bool { flag & Self.onewayFlag != 0 }

    /// A request with the given code and header fields.
    public static func request(_ code: RequestCode, extFields: [String: String] = [:], body: ByteBuffer? = nil,
                               oneway: Bool = false) -> RemotingCommand {
        RemotingCommand(code: code.rawValue, flag: oneway ? onewayFlag : 0, extFields: extFields, body: body)
    }

    /// The response to this request: same opaque, response flag set.
    public func response(_ code: ResponseCode, remark: String? = nil, extFields: [String: String] = [:],
                         body: ByteBuffer? = nil) -> RemotingCommand {
        RemotingCommand(code: code.rawValue, language: .java, version: CoreVersion.remotingVersion, opaque: opaque,
                        flag: Self.responseFlag, remark: remark, extFields: extFields, body: body)
    }
}

extension RemotingCommand: Equatable {}
