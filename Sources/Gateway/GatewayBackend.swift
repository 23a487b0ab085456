import Core
import Logging
import NIOCore
import Store

/// Which processor table a remoting request goes to.
enum ProcessorTarget: Sendable {
    case broker
    case nameServer
}

/// What every route handler needs: configuration, the two processor tables, readiness, metrics.
///
/// A class, not a struct: every `GatewayCall` carries it, and a copy of a struct of a dozen references would retain
/// each of them on every request.
final class GatewayBackend: Sendable {
    let configuration: GatewayConfiguration
    let brokerProcessors: [Int32: any RequestProcessor]
    let nameServerProcessors: [Int32: any RequestProcessor]
    let isReady: @Sendable () -> Bool
    let gauges: @Sendable () -> [GatewayGauge]
    let metrics: GatewayMetrics
    let logger: Logger

    init(configuration: GatewayConfiguration, brokerProcessors: [Int32: any RequestProcessor],
         nameServerProcessors: [Int32: any RequestProcessor], isReady: @escaping @Sendable () -> Bool,
         gauges: @escaping @Sendable () -> [GatewayGauge], metrics: GatewayMetrics, logger: Logger) {
        self.configuration = configuration
        self.brokerProcessors = brokerProcessors
        self.nameServerProcessors = nameServerProcessors
        self.isReady = isReady
        self.gauges = gauges
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `request` through the processor registered for its code and waits (without blocking a thread) for the
    /// answer.
    /// - Throws: `GatewayProblem` `not_implemented` when no processor serves the code.
    func invoke(_ code: RequestCode, on target: ProcessorTarget, extFields: [String: String] = [:],
                body: ByteBufferBytes? = nil, from request: HTTPRequest) async throws(GatewayProblem)
        -> RemotingCommand {
        let result = await withCheckedContinuation { continuation in
            invoke(code, on: target, extFields: extFields, body: body, from: request) { result in
                continuation.resume(returning: result)
            }
        }
        return try result.get()
    }

    /// `invoke` without a task: `completion` runs on the calling thread when the processor answers inside
    /// `process` (a send under ASYNC_FLUSH), else on the thread that answers. The send route uses it so a request
    /// is answered on the libmicrohttpd thread without suspending the connection.
    func invoke(_ code: RequestCode, on target: ProcessorTarget, extFields: [String: String] = [:],
                body: ByteBufferBytes? = nil, from request: HTTPRequest,
                completion: @escaping @Sendable (Result<RemotingCommand, GatewayProblem>) -> Void) {
        let table = target == .broker ? brokerProcessors : nameServerProcessors
        guard let processor = table[code.rawValue] else {
            let side = target == .broker ? "broker" : "name server"
            return completion(.failure(
                GatewayProblem(.notImplemented, "the \(side) has no processor for \(code) (\(code.rawValue))")))
        }
        let command = self.command(code, extFields: extFields, body: body, from: request)
        processor.process(command, context: context(code, from: request, completion: completion))
    }

    /// A send (SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE) already typed: `SendMessageProcessor` takes it as is, with
    /// no remoting command, properties string or extFields dictionary on either side; any other processor
    /// registered for the code gets the header's wire form. `completion` runs once, like in
    /// `invoke(_:on:extFields:body:from:completion:)`.
    func send(_ message: SendMessageProcessor.SendRequest, code: RequestCode, from request: HTTPRequest,
              completion: @escaping @Sendable (Result<SendReceipt, GatewayProblem>) -> Void) {
        guard let processor = brokerProcessors[code.rawValue] as? SendMessageProcessor else {
            var header = message.header
            if let properties = message.properties { header.properties = MessageProperties.encode(properties) }
            let body = message.body.map { ByteBufferBytes(buffer: $0) }
            return invoke(code, on: .broker, extFields: header.extFields, body: body, from: request) { result in
                completion(result.map(SendReceipt.init))
            }
        }
        processor.send(message) { [metrics] outcome in
            metrics.recordProcessorCall(request: code, response: outcome.code)
            completion(.success(SendReceipt(outcome)))
        }
    }

    private func command(_ code: RequestCode, extFields: [String: String], body: ByteBufferBytes?,
                         from request: HTTPRequest) -> RemotingCommand {
        var command = RemotingCommand.request(code, extFields: extFields, body: body?.buffer)
        command.opaque = Int32(truncatingIfNeeded: request.requestID.hashValue)
        return command
    }

    private func context(_ code: RequestCode, from request: HTTPRequest,
                         completion: @escaping @Sendable (Result<RemotingCommand, GatewayProblem>) -> Void)
        -> GatewayRequestContext {
        let requestID = request.requestID
        return GatewayRequestContext(remoteAddress: request.remoteAddress,
                                     connectionID: "http-\(requestID)") { [metrics, logger] response in
            metrics.recordProcessorCall(request: code, response: ResponseCode(rawValue: response.code))
            logger.debug("processor answered", metadata: [
                "request.id": "\(requestID)", "request.code": "\(code)", "response.code": "\(response.code)",
            ])
            completion(.success(response))
        }
    }

    /// `invoke`, then throws the mapped problem unless the answer is SUCCESS.
    func invokeExpectingSuccess(_ code: RequestCode, on target: ProcessorTarget, extFields: [String: String] = [:],
                                body: ByteBufferBytes? = nil, from request: HTTPRequest) async throws(GatewayProblem)
        -> RemotingCommand {
        let response = try await invoke(code, on: target, extFields: extFields, body: body, from: request)
        guard response.code == ResponseCode.success.rawValue else { throw GatewayProblem.from(response, request: code) }
        return response
    }
}

/// A send's answer, whether a `SendMessageProcessor` gave it typed or another processor as a response command.
struct SendReceipt: Sendable {
    var code: ResponseCode
    var remark: String?
    /// The offset message ids (hex of store host and physical offset), one per stored message.
    var offsetMessageIds: [String] = []
    var queueId: Int32?
    var queueOffset: Int64?
    /// Whether the store refused the send because its disk is full (answered 507, not 503).
    var isDiskFull = false

    init(_ outcome: SendMessageProcessor.SendOutcome) {
        code = outcome.code
        remark = outcome.remark
        isDiskFull = outcome.storeStatus == .diskFull
        if let stored = outcome.stored {
            offsetMessageIds = stored.messageIds
            queueId = outcome.queueId
            queueOffset = stored.queueOffset.rawValue
        }
    }

    init(_ response: RemotingCommand) {
        code = ResponseCode(rawValue: response.code)
        remark = response.remark
        offsetMessageIds = (response.extFields["msgId"] ?? "").utf8.split(separator: UInt8(ascii: ","))
            .map { String(Substring($0)) }
        queueId = response.extFields["queueId"].flatMap { Int32($0) }
        queueOffset = response.extFields["queueOffset"].flatMap { Int64($0) }
    }
}
