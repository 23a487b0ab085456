import Core
import Logging

/// The embedded HTTP gateway as the node sees it; filled in when the gateway lands.
struct GatewayRole {
    var port: Int

    static func start(settings: TernSettings, broker: Broker, nameServer: NameServer?, logger: Logger) throws
        -> GatewayRole
    {
        throw GatewayUnavailable()
    }

    func stop() {}

    struct GatewayUnavailable: Error, CustomStringConvertible {
        var description: String { "the HTTP gateway is not built into this binary yet; start with --no-http" }
    }
}
