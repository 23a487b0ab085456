import Gateway
import Testing

@Test func gatewayDefaultsToPort8080OnLoopback() {
    let configuration = GatewayConfiguration()
    #expect(configuration.port == 8080)
    #expect(configuration.host == "127.0.0.1")
}
