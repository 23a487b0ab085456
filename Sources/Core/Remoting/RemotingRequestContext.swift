import Logging
import Store
import Synchronization

/// The ``RequestContext`` of a request that arrived on a ``RemotingConnection``.
///
/// `respond` may be called from any thread, once; it stamps the request's opaque and the response flag, hops to the
/// channel's event loop and writes. Responses to oneway requests are dropped; a second response is dropped and logged.
final class RemotingRequestContext: RequestContext {
    let connection: RemotingConnection
    let opaque: Int32
    let code: Int32
    let isOneway: Bool
    // Atomic: respond may race from several threads; only the first wins.
    private let responded = Atomic<Bool>(false)

    init(connection: RemotingConnection, request: RemotingCommand) {
        self.connection = connection
        opaque = request.opaque
        code = request.code
        isOneway = request.isOneway
    }

    var remoteAddress: String { connection.remoteAddress }
    var remoteHost: HostAddress { connection.remoteHost }
    var connectionID: String { connection.connectionID }
    var clientChannel: (any ClientChannel)? { connection }

    func respond(_ response: RemotingCommand) {
        guard !isOneway else {
            connection.logger.debug("response to a oneway request dropped",
                                    metadata: ["request.opaque": "\(opaque)", "request.code": "\(code)"])
            return
        }
        guard !responded.exchange(true, ordering: .acquiringAndReleasing) else {
            connection.logger.warning("second response to one request dropped",
                                      metadata: ["request.opaque": "\(opaque)", "request.code": "\(code)"])
            return
        }
        var response = response
        response.opaque = opaque
        response.flag |= RemotingCommand.responseFlag
        connection.writeResponse(response)
    }
}
