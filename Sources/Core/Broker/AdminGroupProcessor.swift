public import Logging
import NIOCore

/// Admin consumer-group codes: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) and
/// DELETE_SUBSCRIPTIONGROUP (207).
///
/// Threading: short `Mutex` sections; safe on event loops (the files are written by the broker's periodic task).
public final class AdminGroupProcessor: RequestProcessor {
    private let subscriptionGroups: SubscriptionGroupManager
    private let offsets: ConsumerOffsetManager
    private let logger: Logger

    public init(subscriptionGroups: SubscriptionGroupManager, offsets: ConsumerOffsetManager, logger: Logger) {
        self.subscriptionGroups = subscriptionGroups
        self.offsets = offsets
        self.logger = logger
    }

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        let response: RemotingCommand
        do {
            switch RequestCode(rawValue: request.code) {
            case .updateAndCreateSubscriptionGroup: response = try update(request)
            case .getAllSubscriptionGroupConfig:
                response = request.response(.success, body: ByteBuffer(bytes: subscriptionGroups.encode()))
            default: response = try delete(request)
            }
        } catch {
            response = error.response(to: request)
        }
        context.reply(to: request, response)
    }

    /// Body: one SubscriptionGroupConfig JSON object; it replaces the group's settings. A missing or unparsable body,
    /// or an invalid group name, is INVALID_PARAMETER (Java answers SYSTEM_ERROR from its exception handler).
    private func update(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        guard let body = request.body, let json = try? JSONParser.parse(body.readableBytesView),
            let config = SubscriptionGroupConfig(json: json)
        else {
            throw BrokerRequestError(.invalidParameter, "the body is not a SubscriptionGroupConfig JSON object")
        }
        if let remark = Self.groupNameError(config.groupName) { throw BrokerRequestError(.invalidParameter, remark) }
        subscriptionGroups.update(config)
        logger.info(
            "subscription group updated by admin",
            metadata: ["broker.group": "\(config.groupName)", "broker.retryMaxTimes": "\(config.retryMaxTimes)"])
        return request.response(.success)
    }

    /// Header `groupName` (req), `cleanOffset` (opt): removes the group and, when asked, its committed offsets.
    /// Deleting an unknown group succeeds, as in Java.
    private func delete(_ request: RemotingCommand) throws(BrokerRequestError) -> RemotingCommand {
        let fields = BrokerHeaderFields(request)
        let group = try fields.string("groupName")
        let existed = subscriptionGroups.delete(group)
        if fields.optionalBool("cleanOffset") ?? false { offsets.removeOffsets(group: group) }
        logger.info(
            "subscription group deleted by admin",
            metadata: ["broker.group": "\(group)", "broker.existed": "\(existed)"])
        return request.response(.success)
    }

    /// Group names follow the topic character rules (`^[%|a-zA-Z0-9_-]+$`, at most 255 characters).
    static func groupNameError(_ group: String) -> String? {
        if group.isEmpty { return "the specified group is blank" }
        if group.utf8.count > 255 { return "the specified group is longer than group max length 255" }
        let valid = group.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "%")
                || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if !valid {
            return "the specified group[\(group)] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
        }
        return nil
    }
}
