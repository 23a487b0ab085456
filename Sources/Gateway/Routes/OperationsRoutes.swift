import Core

/// `/healthz`, `/metrics`, `/openapi.yaml`: answered on the libmicrohttpd thread.
enum OperationsRoutes {
    @Sendable static func health(_ call: GatewayCall) throws -> HTTPResponse {
        let ready = call.backend.isReady()
        return try call.json(status: ready ? 200 : 503) { writer in
            writer.beginObject()
            writer.field("status", ready ? "ready" : "starting")
            writer.endObject()
        }
    }

    @Sendable static func metrics(_ call: GatewayCall) throws -> HTTPResponse {
        .text(call.backend.metrics.render(gauges: call.backend.gauges()),
              contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    @Sendable static func openAPI(_ call: GatewayCall) throws -> HTTPResponse {
        .text(OpenAPIDocument.yaml, contentType: "application/yaml")
    }
}
