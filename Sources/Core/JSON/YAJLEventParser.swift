internal import CHttp

/// One run of yajl's event (SAX) parser, for the decoders that read a document in a single pass without a tree: the
/// remoting header decoder and ``JSONMemberStrings``.
enum YAJLEventParser {
    /// Parses `bytes`, calling `callbacks` with `context`.
    /// - Returns: yajl's message when the text is not valid JSON; nil when it parsed or a callback stopped the parse
    ///   (the callback's owner knows why).
    static func parse(_ bytes: UnsafeRawBufferPointer, callbacks: UnsafeMutablePointer<yajl_callbacks>,
                      context: UnsafeMutableRawPointer) -> String? {
        guard let handle = yajl_alloc(callbacks, nil, context) else { return "the JSON parser could not be allocated" }
        defer { yajl_free(handle) }
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var status = yajl_parse(handle, base, bytes.count)
        if status == yajl_status_ok { status = yajl_complete_parse(handle) }
        guard status == yajl_status_error else { return nil }
        guard let text = yajl_get_error(handle, 0, base, bytes.count) else { return "invalid JSON text" }
        defer { yajl_free_error(handle, text) }
        var message = Substring(String(cString: text))
        while let last = message.last, last == "\n" || last == " " { message.removeLast() }
        return String(message)
    }
}
