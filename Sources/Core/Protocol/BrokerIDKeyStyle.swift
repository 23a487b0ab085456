/// How the broker-id keys of `brokerAddrs` maps are written.
public enum BrokerIDKeyStyle: Sendable, Hashable {
    /// Standard JSON: `{"0":"10.0.0.1:10911"}`.
    case quoted
    /// fastjson's default: `{0:"10.0.0.1:10911"}`; not valid JSON, but the only form from which the Go client
    /// reads slave ids correctly (see `FastjsonCompatibility`).
    case unquoted

    /// The first requester version (V4_9_4) to which the Java name server sends standard JSON route data.
    public static let firstStandardJSONVersion: Int32 = 401

    /// The style the Java name server picks for a route query: standard JSON for requesters at version ≥ 401
    /// (Java 4.9.4+ clients) or with the `acceptStandardJsonOnly=true` header, fastjson's default otherwise (Go sends
    /// 317, C++ 333).
    public static func forRequester(version: Int32, acceptStandardJSONOnly: Bool) -> BrokerIDKeyStyle {
        version >= firstStandardJSONVersion || acceptStandardJSONOnly ? .quoted : .unquoted
    }
}

extension JSONBodyEncodable {
    /// The value as compact JSON with `brokerAddrs` keys in the given style.
    public func jsonBytes(brokerIDKeys style: BrokerIDKeyStyle) -> [UInt8] {
        switch style {
        case .quoted: return jsonBytes()
        case .unquoted: return FastjsonCompatibility.unquotingBrokerIDKeys(jsonBytes())
        }
    }
}
