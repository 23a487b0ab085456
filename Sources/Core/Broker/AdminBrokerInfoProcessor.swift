import NIOCore
public import Store

/// GET_BROKER_RUNTIME_INFO (28) and GET_BROKER_CONFIG (26).
///
/// Runtime info is a KVTable of strings with the keys mqadmin `clusterList` reads; figures Tern does not track
/// (TPS windows, yesterday's totals, thread-pool queues, timer wheel) are reported as zero. The config is Java
/// `Properties` text (`key=value` lines, sorted) of the broker's `BrokerConfiguration`, with header `version`.
///
/// Threading: reads only; safe on event loops.
public final class AdminBrokerInfoProcessor: RequestProcessor {
    private let configuration: BrokerConfiguration
    private let store: any MessageStore
    private let startTimestamp: Int64

    public init(configuration: BrokerConfiguration, store: any MessageStore) {
        self.configuration = configuration
        self.store = store
        startTimestamp = configuration.clock()
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        if request.code == RequestCode.getBrokerConfig.rawValue {
            let version = DataVersion(timestamp: startTimestamp, counter: 0).jsonString()
            let text = Self.properties(configuration).map { "\($0.0)=\($0.1)\n" }.joined()
            context.reply(
                to: request,
                request.response(.success, extFields: ["version": version], body: ByteBuffer(string: text)))
            return
        }
        context.reply(to: request, request.response(.success, body: runtimeInfo().jsonBody()))
    }

    /// The runtime KVTable.
    func runtimeInfo() -> KVTable {
        let statistics = store.statistics()
        let now = configuration.clock()
        let zeroTps = "0.0 0.0 0.0"
        var table: [String: String] = [
            "brokerVersion": String(CoreVersion.remotingVersion),
            "brokerVersionDesc": "V5_3_3 (tern \(CoreVersion.name))",
            "brokerActive": "true",
            "bootTimestamp": String(startTimestamp),
            "runtime": Self.uptime(milliseconds: now - startTimestamp),
            "msgPutTotalTodayNow": String(statistics.putMessageCount),
            "msgGetTotalTodayNow": String(statistics.getMessageCount),
            "putMessageSizeTotal": String(statistics.putMessageBytes),
            "commitLogMinOffset": String(statistics.commitLogMinOffset.rawValue),
            "commitLogMaxOffset": String(statistics.commitLogMaxOffset.rawValue),
            "dispatchBehindBytes": String(statistics.dispatchBehindBytes),
            "commitLogDiskRatio": String(statistics.diskUsedRatio),
            "storeWritable": String(statistics.isWritable),
            "putTps": zeroTps, "getTransferredTps": zeroTps, "getFoundTps": zeroTps, "getMissTps": zeroTps,
            "earliestMessageTimeStamp": "0",
        ]
        for key in [
            "msgPutTotalYesterdayMorning", "msgPutTotalTodayMorning", "msgGetTotalYesterdayMorning",
            "msgGetTotalTodayMorning", "pageCacheLockTimeMills", "sendThreadPoolQueueSize",
            "sendThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueSize", "pullThreadPoolQueueHeadWaitTimeMills",
            "timerReadBehind", "timerOffsetBehind", "timerCongestNum", "timerEnqueueTps", "timerDequeueTps",
        ] {
            table[key] = "0"
        }
        return KVTable(table: table)
    }

    /// `BrokerConfiguration` as RocketMQ `broker.conf` keys, sorted by key.
    static func properties(_ configuration: BrokerConfiguration) -> [(String, String)] {
        let entries: [String: String] = [
            "brokerName": configuration.brokerName,
            "brokerClusterName": configuration.brokerClusterName,
            "brokerId": String(configuration.brokerId),
            "brokerIP1": configuration.brokerIP1,
            "listenPort": String(configuration.listenPort),
            "brokerPermission": String(configuration.brokerPermission),
            "storePathRootDir": configuration.storePathRootDir,
            "autoCreateTopicEnable": String(configuration.autoCreateTopicEnable),
            "autoCreateSubscriptionGroup": String(configuration.autoCreateSubscriptionGroup),
            "defaultTopicQueueNums": String(configuration.defaultTopicQueueNums),
            "clusterTopicEnable": String(configuration.clusterTopicEnable),
            "brokerTopicEnable": String(configuration.brokerTopicEnable),
            "longPollingEnable": String(configuration.longPollingEnable),
            "shortPollingTimeMills": String(configuration.shortPollingTimeMills),
            "regionId": configuration.regionId,
            "traceOn": String(configuration.traceOn),
            "channelExpiredTimeout": String(configuration.channelExpiredTimeout),
            "flushConsumerOffsetInterval": String(configuration.flushConsumerOffsetInterval),
            "rebalanceLockMaxLiveTime": String(configuration.rebalanceLockMaxLiveTime),
            "registerNameServerPeriod": String(configuration.registerNameServerPeriod),
            "maxTransferCountOnMessageInMemory": String(configuration.maxTransferCountOnMessageInMemory),
            "maxTransferBytesOnMessageInMemory": String(configuration.maxTransferBytesOnMessageInMemory),
            "enablePropertyFilter": String(configuration.enablePropertyFilter),
        ]
        return entries.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `[ 0 days, 1 hours, 2 minutes, 3 seconds ]`, RocketMQ's runtime format.
    static func uptime(milliseconds: Int64) -> String {
        let seconds = max(0, milliseconds) / 1000
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3600
        let minutes = seconds % 3600 / 60
        return "[ \(days) days, \(hours) hours, \(minutes) minutes, \(seconds % 60) seconds ]"
    }
}
