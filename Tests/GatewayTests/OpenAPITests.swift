#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import Gateway
import Testing

@Suite struct OpenAPITests {
    static let packageRoot: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/")
    }()

    static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else { throw TestClientError(description: "cannot open \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// (METHOD, path) pairs of the spec, read from its `paths:` section.
    static func specOperations(_ yaml: String) -> Set<String> {
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, let first = line.first, first != " " { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.dropFirst(4).split(separator: ":").first.map(String.init) ?? ""
                if ["get", "put", "post", "delete", "patch"].contains(key) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test func servedRoutesEqualTheSpecPaths() throws {
        let yaml = try Self.readFile("\(Self.packageRoot)/openapi/openapi.yaml")
        let served = Set(GatewayRoutes.all.map { "\($0.method) \($0.template)" })
        let documented = Self.specOperations(yaml)
        #expect(documented.count > 20)
        #expect(served == documented, "served-only: \(served.subtracting(documented)), spec-only: \(documented.subtracting(served))")
    }

    @Test func everyProblemCodeIsDocumented() throws {
        let yaml = try Self.readFile("\(Self.packageRoot)/openapi/openapi.yaml")
        for code in GatewayProblem.Code.all {
            #expect(yaml.contains("        - \(code.rawValue)\n"), "ProblemCode lacks \(code.rawValue)")
        }
        #expect(Set(GatewayProblem.Code.all.map(\.number)).count == GatewayProblem.Code.all.count)
    }

    /// The embedded copy must equal the file; with TERN_REGENERATE_OPENAPI=1 the test rewrites the Swift file.
    @Test func embeddedDocumentEqualsTheFile() throws {
        let yaml = try Self.readFile("\(Self.packageRoot)/openapi/openapi.yaml")
        if OpenAPIDocument.yaml != yaml, getenv("TERN_REGENERATE_OPENAPI") != nil {
            let source = """
                /// Generated from openapi/openapi.yaml; do not edit. Regenerate with
                /// `TERN_REGENERATE_OPENAPI=1 swift test --filter GatewayTests` (the test that compares both rewrites this file).
                enum OpenAPIDocument {
                    static let yaml = #\"\"\"

                """ + yaml + "\n\"\"\"#\n}\n"
            let path = "\(Self.packageRoot)/Sources/Gateway/OpenAPIDocument.swift"
            if let file = fopen(path, "wb") {
                _ = Array(source.utf8).withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                fclose(file)
            }
        }
        #expect(!yaml.contains("\"\"\"#"))
        #expect(OpenAPIDocument.yaml == yaml,
                "Sources/Gateway/OpenAPIDocument.swift is stale: run TERN_REGENERATE_OPENAPI=1 swift test --filter GatewayTests")
    }

    @Test func theSpecIsServed() async throws {
        try await withGateway { _, port in
            let response = try await HTTPTestClient(port: port).request("GET", "/openapi.yaml")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/yaml")
            #expect(response.text == OpenAPIDocument.yaml)
        }
    }
}
