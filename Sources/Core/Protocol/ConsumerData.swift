/// One consumer group of a HEART_BEAT body, RocketMQ's `ConsumerData` (remoting-protocol §3.2).
public struct ConsumerData: Sendable {
    public var groupName: String
    public var consumeType: ConsumeType
    public var messageModel: MessageModel
    public var consumeFromWhere: ConsumeFromWhere
    public var subscriptions: [SubscriptionData]
    public var unitMode: Bool

    public init(
        groupName: String, consumeType: ConsumeType = .consumePassively,
        messageModel: MessageModel = .clustering,
        consumeFromWhere: ConsumeFromWhere = .consumeFromLastOffset,
        subscriptions: [SubscriptionData] = [], unitMode: Bool = false
    ) {
        self.groupName = groupName
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
        self.subscriptions = subscriptions
        self.unitMode = unitMode
    }

    /// Reads the object; enums may be names (Java, Go) or ordinals (C++). Missing enums take Java's defaults.
    /// - Returns: nil without a `groupName`.
    public init?(json: JSONValue) {
        guard let groupName = json["groupName"]?.stringValue, !groupName.isEmpty else { return nil }
        self.init(
            groupName: groupName,
            consumeType: json["consumeType"].flatMap(ConsumeType.init(json:)) ?? .consumePassively,
            messageModel: json["messageModel"].flatMap(MessageModel.init(json:)) ?? .clustering,
            consumeFromWhere: json["consumeFromWhere"].flatMap(ConsumeFromWhere.init(json:)) ?? .consumeFromLastOffset,
            subscriptions: (json["subscriptionDataSet"]?.arrayValue ?? []).compactMap(SubscriptionData.init(json:)),
            unitMode: json["unitMode"]?.boolValue ?? false)
    }
}
