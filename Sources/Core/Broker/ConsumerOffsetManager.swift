public import Logging
import Store
import Synchronization

/// Committed consumer offsets per (topic, group, queueId), persisted to `consumerOffset.json` in RocketMQ's format
/// `{"offsetTable":{"topic@group":{"0":12}}}` (broker-internals §1.8).
///
/// Threading: all methods are safe from any thread; lookups and commits take one short `Mutex` section and are meant
/// for event loops. `persist()` blocks on fsync and must run off event loops (the broker's periodic task does).
public final class ConsumerOffsetManager: Sendable {
    /// Separates topic and group in the table key, as RocketMQ does.
    public static let keySeparator = "@"

    private struct State {
        var table: [String: [Int32: Int64]] = [:]
        var dirty = false
    }

    private let state = Mutex(State())
    private let file: BrokerConfigFile
    private let logger: Logger

    /// - Parameters:
    ///   - configDirectory: the broker's config directory; the file is `<configDirectory>/consumerOffset.json`.
    public init(configDirectory: String, logger: Logger) {
        file = BrokerConfigFile(directory: configDirectory, name: "consumerOffset.json", logger: logger)
        self.logger = logger
    }

    /// Loads the file (or its `.bak`), replacing the in-memory table. A missing file leaves the table empty.
    public func load() {
        guard let bytes = file.load(),
            let json = try? JSONParser.parse(bytes)
        else { return }
        var table: [String: [Int32: Int64]] = [:]
        for (key, queues) in json["offsetTable"]?.objectValue ?? [] {
            var offsets: [Int32: Int64] = [:]
            for (queueText, offset) in queues.objectValue ?? [] {
                guard let queueId = Int32(queueText), let value = offset.int64Value else { continue }
                offsets[queueId] = value
            }
            table[key] = offsets
        }
        state.withLock { $0 = State(table: table, dirty: false) }
        logger.info("loaded consumer offsets", metadata: ["broker.groups": "\(table.count)"])
    }

    /// Stores `offset` as the committed offset of the group on one queue.
    public func commitOffset(group: String, topic: String, queueId: Int32, offset: Int64) {
        let key = topic + Self.keySeparator + group
        state.withLock { state in
            state.table[key, default: [:]][queueId] = offset
            state.dirty = true
        }
    }

    /// The committed offset, or nil when the group never committed one for this queue.
    public func queryOffset(group: String, topic: String, queueId: Int32) -> Int64? {
        let key = topic + Self.keySeparator + group
        return state.withLock { $0.table[key]?[queueId] }
    }

    /// All committed offsets of a group on a topic, by queue id.
    public func offsets(group: String, topic: String) -> [Int32: Int64] {
        let key = topic + Self.keySeparator + group
        return state.withLock { $0.table[key] ?? [:] }
    }

    /// Topics on which the group has committed offsets (RocketMQ's `whichTopicByConsumer`).
    public func topics(group: String) -> Set<String> {
        let keys = state.withLock { Array($0.table.keys) }
        return Set(keys.compactMap { Self.split($0).flatMap { $0.group == group ? $0.topic : nil } })
    }

    /// Groups that have committed offsets on the topic (RocketMQ's `whichGroupByTopic`).
    public func groups(topic: String) -> Set<String> {
        let keys = state.withLock { Array($0.table.keys) }
        return Set(keys.compactMap { Self.split($0).flatMap { $0.topic == topic ? $0.group : nil } })
    }

    /// Forgets every committed offset of the group (DELETE_SUBSCRIPTIONGROUP with `cleanOffset`).
    public func removeOffsets(group: String) {
        removeEntries { $0.group == group }
    }

    /// Forgets every group's committed offsets on the topic (DELETE_TOPIC_IN_BROKER).
    public func removeOffsets(topic: String) {
        removeEntries { $0.topic == topic }
    }

    private func removeEntries(where matches: ((topic: String, group: String)) -> Bool) {
        state.withLock { state in
            let doomed = state.table.keys.filter { Self.split($0).map(matches) ?? false }
            guard !doomed.isEmpty else { return }
            for key in doomed { state.table[key] = nil }
            state.dirty = true
        }
    }

    /// Splits a `topic@group` key at the last separator (topics may not contain `@`; retry topics do not either).
    private static func split(_ key: String) -> (topic: String, group: String)? {
        guard let index = key.lastIndex(of: "@") else { return nil }
        return (String(key[..<index]), String(key[key.index(after: index)...]))
    }

    /// The JSON document as written to disk (keys sorted, so output is stable).
    public func encode() -> [UInt8] {
        let table = state.withLock { $0.table }
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("offsetTable")
        writer.beginObject()
        for key in table.keys.sorted() {
            writer.key(key)
            writer.beginObject()
            let offsets = table[key] ?? [:]
            for queueId in offsets.keys.sorted() { writer.field(String(queueId), offsets[queueId] ?? 0) }
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        return writer.bytes()
    }

    /// Writes the file if anything changed since the last write (or always with `force`). Blocking.
    public func persist(force: Bool = false) {
        file.persist(state, dirty: \.dirty, force: force, encode: encode)
    }
}
