private import CHttp

/// Collects the string values of every member with one name, at any depth, in one pass over yajl's event parser.
///
/// A client that needs a few fields of a large document (the receipt handles of a pop of 32 messages with 1 KiB
/// bodies) still has yajl check the whole text, but builds no tree and no `String` for values it does not want:
/// building the tree cost the pop benchmark client more CPU than the broker spent answering.
public enum JSONMemberStrings {
    /// The string values of members named `name`, in document order; members with other value types are skipped.
    /// - Throws: `JSONParseError` with yajl's message when the text is not valid JSON.
    public static func values(named name: String, in bytes: UnsafeRawBufferPointer) throws(JSONParseError)
        -> [String] {
        var collector = Collector(name: Array(name.utf8))
        let syntaxError: String? = withUnsafeMutablePointer(to: &collector) { context in
            guard let handle = yajl_alloc(memberStringCallbacks, nil, context) else {
                return "the JSON parser could not be allocated"
            }
            defer { yajl_free(handle) }
            let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var status = yajl_parse(handle, base, bytes.count)
            if status == yajl_status_ok { status = yajl_complete_parse(handle) }
            guard status == yajl_status_error else { return nil }
            guard let text = yajl_get_error(handle, 0, base, bytes.count) else { return "invalid JSON" }
            defer { yajl_free_error(handle, text) }
            var message = String(cString: text)
            while message.last == "\n" || message.last == " " { message.removeLast() }
            return message
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
