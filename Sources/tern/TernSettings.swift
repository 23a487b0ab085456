import Core
import Foundation
import Gateway
import Logging
import Store

/// Everything `tern` runs with, resolved once at start-up from defaults, `broker.conf`, `TERN_*` environment
/// variables and flags (later wins). This is the one place that maps RocketMQ `broker.conf` keys onto the modules'
/// configuration structs; modules never read files or the environment themselves.
struct TernSettings {
    var store = StoreConfiguration(storePathRootDir: "./data")
    var broker = BrokerConfiguration()
    var namesrv = NamesrvConfiguration()
    var gateway = GatewayConfiguration(host: "0.0.0.0", port: 8080)
    var httpEnable = true
    var listenHost = "0.0.0.0"
    /// Nameservers the broker registers with; empty means "the embedded one" under `tern start`.
    var namesrvAddresses: [String] = []
    var logLevel = Logger.Level.info
    /// Limits of every remoting server (host and port are set per server); see `RemotingServerConfiguration`.
    var remoting = RemotingServerConfiguration()
    /// Bytes all remoting connections together may hold in partially received frames.
    var remotingInboundBudgetBytes = RemotingInboundBudget.defaultCapacityBytes

    /// Every key Tern reads, with RocketMQ's name where the meaning is the same.
    static let keys = [
        "storePathRootDir", "namesrvListenPort", "listenPort", "httpPort", "httpEnable", "httpThreads", "namesrvAddr",
        "brokerIP1", "listenHost", "flushDiskType", "logLevel", "brokerName", "brokerClusterName", "brokerId",
        "autoCreateTopicEnable", "autoCreateSubscriptionGroup", "defaultTopicQueueNums", "fileReservedTime",
        "deleteWhen", "diskMaxUsedSpaceRatio", "diskSpaceCleanForciblyRatio", "diskSpaceWarningLevelRatio",
        "mappedFileSizeCommitLog", "mappedFileSizeConsumeQueue", "maxMessageSize", "syncFlushTimeout",
        "flushIntervalCommitLog", "flushCommitLogLeastPages", "messageIndexEnable", "longPollingEnable",
        "regionId", "brokerPermission", "maxHashSlotNum", "maxIndexNum", "kvConfigPath", "warmMapedFileEnable",
        "messageDelayLevel", "timerWheelEnable", "timerMaxDelaySec", "enablePropertyFilter", "transactionTimeOut",
        "transactionCheckMax", "transactionCheckInterval", "rejectTransactionMessage", "rebalanceLockMaxLiveTime",
        "writeBufferLowWaterMark", "writeBufferHighWaterMark", "remotingMaxPendingWriteBytes",
        "remotingInboundBudgetBytes", "diskMinFreeBytes", "cleanResourceInterval",
    ]

    /// A setting that could not be used, named so the operator can fix it.
    struct InvalidSetting: Error, CustomStringConvertible {
        var key: String
        var value: String
        var expected: String
        var description: String { "invalid value '\(value)' for \(key): expected \(expected)" }
    }

    /// Resolves settings; `defaultNamesrvPort` etc. come from the role being started.
    init(options: ServerOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var properties = PropertiesFile()
        if let path = options.configFile ?? environment["TERN_CONFIG"] {
            properties = try PropertiesFile(contentsOf: path)
        }
        properties.overlayEnvironment(environment, keys: Self.keys)
        var values = properties.values
        for (key, value) in options.overrides { values[key] = value }
        try apply(values)
    }

    private mutating func apply(_ values: [String: String]) throws {
        var reader = SettingReader(values: values)
        store.storePathRootDir = reader.string("storePathRootDir") ?? store.storePathRootDir
        broker.storePathRootDir = store.storePathRootDir
        namesrv.listenPort = try reader.port("namesrvListenPort") ?? 9876
        broker.listenPort = try reader.port("listenPort") ?? broker.listenPort
        gateway.port = try reader.port("httpPort") ?? gateway.port
        httpEnable = try reader.bool("httpEnable") ?? true
        if let threads = try reader.int("httpThreads") {
            guard (1...64).contains(threads) else {
                throw InvalidSetting(key: "httpThreads", value: String(threads), expected: "1 to 64")
            }
            gateway.threadPoolSize = threads
        }
        listenHost = reader.string("listenHost") ?? listenHost
        gateway.host = listenHost
        namesrvAddresses = (reader.string("namesrvAddr") ?? "").split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if let ip = reader.string("brokerIP1") {
            guard HostAddressParser.parse(ip.contains(":") ? "[\(ip)]:0" : "\(ip):0") != nil else {
                throw InvalidSetting(key: "brokerIP1", value: ip, expected: "an IPv4 or IPv6 address")
            }
            broker.brokerIP1 = ip
        }
        if let level = reader.string("logLevel") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw InvalidSetting(key: "logLevel", value: level, expected: "trace|debug|info|notice|warning|error")
            }
            logLevel = parsed
        }
        try applyBroker(&reader)
        try applyStore(&reader)
        try applyRemoting(&reader)
        namesrv.kvConfigPath = reader.string("kvConfigPath") ?? store.storePathRootDir + "/namesrv/kvConfig.json"
    }

    private mutating func applyBroker(_ reader: inout SettingReader) throws {
        broker.brokerName = reader.string("brokerName") ?? broker.brokerName
        broker.brokerClusterName = reader.string("brokerClusterName") ?? broker.brokerClusterName
        broker.brokerId = try reader.int("brokerId").map(Int64.init) ?? broker.brokerId
        broker.autoCreateTopicEnable = try reader.bool("autoCreateTopicEnable") ?? broker.autoCreateTopicEnable
        broker.autoCreateSubscriptionGroup =
            try reader.bool("autoCreateSubscriptionGroup") ?? broker.autoCreateSubscriptionGroup
        broker.defaultTopicQueueNums = try reader.int("defaultTopicQueueNums").map(Int32.init)
            ?? broker.defaultTopicQueueNums
        broker.longPollingEnable = try reader.bool("longPollingEnable") ?? broker.longPollingEnable
        broker.regionId = reader.string("regionId") ?? broker.regionId
        broker.brokerPermission = try reader.int("brokerPermission").map(Int32.init) ?? broker.brokerPermission
        try applyMessageSemantics(&reader)
    }

    private mutating func applyMessageSemantics(_ reader: inout SettingReader) throws {
        if let levels = reader.string("messageDelayLevel") {
            guard DelayLevelTable(parsing: levels) != nil else {
                throw InvalidSetting(key: "messageDelayLevel", value: levels,
                                     expected: "space-separated durations like '1s 5s 1m 2h'")
            }
            broker.messageDelayLevel = levels
        }
        broker.timerWheelEnable = try reader.bool("timerWheelEnable") ?? broker.timerWheelEnable
        broker.timerMaxDelaySec = try reader.int("timerMaxDelaySec").map(Int64.init) ?? broker.timerMaxDelaySec
        broker.enablePropertyFilter = try reader.bool("enablePropertyFilter") ?? broker.enablePropertyFilter
        broker.rejectTransactionMessage =
            try reader.bool("rejectTransactionMessage") ?? broker.rejectTransactionMessage
        broker.transactionTimeOut = try reader.int("transactionTimeOut").map(Int64.init) ?? broker.transactionTimeOut
        broker.transactionCheckMax = try reader.int("transactionCheckMax").map(Int32.init) ?? broker.transactionCheckMax
        broker.transactionCheckInterval =
            try reader.int("transactionCheckInterval").map(Int64.init) ?? broker.transactionCheckInterval
        if let lifetime = try reader.int("rebalanceLockMaxLiveTime") {
            // Clients renew their queue locks every 20 s; a shorter lifetime would let two members own one queue.
            guard lifetime >= 20_000 else {
                throw InvalidSetting(key: "rebalanceLockMaxLiveTime", value: String(lifetime),
                                     expected: "milliseconds, at least 20000 (clients renew locks every 20 s)")
            }
            broker.rebalanceLockMaxLiveTime = Int64(lifetime)
        }
    }

    /// Flow-control bounds of the remoting servers: write buffer water marks (RocketMQ's Netty keys), the close
    /// bound for peers that do not read, and the budget for partially received frames.
    private mutating func applyRemoting(_ reader: inout SettingReader) throws {
        remoting.writeBufferHighWaterMark =
            try reader.int("writeBufferHighWaterMark") ?? remoting.writeBufferHighWaterMark
        // A high mark set alone below the default low mark brings the low mark down to half of it.
        let defaultLow = min(remoting.writeBufferLowWaterMark, max(1, remoting.writeBufferHighWaterMark / 2))
        remoting.writeBufferLowWaterMark = try reader.int("writeBufferLowWaterMark") ?? defaultLow
        remoting.maximumPendingWriteBytes =
            try reader.int("remotingMaxPendingWriteBytes") ?? remoting.maximumPendingWriteBytes
        let low = remoting.writeBufferLowWaterMark
        let high = remoting.writeBufferHighWaterMark
        guard low > 0, low <= high else {
            throw InvalidSetting(key: "writeBufferLowWaterMark", value: String(low),
                                 expected: "bytes, positive and at most writeBufferHighWaterMark (\(high))")
        }
        guard remoting.maximumPendingWriteBytes > high else {
            throw InvalidSetting(key: "remotingMaxPendingWriteBytes", value: String(remoting.maximumPendingWriteBytes),
                                 expected: "bytes, more than writeBufferHighWaterMark (\(high))")
        }
        if let budget = try reader.int("remotingInboundBudgetBytes") {
            guard budget >= 64 * 1024 else {
                throw InvalidSetting(key: "remotingInboundBudgetBytes", value: String(budget),
                                     expected: "bytes, at least 65536")
            }
            remotingInboundBudgetBytes = budget
        }
    }

    private mutating func applyStore(_ reader: inout SettingReader) throws {
        if let type = reader.string("flushDiskType") {
            guard let parsed = StoreConfiguration.FlushDiskType(rawValue: type.uppercased()) else {
                throw InvalidSetting(key: "flushDiskType", value: type, expected: "ASYNC_FLUSH or SYNC_FLUSH")
            }
            store.flushDiskType = parsed
        }
        store.fileReservedTime = try reader.int("fileReservedTime") ?? store.fileReservedTime
        store.deleteWhen = reader.string("deleteWhen") ?? store.deleteWhen
        store.diskMaxUsedSpaceRatio = try reader.int("diskMaxUsedSpaceRatio") ?? store.diskMaxUsedSpaceRatio
        store.diskSpaceCleanForciblyRatio =
            try reader.int("diskSpaceCleanForciblyRatio") ?? store.diskSpaceCleanForciblyRatio
        store.diskSpaceWarningLevelRatio =
            try reader.int("diskSpaceWarningLevelRatio") ?? store.diskSpaceWarningLevelRatio
        if let bytes = try reader.int("diskMinFreeBytes") {
            guard bytes >= 0 else {
                throw InvalidSetting(key: "diskMinFreeBytes", value: String(bytes),
                                     expected: "bytes, 0 or more (0: off)")
            }
            store.diskMinFreeBytes = Int64(bytes)
        }
        if let milliseconds = try reader.int("cleanResourceInterval") {
            guard milliseconds >= 100 else {
                throw InvalidSetting(key: "cleanResourceInterval", value: String(milliseconds),
                                     expected: "milliseconds, at least 100")
            }
            store.cleanResourceInterval = .milliseconds(milliseconds)
        }
        store.mappedFileSizeCommitLog = try reader.int("mappedFileSizeCommitLog") ?? store.mappedFileSizeCommitLog
        store.mappedFileSizeConsumeQueue =
            try reader.int("mappedFileSizeConsumeQueue") ?? store.mappedFileSizeConsumeQueue
        store.maxMessageSize = try reader.int("maxMessageSize") ?? store.maxMessageSize
        store.syncFlushTimeout = try reader.int("syncFlushTimeout").map { .milliseconds($0) } ?? store.syncFlushTimeout
        store.flushIntervalCommitLog =
            try reader.int("flushIntervalCommitLog").map { .milliseconds($0) } ?? store.flushIntervalCommitLog
        store.flushCommitLogLeastPages = try reader.int("flushCommitLogLeastPages") ?? store.flushCommitLogLeastPages
        store.messageIndexEnable = try reader.bool("messageIndexEnable") ?? store.messageIndexEnable
        store.warmMappedFileEnable = try reader.bool("warmMapedFileEnable") ?? store.warmMappedFileEnable
        store.maxHashSlotNum = try reader.int("maxHashSlotNum") ?? store.maxHashSlotNum
        store.maxIndexNum = try reader.int("maxIndexNum") ?? store.maxIndexNum
    }
}

/// Typed reads of string settings, failing with the key named.
private struct SettingReader {
    var values: [String: String]

    func string(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text) else { throw TernSettings.InvalidSetting(key: key, value: text, expected: "an integer") }
        return value
    }

    func port(_ key: String) throws -> Int? {
        guard let value = try int(key) else { return nil }
        guard (0...65535).contains(value) else {
            throw TernSettings.InvalidSetting(key: key, value: String(value), expected: "a port 0-65535")
        }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = string(key) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw TernSettings.InvalidSetting(key: key, value: text, expected: "true or false")
        }
    }
}
