/// Which index keys a message gets (broker-internals §1.6): `topic#UNIQ_KEY` and `topic#k` for each
/// space-separated KEYS value.
enum IndexKeys {
    static func keys(topic: String, properties: [(String, String)]) -> [String] {
        var result: [String] = []
        if let unique = properties.last(where: { $0.0 == MessageProperties.uniqueKey })?.1, !unique.isEmpty {
            result.append(topic + "#" + unique)
        }
        if let keys = properties.last(where: { $0.0 == MessageProperties.keys })?.1 {
            for key in keys.split(separator: " ", omittingEmptySubsequences: true) {
                result.append(topic + "#" + key)
            }
        }
        return result
    }
}
