public import Store

/// Handles the requests of some request codes: a plain function of (request, context) that answers through
/// the context, so the NIO server and the HTTP gateway drive exactly the same code.
///
/// Contract: for a two-way request the processor calls `context.respond` exactly once, either before returning or
/// later from any thread (long polling, sync flush). For a oneway request it never responds. It must not block the
/// calling thread on I/O: work that waits (flush, long poll) completes through the context later.
public protocol RequestProcessor: Sendable {
    func process(_ request: RemotingCommand, context: any RequestContext)
}

/// Where a request came from and how to answer it.
public protocol RequestContext: Sendable {
    /// `ip:port` of the peer (the gateway passes the HTTP client's address).
    var remoteAddress: String { get }
    /// The peer as a message's BORNHOST. Connections parse it once, not per message; the default parses
    /// `remoteAddress` on each call (127.0.0.1:0 when it is not an address).
    var remoteHost: HostAddress { get }
    /// A stable id of the connection, used to key consumer/producer channels.
    var connectionID: String { get }
    /// The channel back to the client, for broker-to-client requests (NOTIFY_CONSUMER_IDS_CHANGED,
    /// CHECK_TRANSACTION_STATE); nil for callers that cannot receive them (the gateway).
    var clientChannel: (any ClientChannel)? { get }
    /// Sends the response; callable from any thread, once.
    func respond(_ response: RemotingCommand)
}

extension RequestContext {
    public var remoteHost: HostAddress { HostAddressParser.parseOrLoopback(remoteAddress) }
}

/// A connected client the broker can send requests to.
public protocol ClientChannel: AnyObject, Sendable {
    var connectionID: String { get }
    var remoteAddress: String { get }
    var isActive: Bool { get }
    /// Sends a oneway request (flag bit 1 set by the channel).
    func sendOneway(_ request: RemotingCommand)
}
