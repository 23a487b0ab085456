import Core
import Synchronization

/// The `RequestContext` of a REST call: `respond` hands the processor's answer to the waiting route, from any
/// thread, once (later calls are ignored, as the contract allows only one). A processor that answers inside
/// `process` calls `answer` on the libmicrohttpd thread, which lets the gateway answer without suspending.
final class GatewayRequestContext: RequestContext {
    let remoteAddress: String
    let connectionID: String
    var clientChannel: (any ClientChannel)? { nil }
    private let answer: Mutex<(@Sendable (RemotingCommand) -> Void)?>

    init(remoteAddress: String, connectionID: String, answer: @escaping @Sendable (RemotingCommand) -> Void) {
        self.remoteAddress = remoteAddress
        self.connectionID = connectionID
        self.answer = Mutex(answer)
    }

    func respond(_ response: RemotingCommand) {
        answer.withLock { $0.take() }?(response)
    }
}
