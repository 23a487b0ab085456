import Core
@testable import Gateway
import Testing

/// Control characters in the decoded path, `%00` first among them: libmicrohttpd hands the path over as a C string,
/// so a decoded NUL used to cut it short and route the remainder (`POST /v1/topics/a%00/messages` was a 405).
@Suite struct RequestPathTests {
    @Test func anEncodedNulInThePathIsABadRequestNotAShorterPath() async throws {
        try await withGateway { _, port in
            let client = try HTTPTestClient(port: port)
            for (method, path) in [("POST", "/v1/topics/a%00/messages"), ("GET", "/v1/topics/Or%00ders"),
                                   ("GET", "/v1/topics/Orders/route%00"), ("DELETE", "/v1/consumer-groups/%00")] {
                let response = try await client.request(method, path)
                #expect(response.status == 400, "\(method) \(path): \(response.status) \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(response.json?["code"]?.stringValue == "invalid_parameter")
                #expect(response.json?["detail"]?.stringValue?.contains("control character") == true)
            }
        }
    }

    @Test func otherControlCharactersAreRefusedAndAnEscapedPercentIsNot() async throws {
        try await withGateway { _, port in
            let client = try HTTPTestClient(port: port)
            let unitSeparator = try await client.request("GET", "/v1/topics/a%1Fb")
            #expect(unitSeparator.status == 400)
            #expect(unitSeparator.json?["code"]?.stringValue == "invalid_parameter")
            let delete = try await client.request("GET", "/v1/topics/a%7Fb")
            #expect(delete.status == 400)
            // "%2500" is the three characters "%00", a valid topic name: routed as usual (no name server here).
            let literal = try await client.request("GET", "/v1/topics/a%2500/route")
            #expect(literal.status == 501, "\(literal.text)")
            #expect(literal.json?["code"]?.stringValue == "not_implemented")
        }
    }
}
