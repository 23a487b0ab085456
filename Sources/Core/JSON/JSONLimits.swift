/// Bounds on the shape of every JSON document Tern decodes: remoting headers and bodies, gateway request bodies and
/// the broker's own files.
///
/// yajl's tree, its `yajl_tree_free` and the conversion to ``JSONValue`` all recurse once per nesting level, so an
/// array nested 100,000 deep (a few hundred KiB of `[`) overflowed the event loop's stack and killed the process.
/// The depth bound is yajl_gen's own `YAJL_MAX_DEPTH` (128), so anything Tern accepts it can also write back; no
/// RocketMQ body nests deeper than about six levels. The value bound caps the memory a parse can take (about
/// 100 bytes per value in yajl's tree plus the ``JSONValue``) at roughly what a broker with 100,000 topics registers.
public enum JSONLimits {
    /// The deepest accepted nesting of arrays and objects.
    public static let maximumDepth = 128
    /// The most values accepted in one document, counted as containers plus separators (`,`).
    public static let maximumValues = 1 << 20

    /// Scans `bytes` without recursion and names the first bound it breaks, or nil when the document fits.
    /// Strings are skipped, so brackets inside them do not count. Syntax is left to the parser.
    public static func violation(in bytes: UnsafeRawBufferPointer) -> String? {
        var depth = 0
        var values = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                values += 1
                if depth > maximumDepth { return depthMessage }
                if values > maximumValues { return valuesMessage }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: ","):
                values += 1
                if values > maximumValues { return valuesMessage }
            default:
                break
            }
        }
        return nil
    }

    static let depthMessage = "JSON nested deeper than \(maximumDepth) levels"
    static let valuesMessage = "JSON document has more than \(maximumValues) values"
}
