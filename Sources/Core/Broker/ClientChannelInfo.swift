/// A client connection as the consumer/producer registries remember it, RocketMQ's `ClientChannelInfo`.
public struct ClientChannelInfo: Sendable {
    /// The channel back to the client; nil for callers without one (the HTTP gateway).
    public var channel: (any ClientChannel)?
    /// Key of the connection (`RequestContext.connectionID`).
    public var connectionID: String
    /// The client's `clientID` from its heartbeat.
    public var clientId: String
    public var remoteAddress: String
    public var language: LanguageCode
    public var version: Int32
    /// Wall-clock ms of the last heartbeat on this channel.
    public var lastUpdateTimestamp: Int64

    public init(
        channel: (any ClientChannel)?, connectionID: String, clientId: String, remoteAddress: String,
        language: LanguageCode, version: Int32, lastUpdateTimestamp: Int64
    ) {
        self.channel = channel
        self.connectionID = connectionID
        self.clientId = clientId
        self.remoteAddress = remoteAddress
        self.language = language
        self.version = version
        self.lastUpdateTimestamp = lastUpdateTimestamp
    }
}
