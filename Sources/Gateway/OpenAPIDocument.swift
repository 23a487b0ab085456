/// Generated from openapi/openapi.yaml; do not edit. Regenerate with
/// `TERN_REGENERATE_OPENAPI=1 swift test --filter GatewayTests.OpenAPITests`.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
"""#
}
