import Dispatch
import Foundation
public import Logging
import Synchronization

/// The name server's namespaced key/value store (RocketMQ's `KVConfigManager`), used by admin tools and for the
/// `ORDER_TOPIC_CONFIG` namespace returned to brokers.
///
/// Threading: reads and writes take a `Mutex` and never block on I/O. When a path is configured, each change
/// schedules a write of the whole table on a private serial queue, off the event loops; `flush()` waits for it.
/// The file format is Java's (`{"configTable":{"namespace":{"key":"value"}}}`), so `kvConfig.json` files move
/// between the two.
public final class KVConfigManager: Sendable {
    /// The namespace whose table is returned to brokers on registration (RocketMQ's
    /// `NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG`).
    public static let orderTopicConfigNamespace = "ORDER_TOPIC_CONFIG"

    private let table = Mutex<[String: [String: String]]>([:])
    private let path: String?
    private let logger: Logger
    private let persistQueue = DispatchQueue(label: "tern.namesrv.kvconfig")

    /// - Parameters:
    ///   - path: the JSON file to load from and persist to; nil keeps the table in memory only.
    ///   - logger: receives persistence failures.
    public init(path: String?, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// Loads the file, if configured and present, replacing the table. Blocking; call at startup.
    /// - Throws: `ProtocolDecodingError` when the file is not a KV config document, or a Foundation error when
    ///   it exists but cannot be read.
    public func load() throws {
        guard let path, FileManager.default.fileExists(atPath: path) else { return }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try KVConfigDocument(jsonBytes: data)
        table.withLock { $0 = document.configTable }
    }

    /// The value of `key` in `namespace`.
    public func value(namespace: String, key: String) -> String? {
        table.withLock { $0[namespace]?[key] }
    }

    /// The whole namespace, or nil if it does not exist.
    public func kvTable(namespace: String) -> KVTable? {
        table.withLock { $0[namespace].map(KVTable.init(table:)) }
    }

    /// Sets `key` in `namespace` (creating the namespace) and persists.
    public func put(namespace: String, key: String, value: String) {
        table.withLock { table in
            table[namespace, default: [:]][key] = value
            schedulePersist(table)
        }
    }

    /// Removes `key` from `namespace` (the namespace stays, possibly empty, as in Java) and persists.
    public func delete(namespace: String, key: String) {
        table.withLock { table in
            table[namespace]?[key] = nil
            schedulePersist(table)
        }
    }

    /// Waits until every scheduled write has finished. Blocking; for shutdown and tests.
    public func flush() {
        persistQueue.sync {}
    }

    /// Enqueues a write of `snapshot`. Called with the lock held so writes are queued in mutation order; enqueueing
    /// does not block, and serialisation and I/O happen on the queue.
    private func schedulePersist(_ snapshot: [String: [String: String]]) {
        guard let path else { return }
        let logger = self.logger
        persistQueue.async {
            let bytes = KVConfigDocument(configTable: snapshot).jsonBytes()
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(),
                    withIntermediateDirectories: true)
                try Data(bytes).write(to: url, options: .atomic)
            } catch {
                logger.error("cannot persist KV config", metadata: ["namesrv.path": "\(path)", "error": "\(error)"])
            }
        }
    }
}

/// The persisted form, RocketMQ's `KVConfigSerializeWrapper`.
struct KVConfigDocument: JSONBodyEncodable, JSONBodyDecodable {
    var configTable: [String: [String: String]]

    init(configTable: [String: [String: String]]) { self.configTable = configTable }

    func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("configTable")
        writer.beginObject()
        for namespace in configTable.keys.sorted() {
            writer.key(namespace)
            writer.writeSortedStringMap(configTable[namespace] ?? [:])
        }
        writer.endObject()
        writer.endObject()
    }

    init(json: JSONValue) throws(ProtocolDecodingError) {
        let object = try ProtocolJSONObject(json, of: "KVConfigSerializeWrapper")
        var table: [String: [String: String]] = [:]
        for (namespace, value) in object.object("configTable") ?? [] {
            var entries: [String: String] = [:]
            for (key, item) in value.objectValue ?? [] {
                if let text = item.scalarText { entries[key] = text }
            }
            table[namespace] = entries
        }
        self.init(configTable: table)
    }
}
