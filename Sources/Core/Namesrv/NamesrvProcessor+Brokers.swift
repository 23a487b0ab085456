import Logging
import NIOCore

/// Broker-facing codes: registration, liveness, write permission.
extension NamesrvProcessor {
    func registerBroker(
        _ request: RemotingCommand,
        context: any RequestContext
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let header = try RegisterBrokerRequestHeader(extFields: request.extFields)
        let body = request.body.map { Array($0.readableBytesView) } ?? []
        if header.bodyCrc32 != 0, CRC32.rocketMQChecksum(body) != header.bodyCrc32 {
            logger.warning("register broker: crc32 not match", metadata: ["peer": "\(context.remoteAddress)"])
            return request.response(.systemError, remark: "crc32 not match")
        }
        var wrapper = TopicConfigSerializeWrapper()
        var filterServerList: [String] = []
        if !body.isEmpty {
            if request.version < Self.firstRegisterBrokerBodyVersion {
                wrapper = try TopicConfigSerializeWrapper(jsonBytes: body)
            } else if header.compressed {
                // TODO(namesrv): inflate the deflate format (spec §3.5) once Core can link zlib.
                throw ProtocolDecodingError("Failed to decode RegisterBrokerBody: compressed bodies are not supported")
            } else {
                let registerBody = try RegisterBrokerBody(jsonBytes: body)
                wrapper = registerBody.topicConfigSerializeWrapper
                filterServerList = registerBody.filterServerList
            }
        }
        let registration = BrokerRegistration(
            clusterName: header.clusterName, brokerAddr: header.brokerAddr, brokerName: header.brokerName,
            brokerId: header.brokerId, haServerAddr: header.haServerAddr, zoneName: header.zoneName,
            heartbeatTimeout: header.heartbeatTimeoutMillis.map { .milliseconds($0) },
            enableActingMaster: header.enableActingMaster, topicConfigWrapper: wrapper,
            filterServerList: filterServerList, connectionID: context.connectionID)
        guard let result = routeInfoManager.registerBroker(registration) else {
            return request.response(.systemError, remark: "register broker failed")
        }
        var responseBody: ByteBuffer?
        if configuration.returnOrderTopicConfigToBroker,
            let orderTopics = kvConfigManager.kvTable(namespace: KVConfigManager.orderTopicConfigNamespace)
        {
            responseBody = orderTopics.jsonBody()
        }
        return request.response(.success, extFields: result.extFields, body: responseBody)
    }

    func unregisterBroker(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let unregistration = BrokerUnregistration(
            clusterName: try header.requiredString("clusterName"), brokerAddr: try header.requiredString("brokerAddr"),
            brokerName: try header.requiredString("brokerName"), brokerId: try header.requiredInt64("brokerId"))
        routeInfoManager.unregisterBroker(unregistration)
        return request.response(.success)
    }

    func brokerHeartbeat(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let clusterName = try header.requiredString("clusterName")
        let brokerAddr = try header.requiredString("brokerAddr")
        _ = try header.requiredString("brokerName")
        routeInfoManager.refreshBrokerLiveness(clusterName: clusterName, brokerAddr: brokerAddr)
        return request.response(.success)
    }

    /// QUERY_DATA_VERSION: tells a broker whether its topic table differs from what it registered, refreshes its
    /// liveness, and returns the stored version.
    func queryDataVersion(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let clusterName = try header.requiredString("clusterName")
        let brokerAddr = try header.requiredString("brokerAddr")
        _ = try header.requiredString("brokerName")
        _ = try header.requiredInt64("brokerId")
        guard let body = request.body, body.readableBytes > 0 else {
            throw ProtocolDecodingError("QUERY_DATA_VERSION without a DataVersion body")
        }
        let dataVersion = try DataVersion(jsonBody: body)
        let changed = routeInfoManager.isBrokerTopicConfigChanged(
            clusterName: clusterName, brokerAddr: brokerAddr,
            dataVersion: dataVersion)
        routeInfoManager.refreshBrokerLiveness(clusterName: clusterName, brokerAddr: brokerAddr)
        let stored = routeInfoManager.brokerLiveInfo(clusterName: clusterName, brokerAddr: brokerAddr)?.dataVersion
        return request.response(.success, extFields: ["changed": String(changed)], body: stored?.jsonBody())
    }

    func getBrokerMemberGroup(
        _ request: RemotingCommand,
        _ header: CustomHeaderReader
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let group = routeInfoManager.brokerMemberGroup(
            clusterName: try header.requiredString("clusterName"),
            brokerName: try header.requiredString("brokerName"))
        let bytes = group.jsonBytes(brokerIDKeys: brokerIDKeyStyle(for: request, header))
        return request.response(.success, body: ByteBuffer(bytes: bytes))
    }

    /// WIPE_WRITE_PERM_OF_BROKER (`wipeTopicCount`) and ADD_WRITE_PERM_OF_BROKER (`addTopicCount`).
    func changeWritePermission(
        _ request: RemotingCommand, _ header: CustomHeaderReader,
        grant: Bool
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let brokerName = try header.requiredString("brokerName")
        if grant {
            let count = routeInfoManager.addWritePermission(brokerName: brokerName)
            return request.response(.success, extFields: ["addTopicCount": String(count)])
        }
        let count = routeInfoManager.wipeWritePermission(brokerName: brokerName)
        return request.response(.success, extFields: ["wipeTopicCount": String(count)])
    }
}
