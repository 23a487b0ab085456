private import CHttp

/// Why a JSON document could not be parsed.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// yajl's message, naming the position of the problem.
    public var message: String
    public var description: String { "invalid JSON: \(message)" }
}

/// Parses JSON with yajl's tree API.
public enum JSONParser {
    /// Parses `bytes` (UTF-8) into a `JSONValue`.
    /// - Throws: `JSONParseError` with yajl's message when the text is not valid JSON, or naming the bound of
    ///   ``JSONLimits`` it breaks (checked first: yajl's tree recurses per nesting level).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        // yajl_tree_parse wants a NUL-terminated string.
        var text = [CChar]()
        text.reserveCapacity(bytes.count + 1)
        // One copy for contiguous input ([UInt8], ByteBufferView): this generic is not specialised across modules,
        // and a byte-by-byte loop through the collection's iterator dominated parsing a pop's ack body.
        let copied: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            buffer.withMemoryRebound(to: CChar.self) { text.append(contentsOf: $0) }
        }
        if copied == nil {
            for byte in bytes { text.append(CChar(bitPattern: byte)) }
        }
        if text.contains(0) { throw JSONParseError(message: "NUL byte in JSON text") }
        if let violation = text.withUnsafeBytes({ JSONLimits.violation(in: $0) }) {
            throw JSONParseError(message: violation)
        }
        text.append(0)
        var errorBuffer = [CChar](repeating: 0, count: 256)
        let root: yajl_val? = text.withUnsafeBufferPointer { textPointer in
            errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
                yajl_tree_parse(textPointer.baseAddress, errorPointer.baseAddress, errorPointer.count)
            }
        }
        guard let root else {
            let message = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw JSONParseError(message: message.trimmingTrailingNewlines())
        }
        defer { yajl_tree_free(root) }
        return convert(root)
    }

    /// Parses a UTF-8 string.
    public static func parse(_ string: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(string.utf8))
    }

    private static func convert(_ value: yajl_val) -> JSONValue {
        switch value.pointee.type {
        case yajl_t_string:
            return .string(String(cString: value.pointee.u.string))
        case yajl_t_number:
            return .number(String(cString: value.pointee.u.number.r))
        case yajl_t_true:
            return .bool(true)
        case yajl_t_false:
            return .bool(false)
        case yajl_t_array:
            let array = value.pointee.u.array
            var items: [JSONValue] = []
            items.reserveCapacity(array.len)
            for index in 0..<array.len {
                if let item = array.values[index] { items.append(convert(item)) } else { items.append(.null) }
            }
            return .array(items)
        case yajl_t_object:
            let object = value.pointee.u.object
            var members: [(String, JSONValue)] = []
            members.reserveCapacity(object.len)
            for index in 0..<object.len {
                let key = object.keys[index].map { String(cString: $0) } ?? ""
                members.append((key, object.values[index].map(convert) ?? .null))
            }
            return .object(members)
        default:
            return .null
        }
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last == "\n" || result.last == " " { result.removeLast() }
        return result
    }
}
