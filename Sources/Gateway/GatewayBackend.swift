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
        let table = target == .broker ? brokerProcessors : nameServerProcessors
        guard let processor = table[code.rawValue] else {
            let side = target == .broker ? "broker" : "name server"
            throw GatewayProblem(.notImplemented, "the \(side) has no processor for \(code) (\(code.rawValue))")
        }
        var command = RemotingCommand.request(code, extFields: extFields, body: body?.buffer)
        command.opaque = Int32(truncatingIfNeeded: request.requestID.hashValue)
        let remoteAddress = request.remoteAddress
        let connectionID = "http-\(request.requestID)"
        let response = await withCheckedContinuation { continuation in
            let context = GatewayRequestContext(remoteAddress: remoteAddress, connectionID: connectionID,
                                                continuation: continuation)
            processor.process(command, context: context)
        }
        metrics.recordProcessorCall(request: code.description,
                                    response: ResponseCode(rawValue: response.code).description)
        logger.debug("processor answered", metadata: [
            "request.id": "\(request.requestID)", "request.code": "\(code)", "response.code": "\(response.code)",
        ])
        return response
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
