/// The fallback for request codes without a processor: `REQUEST_CODE_NOT_SUPPORTED (3)` with RocketMQ's remark
/// `" request type <code> not supported"` (leading space included, as the Java broker writes it).
public struct UnsupportedRequestProcessor: RequestProcessor {
    public init() {}

    public func process(_ request: RemotingCommand, context: any RequestContext) {
        context.respond(request.response(.requestCodeNotSupported,
                                         remark: " request type \(request.code) not supported"))
    }
}

/// Routes requests to processors by code; immutable once built, shared by every connection of a server.
public struct RemotingDispatcher: Sendable {
    public var processors: [Int32: any RequestProcessor]
    public var defaultProcessor: any RequestProcessor

    /// - Parameters:
    ///   - processors: processor per request code.
    ///   - defaultProcessor: handles every other code; ``UnsupportedRequestProcessor`` by default.
    public init(processors: [Int32: any RequestProcessor] = [:],
                defaultProcessor: any RequestProcessor = UnsupportedRequestProcessor()) {
        self.processors = processors
        self.defaultProcessor = defaultProcessor
    }

    /// The processor for `code`.
    public func processor(for code: Int32) -> any RequestProcessor {
        processors[code] ?? defaultProcessor
    }
}
