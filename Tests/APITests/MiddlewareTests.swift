import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct MiddlewareTests {
    @Test(.timeLimit(.minutes(1)))
    func healthz_withoutKey_returnsOKWithRequestID() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/healthz", key: nil)
            #expect(response.status == 200)
            #expect(try response.json()["status"] as? String == "ok")
            let id = try #require(response.header("x-request-id"))
            #expect(id.hasPrefix("req_") && id.count == 4 + 32)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requestID_whenClientSendsOne_isEchoedOnSuccessAndError() async throws {
        try await APITestServer.with { server in
            let ok = try await server.send("GET", "/v1/batches", headers: [("x-request-id", "client-123")])
            #expect(ok.status == 200)
            #expect(ok.header("x-request-id") == "client-123")
            let error = try await server.send("GET", "/v1/batches/batch_999", headers: [("x-request-id", "client-456")])
            #expect(error.status == 404)
            #expect(error.header("x-request-id") == "client-456")
            let insane = try await server.send("GET", "/healthz", headers: [("x-request-id", "bad id with spaces")])
            #expect(insane.header("x-request-id")?.hasPrefix("req_") == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func unknownRoute_returns404InOpenAIShape() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/v1/nothing-here")
            #expect(response.status == 404)
            let error = try response.errorObject()
            #expect(error["type"] as? String == "not_found_error")
            #expect(response.header("x-request-id") != nil)
            let root = try await server.send("DELETE", "/healthz", key: nil)
            #expect(root.status == 404)
            #expect(try root.errorObject()["type"] as? String == "not_found_error")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func body_whenLargerThanLimit_returns413InOpenAIShape() async throws {
        try await APITestServer.with(maxBodyBytes: 4_096) { server in
            let lines = (0..<200).map { chatLine("line-\($0)") }.joined(separator: "\n")
            let response = try await server.send(
                "POST",
                "/v1/batches",
                headers: [("content-type", "application/jsonl")],
                body: Data(lines.utf8)
            )
            #expect(response.status == 413)
            let error = try response.errorObject()
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(error["code"] as? String == "request_too_large")
            #expect(response.header("x-request-id") != nil)
            // The server still answers afterwards.
            let health = try await server.send("GET", "/healthz", key: nil)
            #expect(health.status == 200)
        }
    }

    @Test func sanitizedRequestID_acceptsOnlyShortPrintableTokens() {
        #expect(RequestIDMiddleware.sanitized("abc-123_x.y:z") == "abc-123_x.y:z")
        #expect(RequestIDMiddleware.sanitized("") == nil)
        #expect(RequestIDMiddleware.sanitized(String(repeating: "a", count: 129)) == nil)
        #expect(RequestIDMiddleware.sanitized("a\nb") == nil)
    }
}
