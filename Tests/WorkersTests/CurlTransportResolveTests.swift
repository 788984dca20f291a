import Foundation
import Testing

@testable import Workers

/// `HTTPRequest.resolve` (CURLOPT_RESOLVE): the connection goes to the pinned address, whatever DNS says.
@Suite struct CurlTransportResolveTests {
    @Test(.timeLimit(.minutes(1)))
    func send_whenResolvePinsAnUnresolvableName_connectsToThePinnedAddress() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let port = try #require(URLComponents(string: baseURL)?.port)
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            // `.invalid` never resolves (RFC 6761), so only the pin can make this reach the test server.
            let pinned = HTTPRequest(
                method: "GET",
                url: "http://sluice-pinned.invalid:\(port)/hello",
                resolve: ["+sluice-pinned.invalid:\(port):127.0.0.1"]
            )
            let response = try await transport.send(pinned)
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenResolveEntryMalformed_throwsMalformed() async throws {
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        await #expect {
            _ = try await transport.send(
                HTTPRequest(method: "GET", url: "http://example.invalid/", resolve: ["bad\nentry"])
            )
        } throws: { error in
            (error as? TransportError)?.code == .malformed
        }
    }
}
