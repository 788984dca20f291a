import Foundation
import Testing

@testable import Workers

/// `CurlTransport` against a live Hummingbird server on 127.0.0.1.
@Suite struct CurlTransportTests {
    @Test(.timeLimit(.minutes(1)))
    func send_whenGet_returnsStatusLowercasedHeadersAndBody() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let response = try await transport.send(
                HTTPRequest(method: "GET", url: "\(baseURL)/hello", headers: [("X-Echo", "abc")])
            )
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "hello")
            #expect(response.header("X-Echoed") == "abc")
            #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
            #expect(response.header("content-length") == "5")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func post_whenJSONBody_echoesBodyAndContentType() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let json = Data(#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#.utf8)
            let response = try await transport.post("\(baseURL)/echo", json: json)
            #expect(response.status == 200)
            #expect(response.body == json)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("x-method") == "POST")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenServerAnswers503_returnsResponseNotError() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let response = try await transport.get("\(baseURL)/status/503")
            #expect(response.status == 503)
            #expect(String(decoding: response.body, as: UTF8.self) == "busy")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_when500ConcurrentRequests_answersEachOverFewConnections() async throws {
        let maxHostConnections = 16
        try await CurlTransportTestServer.with { baseURL, probe in
            let transport = try CurlTransport(configuration: .init(maxHostConnections: maxHostConnections))
            defer { transport.shutdown() }
            let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        let body = Data("request-\(index)".utf8)
                        let response = try await transport.send(
                            HTTPRequest(method: "POST", url: "\(baseURL)/echo", body: body)
                        )
                        return response.status != 200 || response.body != body
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(mismatches == 0)
            // Kept-alive connections carry many requests each.
            #expect(probe.connectionCount <= maxHostConnections)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenBodyIsOneMegabyte_roundTripsBothWays() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let body = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })
            let response = try await transport.send(HTTPRequest(method: "POST", url: "\(baseURL)/echo", body: body))
            #expect(response.status == 200)
            #expect(response.body.count == body.count)
            #expect(response.body == body)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenServerNeverAnswersWithinTimeout_throwsTimeout() async throws {
        try await CurlTransportTestServer.with { baseURL, _ in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(
                    HTTPRequest(method: "GET", url: "\(baseURL)/hang", timeout: .milliseconds(300))
                )
            }
            #expect(error?.code == .timeout)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenNothingListens_throwsConnect() async throws {
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        try await CurlTransportTestServer.withRefusingPort { port in
            let error = await #expect(throws: TransportError.self) {
                try await transport.get("http://127.0.0.1:\(port)/")
            }
            #expect(error?.code == .connect)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenURLOrHeaderInvalid_throwsMalformed() async throws {
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        for request in [
            HTTPRequest(method: "GET", url: "http://[::1"),
            HTTPRequest(method: "GET", url: "file:///etc/passwd"),
            HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [("X-Bad", "a\r\nInjected: 1")]),
        ] {
            let error = await #expect(throws: TransportError.self) {
                try await transport.send(request)
            }
            #expect(error?.code == .malformed)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenTaskCancelledMidRequest_throwsCancelledAndTransportKeepsWorking() async throws {
        try await CurlTransportTestServer.with { baseURL, probe in
            let transport = try CurlTransport()
            defer { transport.shutdown() }
            let task = Task {
                try await transport.send(HTTPRequest(method: "GET", url: "\(baseURL)/hang"))
            }
            await probe.waitForArrivals(1)
            task.cancel()
            let result = await task.result
            #expect(throws: TransportError.self) { try result.get() }
            #expect((result.failureAsTransportError)?.code == .cancelled)

            let response = try await transport.get("\(baseURL)/hello")
            #expect(response.status == 200)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func send_whenTaskAlreadyCancelled_throwsCancelledWithoutSending() async throws {
        let transport = try CurlTransport()
        defer { transport.shutdown() }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/"))
        }
        let result = await task.result
        #expect(result.failureAsTransportError?.code == .cancelled)
    }

    @Test(.timeLimit(.minutes(1)))
    func shutdown_whenRequestsInFlight_failsThemWithCancelled() async throws {
        try await CurlTransportTestServer.with { baseURL, probe in
            let transport = try CurlTransport()
            let inFlight = 5
            try await withThrowingTaskGroup(of: TransportError.Code?.self) { group in
                for _ in 0..<inFlight {
                    group.addTask {
                        do {
                            _ = try await transport.send(HTTPRequest(method: "GET", url: "\(baseURL)/hang"))
                            return nil
                        } catch let error as TransportError {
                            return error.code
                        }
                    }
                }
                await probe.waitForArrivals(inFlight)
                transport.shutdown()
                transport.shutdown()  // idempotent
                for try await code in group {
                    #expect(code == .cancelled)
                }
            }
            let error = await #expect(throws: TransportError.self) {
                try await transport.get("\(baseURL)/hello")
            }
            #expect(error?.code == .cancelled)
        }
    }
}

extension Result where Failure == any Error {
    fileprivate var failureAsTransportError: TransportError? {
        if case .failure(let error) = self { return error as? TransportError }
        return nil
    }
}
