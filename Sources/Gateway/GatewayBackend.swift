import Core
import Logging

/// Which processor table a remoting request goes to.
enum ProcessorTarget: Sendable {
    case broker
    case nameServer
}

/// What every route handler needs: configuration, the two processor tables, readiness, metrics.
struct GatewayBackend: Sendable {
    let configuration: GatewayConfiguration
    let brokerProcessors: [Int32: any RequestProcessor]
    let nameServerProcessors: [Int32: any RequestProcessor]
    let isReady: @Sendable () -> Bool
    let gauges: @Sendable () -> [GatewayGauge]
    let metrics: GatewayMetrics
    let logger: Logger

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

    /// A send (SEND_MESSAGE_V2 or SEND_BATCH_MESSAGE) with its header already typed: `SendMessageProcessor` takes
    /// it as is, without the extFields dictionary it would parse straight back; any other processor registered
    /// for the code gets the header's wire form. Answers like `invoke(_:on:extFields:body:from:completion:)`.
    func send(_ header: SendMessageRequestHeader, code: RequestCode, body: ByteBufferBytes, from request: HTTPRequest,
              completion: @escaping @Sendable (Result<RemotingCommand, GatewayProblem>) -> Void) {
        guard let processor = brokerProcessors[code.rawValue] as? SendMessageProcessor else {
            return invoke(code, on: .broker, extFields: header.extFields, body: body, from: request,
                          completion: completion)
        }
        let command = self.command(code, extFields: [:], body: body, from: request)
        processor.send(header, request: command, context: context(code, from: request, completion: completion))
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
