/// The consume-queue tag hash (remoting-protocol §4.5): Java `String.hashCode()` of the TAGS property.
public enum TagsCode {
    /// `h = 31*h + u` over the UTF-16 code units with 32-bit wrap-around, sign-extended to 64 bits.
    /// An empty tag hashes to 0, as an absent TAGS property does.
    public static func hash(_ tags: String) -> Int64 {
        Int64(javaHashCode(tags))
    }

    /// Java `String.hashCode()` as a signed 32-bit value (also used by IndexFile key hashing).
    public static func javaHashCode(_ string: String) -> Int32 {
        var hash: Int32 = 0
        for unit in string.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return hash
    }

    /// The tag hash of a message, 0 when it has no TAGS property.
    public static func of(properties: [(String, String)]) -> Int64 {
        guard let tags = properties.last(where: { $0.0 == MessageProperties.tags })?.1 else { return 0 }
        return hash(tags)
    }
}
