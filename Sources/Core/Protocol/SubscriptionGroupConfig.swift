/// Per-consumer-group settings kept by the broker, RocketMQ's `SubscriptionGroupConfig` (broker-internals §1.8).
///
/// Defaults are RocketMQ's: consumption enabled, 1 retry queue, 16 retries before the DLQ, notify on membership change.
public struct SubscriptionGroupConfig: Sendable, Equatable {
    public var groupName: String
    public var consumeEnable: Bool = true
    public var consumeFromMinEnable: Bool = true
    public var consumeBroadcastEnable: Bool = true
    public var consumeMessageOrderly: Bool = false
    /// Queues of `%RETRY%<group>`; 0 disables broker-side retry (send-back answers success and drops).
    public var retryQueueNums: Int32 = 1
    /// Reconsume attempts before a message goes to `%DLQ%<group>`.
    public var retryMaxTimes: Int32 = 16
    public var brokerId: Int64 = 0
    public var whichBrokerWhenConsumeSlowly: Int64 = 1
    public var notifyConsumerIdsChangedEnable: Bool = true
    public var groupSysFlag: Int32 = 0
    public var consumeTimeoutMinute: Int32 = 15
    public var attributes: [String: String] = [:]

    public init(groupName: String) {
        self.groupName = groupName
    }

    /// Reads one entry of `subscriptionGroupTable`; absent fields keep their defaults. Nil without `groupName`.
    public init?(json: JSONValue) {
        guard let groupName = json["groupName"]?.stringValue else { return nil }
        self.init(groupName: groupName)
        if let value = json["consumeEnable"]?.boolValue { consumeEnable = value }
        if let value = json["consumeFromMinEnable"]?.boolValue { consumeFromMinEnable = value }
        if let value = json["consumeBroadcastEnable"]?.boolValue { consumeBroadcastEnable = value }
        if let value = json["consumeMessageOrderly"]?.boolValue { consumeMessageOrderly = value }
        if let value = json["retryQueueNums"]?.int64Value { retryQueueNums = Int32(clamping: value) }
        if let value = json["retryMaxTimes"]?.int64Value { retryMaxTimes = Int32(clamping: value) }
        if let value = json["brokerId"]?.int64Value { brokerId = value }
        if let value = json["whichBrokerWhenConsumeSlowly"]?.int64Value { whichBrokerWhenConsumeSlowly = value }
        if let value = json["notifyConsumerIdsChangedEnable"]?.boolValue { notifyConsumerIdsChangedEnable = value }
        if let value = json["groupSysFlag"]?.int64Value { groupSysFlag = Int32(clamping: value) }
        if let value = json["consumeTimeoutMinute"]?.int64Value { consumeTimeoutMinute = Int32(clamping: value) }
        for (key, value) in json["attributes"]?.objectValue ?? [] {
            if let text = value.scalarText { attributes[key] = text }
        }
    }

    /// Writes the object with keys in fastjson's (alphabetical) order.
    public func write(to writer: JSONWriter) {
        writer.beginObject()
        writer.key("attributes")
        writer.beginObject()
        for key in attributes.keys.sorted() { writer.field(key, attributes[key] ?? "") }
        writer.endObject()
        writer.field("brokerId", brokerId)
        writer.field("consumeBroadcastEnable", consumeBroadcastEnable)
        writer.field("consumeEnable", consumeEnable)
        writer.field("consumeFromMinEnable", consumeFromMinEnable)
        writer.field("consumeMessageOrderly", consumeMessageOrderly)
        writer.field("consumeTimeoutMinute", consumeTimeoutMinute)
        writer.field("groupName", groupName)
        writer.field("groupSysFlag", groupSysFlag)
        writer.field("notifyConsumerIdsChangedEnable", notifyConsumerIdsChangedEnable)
        writer.field("retryMaxTimes", retryMaxTimes)
        writer.field("retryQueueNums", retryQueueNums)
        writer.field("whichBrokerWhenConsumeSlowly", whichBrokerWhenConsumeSlowly)
        writer.endObject()
    }
}
