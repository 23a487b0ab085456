import Store

/// The context of a request one processor hands to another inside the broker (re-sending a dead letter goes through
/// `SendMessageProcessor` so it gets every send check): the answer goes to a closure instead of a connection.
///
/// Threading: `respond` runs `onResponse` on whatever thread the inner processor answers from (an event loop or the
/// store's completion thread); the closure must not block.
final class ForwardedRequestContext: RequestContext {
    let remoteAddress: String
    let remoteHost: HostAddress
    let connectionID: String
    var clientChannel: (any ClientChannel)? { nil }
    private let onResponse: @Sendable (RemotingCommand) -> Void

    /// - Parameter outer: the context of the request being served; its peer is reported as the sender.
    init(forwarding outer: any RequestContext, onResponse: @escaping @Sendable (RemotingCommand) -> Void) {
        remoteAddress = outer.remoteAddress
        remoteHost = outer.remoteHost
        connectionID = outer.connectionID
        self.onResponse = onResponse
    }

    func respond(_ response: RemotingCommand) {
        onResponse(response)
    }
}
