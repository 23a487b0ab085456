import Core
import Synchronization

/// The `RequestContext` of a REST call: `respond` hands the processor's answer to the waiting handler, from any
/// thread, once (later calls are ignored, as the contract allows only one).
final class GatewayRequestContext: RequestContext {
    let remoteAddress: String
    let connectionID: String
    var clientChannel: (any ClientChannel)? { nil }
    private let continuation: Mutex<CheckedContinuation<RemotingCommand, Never>?>

    init(remoteAddress: String, connectionID: String, continuation: CheckedContinuation<RemotingCommand, Never>) {
        self.remoteAddress = remoteAddress
        self.connectionID = connectionID
        self.continuation = Mutex(continuation)
    }

    func respond(_ response: RemotingCommand) {
        continuation.withLock { $0.take() }?.resume(returning: response)
    }
}
