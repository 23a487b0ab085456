/// A string-to-string table (RocketMQ's `KVTable`): the GET_KVLIST_BY_NAMESPACE and REGISTER_BROKER response bodies
/// and the GET_BROKER_RUNTIME_INFO body.
///
/// JSON: `{"table":{"k":"v"}}`, keys sorted.
public struct KVTable: Sendable, Hashable, JSONBodyEncodable, JSONBodyDecodable {
    public var table: [String: String]

    public init(table: [String: String] = [:]) { self.table = table }

    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("table")
        writer.writeSortedStringMap(table)
        writer.endObject()
    }

    public init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "KVTable")
        self.init(table: object.stringMap("table"))
    }
}
