public import Logging
import Store
import Synchronization

/// Consumer group settings, persisted to `subscriptionGroup.json` as
/// `{"dataVersion":{...},"forbiddenTable":{},"subscriptionGroupTable":{group:{...}}}` (broker-internals §1.8).
///
/// Groups are created on first sight when `autoCreateSubscriptionGroup` is on (retryQueueNums 1, retryMaxTimes 16).
/// Threading: lookups are one `Mutex` section, safe on event loops; `persist()` blocks and runs off them.
public final class SubscriptionGroupManager: Sendable {
    /// Groups RocketMQ creates at start (`SubscriptionGroupManager#init`).
    static let systemGroups = ["TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_RMQ_SYS_TRANS"]

    private struct State {
        var table: [String: SubscriptionGroupConfig] = [:]
        var counter: Int64 = 0
        var timestamp: Int64 = 0
        var dirty = false
    }

    private let state = Mutex(State())
    private let file: BrokerConfigFile
    private let autoCreate: Bool
    private let clock: @Sendable () -> Int64
    private let logger: Logger

    public init(
        configDirectory: String, autoCreateSubscriptionGroup: Bool, clock: @escaping @Sendable () -> Int64,
        logger: Logger
    ) {
        file = BrokerConfigFile(directory: configDirectory, name: "subscriptionGroup.json", logger: logger)
        autoCreate = autoCreateSubscriptionGroup
        self.clock = clock
        self.logger = logger
        let now = clock()
        state.withLock { state in
            state.timestamp = now
            for name in Self.systemGroups {
                var config = SubscriptionGroupConfig(groupName: name)
                config.consumeBroadcastEnable = true
                state.table[name] = config
            }
        }
    }

    /// Loads the file (or its `.bak`); entries in it replace same-named groups.
    public func load() {
        guard let bytes = file.load(),
            let json = try? JSONParser.parse(bytes)
        else { return }
        let loaded = (json["subscriptionGroupTable"]?.objectValue ?? []).compactMap {
            SubscriptionGroupConfig(json: $0.1)
        }
        state.withLock { state in
            for config in loaded { state.table[config.groupName] = config }
            if let counter = json["dataVersion"]?["counter"]?.int64Value { state.counter = counter }
            state.dirty = false
        }
        logger.info("loaded subscription groups", metadata: ["broker.groups": "\(loaded.count)"])
    }

    /// The group's settings, creating them with defaults when unknown and auto-creation is on.
    /// - Returns: nil when the group is unknown and auto-creation is off.
    public func findOrCreate(_ group: String) -> SubscriptionGroupConfig? {
        let now = clock()
        return state.withLock { state in
            if let config = state.table[group] { return config }
            guard autoCreate else { return nil }
            let config = SubscriptionGroupConfig(groupName: group)
            state.table[group] = config
            state.counter += 1
            state.timestamp = now
            state.dirty = true
            return config
        }
    }

    /// The group's settings without creating them.
    public func config(_ group: String) -> SubscriptionGroupConfig? {
        state.withLock { $0.table[group] }
    }

    /// Creates or replaces a group's settings (admin UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, tests).
    public func update(_ config: SubscriptionGroupConfig) {
        let now = clock()
        state.withLock { state in
            state.table[config.groupName] = config
            state.counter += 1
            state.timestamp = now
            state.dirty = true
        }
    }

    /// Removes a group's settings (admin DELETE_SUBSCRIPTIONGROUP). - Returns: true when it existed.
    @discardableResult
    public func delete(_ group: String) -> Bool {
        let now = clock()
        return state.withLock { state in
            guard state.table.removeValue(forKey: group) != nil else { return false }
            state.counter += 1
            state.timestamp = now
            state.dirty = true
            return true
        }
    }

    /// Every group's settings, sorted by name.
    public func all() -> [SubscriptionGroupConfig] {
        state.withLock { $0.table.values.sorted { $0.groupName < $1.groupName } }
    }

    /// The JSON document as written to disk (groups sorted by name).
    public func encode() -> [UInt8] {
        let (table, counter, timestamp) = state.withLock { ($0.table, $0.counter, $0.timestamp) }
        let writer = JSONWriter()
        writer.beginObject()
        writer.key("dataVersion")
        writer.beginObject()
        writer.field("counter", counter)
        writer.field("stateVersion", 0)
        writer.field("timestamp", timestamp)
        writer.endObject()
        writer.key("forbiddenTable")
        writer.beginObject()
        writer.endObject()
        writer.key("subscriptionGroupTable")
        writer.beginObject()
        for name in table.keys.sorted() {
            guard let config = table[name] else { continue }
            writer.key(name)
            config.write(to: writer)
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
