public import Store

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns the `ip:port` text of a peer (`RequestContext.remoteAddress`) into the `HostAddress` stored as BORNHOST.
public enum HostAddressParser {
    /// Parses `1.2.3.4:5678`, `[::1]:5678` or `::1:5678` (last colon separates the port); nil when malformed.
    public static func parse(_ text: String) -> HostAddress? {
        guard let colon = text.lastIndex(of: ":"), let port = Int32(text[text.index(after: colon)...]) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            let bytes = withUnsafeBytes(of: &ipv4) { Array($0) }
            return HostAddress(addressBytes: bytes, port: port)
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            let bytes = withUnsafeBytes(of: &ipv6) { Array($0) }
            return HostAddress(addressBytes: bytes, port: port)
        }
        return nil
    }

    /// `parse(text)`, or 127.0.0.1:0 when the text is not an address (the gateway, tests).
    public static func parseOrLoopback(_ text: String) -> HostAddress {
        parse(text) ?? .loopbackIPv4
    }
}
