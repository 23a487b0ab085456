/// The RocketMQ `MQVersion` ordinal Tern puts in every response's `version` field.
///
/// Java clients remember this per broker from heartbeat responses and refuse SQL92 subscriptions to
/// brokers older than V4_1_0; 479 is V5_3_3, the release whose protocol Tern follows.
public enum CoreVersion {
    public static let remotingVersion: Int32 = 479
    public static let name = "0.1.0"
}
