import NIOCore

extension Broker {
    /// The REGISTER_BROKER (103) request for the name servers: `RegisterBrokerRequestHeader` fields and an
    /// uncompressed `RegisterBrokerBody` JSON with the whole topic table, its `bodyCrc32` set. Topic permissions are
    /// narrowed by the broker permission, as RocketMQ does when the broker is read- or write-only.
    public func registerBrokerRequest() -> RemotingCommand {
        var wrapper = topics.snapshot()
        let brokerPermission = TopicPermission(rawValue: configuration.brokerPermission)
        if !brokerPermission.isReadable || !brokerPermission.isWritable {
            for (name, var config) in wrapper.topicConfigTable {
                config.perm = config.perm.intersection(brokerPermission)
                wrapper.topicConfigTable[name] = config
            }
        }
        let bytes = RegisterBrokerBody(topicConfigSerializeWrapper: wrapper).jsonBytes()
        let header = RegisterBrokerRequestHeader(
            brokerName: configuration.brokerName, brokerAddr: configuration.brokerAddress,
            clusterName: configuration.brokerClusterName, haServerAddr: configuration.haServerAddress,
            brokerId: configuration.brokerId, heartbeatTimeoutMillis: configuration.channelExpiredTimeout,
            enableActingMaster: false, compressed: false, bodyCrc32: CRC32.rocketMQChecksum(bytes))
        return .request(.registerBroker, extFields: header.extFields, body: ByteBuffer(bytes: bytes))
    }
}
