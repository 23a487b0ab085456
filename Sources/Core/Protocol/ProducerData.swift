/// One producer group of a HEART_BEAT body, RocketMQ's `ProducerData` (`{"groupName":S}`).
public struct ProducerData: Sendable, Equatable {
    public var groupName: String

    public init(groupName: String) {
        self.groupName = groupName
    }

    /// Reads the object; nil without a non-empty `groupName`.
    public init?(json: JSONValue) {
        guard let groupName = json["groupName"]?.stringValue, !groupName.isEmpty else { return nil }
        self.init(groupName: groupName)
    }
}
