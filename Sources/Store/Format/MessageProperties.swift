/// The properties string of a record (remoting-protocol §4.4): `name\u{1}value\u{2}` repeated, UTF-8.
public enum MessageProperties {
    /// Separates a name from its value (`NAME_VALUE_SEPARATOR`).
    public static let nameValueSeparator: Character = "\u{1}"
    /// Ends each pair (`PROPERTY_SEPARATOR`).
    public static let propertySeparator: Character = "\u{2}"
    /// Largest encoded properties length: the record stores it as an int16.
    public static let maxEncodedBytes = 32_767

    public static let keys = "KEYS"
    public static let tags = "TAGS"
    public static let uniqueKey = "UNIQ_KEY"
    public static let wait = "WAIT"
    public static let delayLevel = "DELAY"

    /// Encodes pairs as Java's `messageProperties2String` does (a trailing `\u{2}` after the last pair).
    public static func encode(_ properties: [(String, String)]) -> String {
        var result = ""
        for (name, value) in properties {
            result += name
            result.append(nameValueSeparator)
            result += value
            result.append(propertySeparator)
        }
        return result
    }

    /// Parses like Java's `string2messageProperties`: pieces with an empty name or empty value are dropped, the
    /// value is everything after the first `\u{1}`. Order is kept; duplicates are kept (the last one wins in
    /// `dictionary(_:)`).
    public static func decode(_ string: String) -> [(String, String)] {
        var result: [(String, String)] = []
        for piece in string.split(separator: propertySeparator, omittingEmptySubsequences: true) {
            guard let separator = piece.firstIndex(of: nameValueSeparator) else { continue }
            let name = piece[piece.startIndex..<separator]
            let value = piece[piece.index(after: separator)...]
            if name.isEmpty || value.isEmpty { continue }
            result.append((String(name), String(value)))
        }
        return result
    }

    /// Name → value with later duplicates overwriting earlier ones, as Java's HashMap-based parser.
    public static func dictionary(_ properties: [(String, String)]) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in properties { result[name] = value }
        return result
    }
}
