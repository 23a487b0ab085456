import Core
import Testing

@Test func advertisedVersionAllowsSQL92Subscriptions() {
    // Java clients refuse SQL92 subscriptions to brokers older than V4_1_0 (ordinal 232).
    #expect(CoreVersion.remotingVersion >= 232)
}
