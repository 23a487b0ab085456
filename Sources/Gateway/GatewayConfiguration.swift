/// Settings of the embedded HTTP gateway.
///
/// Keys: `port` (Int, default 8080), `host` (String, default 127.0.0.1).
public struct GatewayConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
