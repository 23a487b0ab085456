/// Whether a consumer group shares (clustering) or copies (broadcasting) the messages, RocketMQ's `MessageModel`.
public enum MessageModel: Int, Sendable, JavaEnum {
    case broadcasting = 0
    case clustering = 1

    /// The Java enum name.
    public var name: String {
        switch self {
        case .broadcasting: "BROADCASTING"
        case .clustering: "CLUSTERING"
        }
    }
}
