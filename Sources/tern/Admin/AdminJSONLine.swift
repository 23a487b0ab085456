import Core

/// Prints one compact JSON object per line on stdout, the output format of every `tern admin` command.
enum AdminJSONLine {
    /// Writes the object `fill` builds (between `{` and `}`) as one line.
    static func print(_ fill: (JSONWriter) -> Void) {
        let writer = JSONWriter()
        writer.beginObject()
        fill(writer)
        writer.endObject()
        Swift.print(writer.string())
    }

    /// Writes an already-encoded body as one line.
    static func print(_ value: some JSONBodyEncodable) {
        Swift.print(value.jsonString())
    }
}

extension JSONWriter {
    /// Writes `key` then an array of strings.
    func field(_ key: String, strings: [String]) {
        self.key(key)
        beginArray()
        for item in strings { string(item) }
        endArray()
    }
}
