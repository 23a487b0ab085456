private import CHttp

/// Collects the string values of every member with one name, at any depth, in one pass over yajl's event parser.
///
/// A client that needs a few fields of a large document (the receipt handles of a pop of 32 messages with 1 KiB
/// bodies) still has yajl check the whole text, but builds no tree and no `String` for values it does not want:
/// building the tree cost the pop benchmark client more CPU than the broker spent answering.
public enum JSONMemberStrings {
    /// The string values of members named `name`, in document order; members with other value types are skipped.
    /// - Throws: `JSONParseError` with yajl's message when the text is not valid JSON, or naming the bound of
    ///   ``JSONLimits`` it breaks.
    public static func values(named name: String, in bytes: UnsafeRawBufferPointer) throws(JSONParseError)
        -> [String] {
        if let violation = JSONLimits.violation(in: bytes) { throw JSONParseError(message: violation) }
        var collector = Collector(name: Array(name.utf8))
        let syntaxError = withUnsafeMutablePointer(to: &collector) { context in
            YAJLEventParser.parse(bytes, callbacks: memberStringCallbacks, context: context)
        }
        if let syntaxError { throw JSONParseError(message: syntaxError) }
        return collector.values
    }

    /// The parse state: whether the value about to arrive belongs to a member named `name`.
    fileprivate struct Collector {
        let name: [UInt8]
        var wanted = false
        var values: [String] = []

        mutating func key(_ key: UnsafeRawBufferPointer) {
            wanted = key.elementsEqual(name)
        }

        mutating func string(_ value: UnsafeRawBufferPointer) {
            if wanted { values.append(String(decoding: value, as: UTF8.self)) }
            wanted = false
        }

        mutating func other() { wanted = false }
    }
}

/// yajl keeps a pointer to its callbacks for the life of each parser, so they live in one allocation made once.
nonisolated(unsafe) private let memberStringCallbacks: UnsafeMutablePointer<yajl_callbacks> = {
    let callbacks = UnsafeMutablePointer<yajl_callbacks>.allocate(capacity: 1)
    callbacks.initialize(to: yajl_callbacks(
        yajl_null: { context in collector(context).pointee.other(); return 1 },
        yajl_boolean: { context, _ in collector(context).pointee.other(); return 1 },
        yajl_integer: nil,
        yajl_double: nil,
        yajl_number: { context, _, _ in collector(context).pointee.other(); return 1 },
        yajl_string: { context, text, length in
            collector(context).pointee.string(UnsafeRawBufferPointer(start: text, count: length))
            return 1
        },
        yajl_start_map: { context in collector(context).pointee.other(); return 1 },
        yajl_map_key: { context, text, length in
            collector(context).pointee.key(UnsafeRawBufferPointer(start: text, count: length))
            return 1
        },
        yajl_end_map: { context in collector(context).pointee.other(); return 1 },
        yajl_start_array: { context in collector(context).pointee.other(); return 1 },
        yajl_end_array: { context in collector(context).pointee.other(); return 1 }
    ))
    return callbacks
}()

private func collector(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<JSONMemberStrings.Collector> {
    context!.assumingMemoryBound(to: JSONMemberStrings.Collector.self)
}
