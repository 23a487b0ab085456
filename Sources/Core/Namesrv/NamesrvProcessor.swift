public import Logging
import NIOCore

/// Answers the name-server request codes (RocketMQ's namesrv `DefaultRequestProcessor` and
/// `ClientRequestProcessor`), with Java's response codes, headers, bodies and remarks.
///
/// Threading: `process` runs on the caller's thread (an event loop) and answers before returning; it takes the
/// route and KV mutexes briefly and never blocks on I/O (KV persistence is queued). Oneway requests (brokers send
/// BROKER_HEARTBEAT oneway) are carried out without a response. Codes that are not name-server codes are answered
/// with REQUEST_CODE_NOT_SUPPORTED and Java's remark.
public final class NamesrvProcessor: RequestProcessor {
    /// Every code this processor answers other than with REQUEST_CODE_NOT_SUPPORTED.
    public static let handledCodes: [RequestCode] = [
        .putKVConfig, .getKVConfig, .deleteKVConfig, .registerBroker, .unregisterBroker, .getRouteInfoByTopic,
        .getBrokerClusterInfo, .wipeWritePermOfBroker, .getAllTopicListFromNameserver, .deleteTopicInNamesrv,
        .registerTopicInNamesrv, .getKVListByNamespace, .getTopicsByCluster, .getSystemTopicListFromNameserver,
        .getUnitTopicList, NamesrvProcessor.getHasUnitSubTopicList, NamesrvProcessor.getHasUnitSubUnUnitTopicList,
        .getNamesrvConfig,
        .queryDataVersion, .addWritePermOfBroker, .getBrokerMemberGroup, .brokerHeartbeat,
    ]

    /// GET_HAS_UNIT_SUB_TOPIC_LIST (not yet a member of `RequestCode`).
    static let getHasUnitSubTopicList = RequestCode(rawValue: 312)
    /// GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST (not yet a member of `RequestCode`).
    static let getHasUnitSubUnUnitTopicList = RequestCode(rawValue: 313)

    /// The oldest broker version (V3_0_11) whose REGISTER_BROKER body is a `RegisterBrokerBody`; older brokers send
    /// a bare `TopicConfigSerializeWrapper`.
    static let firstRegisterBrokerBodyVersion: Int32 = 37

    let routeInfoManager: RouteInfoManager
    let kvConfigManager: KVConfigManager
    let configuration: NamesrvConfiguration
    let logger: Logger

    /// - Parameters:
    ///   - routeInfoManager: the route registry it reads and changes.
    ///   - kvConfigManager: the KV store it reads and changes.
    ///   - configuration: feature switches (`orderMessageEnable`, `enableTopicList`, …).
    ///   - logger: receives one debug line per request.
    public init(
        routeInfoManager: RouteInfoManager, kvConfigManager: KVConfigManager,
        configuration: NamesrvConfiguration, logger: Logger
    ) {
        self.routeInfoManager = routeInfoManager
        self.kvConfigManager = kvConfigManager
        self.configuration = configuration
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        logger.debug(
            "namesrv request",
            metadata: [
                "request.code": "\(RequestCode(rawValue: request.code))", "request.opaque": "\(request.opaque)",
            ])
        let response: RemotingCommand
        do {
            response = try answer(request, context: context)
        } catch {
            // Java's remoting layer answers a header or body that does not decode with SYSTEM_ERROR and the text.
            response = request.response(.systemError, remark: error.message)
        }
        if !request.isOneway { context.respond(response) }
    }

    /// Carries out a request and builds its response.
    func answer(
        _ request: RemotingCommand,
        context: any RequestContext
    ) throws(ProtocolDecodingError) -> RemotingCommand {
        let header = CustomHeaderReader(request.extFields)
        switch RequestCode(rawValue: request.code) {
        case .putKVConfig: return try putKVConfig(request, header)
        case .getKVConfig: return try getKVConfig(request, header)
        case .deleteKVConfig: return try deleteKVConfig(request, header)
        case .getKVListByNamespace: return try getKVListByNamespace(request, header)
        case .registerBroker: return try registerBroker(request, context: context)
        case .unregisterBroker: return try unregisterBroker(request, header)
        case .brokerHeartbeat: return try brokerHeartbeat(request, header)
        case .queryDataVersion: return try queryDataVersion(request, header)
        case .getBrokerMemberGroup: return try getBrokerMemberGroup(request, header)
        case .wipeWritePermOfBroker: return try changeWritePermission(request, header, grant: false)
        case .addWritePermOfBroker: return try changeWritePermission(request, header, grant: true)
        case .getRouteInfoByTopic: return try getRouteInfoByTopic(request, header)
        case .getBrokerClusterInfo: return getBrokerClusterInfo(request, header)
        case .registerTopicInNamesrv: return try registerTopicInNamesrv(request, header)
        case .deleteTopicInNamesrv: return try deleteTopicInNamesrv(request, header)
        case .getAllTopicListFromNameserver:
            return topicList(request, enabled: configuration.enableAllTopicList) { $0.allTopics() }
        case .getTopicsByCluster:
            let cluster = try header.requiredString("cluster")
            return topicList(request, enabled: configuration.enableTopicList) { $0.topics(inCluster: cluster) }
        case .getSystemTopicListFromNameserver:
            return topicList(request, enabled: true) { $0.systemTopics() }
        case .getUnitTopicList:
            return topicList(request, enabled: configuration.enableTopicList) { $0.unitTopics() }
        case Self.getHasUnitSubTopicList:
            return topicList(request, enabled: configuration.enableTopicList) { $0.hasUnitSubTopics() }
        case Self.getHasUnitSubUnUnitTopicList:
            return topicList(request, enabled: configuration.enableTopicList) { $0.hasUnitSubNonUnitTopics() }
        case .getNamesrvConfig:
            return request.response(.success, body: ByteBuffer(string: configuration.propertiesText))
        default:
            return request.response(.requestCodeNotSupported, remark: " request type \(request.code) not supported")
        }
    }

    /// The `brokerAddrs` key style for this requester (see `BrokerIDKeyStyle.forRequester`).
    func brokerIDKeyStyle(for request: RemotingCommand, _ header: CustomHeaderReader) -> BrokerIDKeyStyle {
        .forRequester(
            version: request.version,
            acceptStandardJSONOnly: header.optionalBool("acceptStandardJsonOnly") ?? false)
    }
}
