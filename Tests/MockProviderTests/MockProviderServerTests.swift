import Foundation
import MockProvider
import Testing

@Suite struct MockProviderServerTests {
    private static var chatBody: [String: Any] {
        [
            "model": "mock-chat",
            "messages": [
                ["role": "system", "content": "Be brief."],
                ["role": "user", "content": "What is the capital of France?"],
            ],
        ]
    }

    @Test(.timeLimit(.minutes(1)))
    func waitUntilListening_onPortZero_returnsBoundPort() async throws {
        try await withMockProvider { server, client in
            #expect(client.port > 0)
            #expect(server.port == client.port)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func chatCompletion_returnsOpenAIShapeWithConsistentUsage() async throws {
        try await withMockProvider { _, client in
            let reply = try await client.post(
                "/v1/chat/completions",
                json: Self.chatBody
            )
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            let requestID = try #require(reply.header("x-request-id"))
            #expect(requestID.hasPrefix("req_"))

            let json = try reply.json()
            #expect((json["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(json["object"] as? String == "chat.completion")
            #expect(json["model"] as? String == "mock-chat")
            #expect((json["created"] as? Int ?? 0) > 1_700_000_000)
            let choices = try #require(json["choices"] as? [[String: Any]])
            #expect(choices.count == 1)
            #expect(choices[0]["index"] as? Int == 0)
            #expect(choices[0]["finish_reason"] as? String == "stop")
            let message = try #require(choices[0]["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            let content = try #require(message["content"] as? String)
            #expect(content.hasPrefix("Mock answer "))
            #expect(content.hasSuffix("to: What is the capital of France?"))

            let usage = try #require(json["usage"] as? [String: Any])
            let prompt = try #require(usage["prompt_tokens"] as? Int)
            let completion = try #require(usage["completion_tokens"] as? Int)
            #expect(usage["total_tokens"] as? Int == prompt + completion)
            // ceil(chars / 4) per message plus the per-message and priming overhead.
            #expect(prompt == (9 + 3) / 4 + (30 + 3) / 4 + 2 * 4 + 3)
            #expect(completion == (content.utf8.count + 3) / 4)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func chatCompletion_sameRequestTwice_givesSameAnswer_andDifferentRequestDiffers() async throws {
        try await withMockProvider { _, client in
            func content(_ body: [String: Any]) async throws -> String {
                let json = try await client.post("/v1/chat/completions", json: body).json()
                let choices = try #require(json["choices"] as? [[String: Any]])
                return try #require((choices.first?["message"] as? [String: Any])?["content"] as? String)
            }
            let first = try await content(Self.chatBody)
            let second = try await content(Self.chatBody)
            #expect(first == second)

            var other = Self.chatBody
            other["model"] = "another-model"
            #expect(try await content(other) != first)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func chatCompletion_contentAsParts_andNChoices_answersEveryChoice() async throws {
        try await withMockProvider { _, client in
            let body: [String: Any] = [
                "model": "mock-chat", "n": 3,
                "messages": [["role": "user", "content": [["type": "text", "text": "Describe this."]]]],
            ]
            let json = try await client.post("/v1/chat/completions", json: body).json()
            let choices = try #require(json["choices"] as? [[String: Any]])
            #expect(choices.map { $0["index"] as? Int } == [0, 1, 2])
            let contents = choices.compactMap { ($0["message"] as? [String: Any])?["content"] as? String }
            #expect(Set(contents).count == 3)
            #expect(contents.allSatisfy { $0.hasSuffix("to: Describe this.") })
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == contents.reduce(0) { $0 + ($1.utf8.count + 3) / 4 })
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["max_tokens", "max_completion_tokens"])
    func chatCompletion_whenAnswerLongerThanMaxTokens_truncatesWithFinishReasonLength(field: String) async throws {
        try await withMockProvider { _, client in
            var body = Self.chatBody
            body[field] = 3
            let json = try await client.post("/v1/chat/completions", json: body).json()
            let choice = try #require((json["choices"] as? [[String: Any]])?.first)
            #expect(choice["finish_reason"] as? String == "length")
            let content = try #require((choice["message"] as? [String: Any])?["content"] as? String)
            #expect(content.utf8.count <= 12)
            #expect(content.hasPrefix("Mock"))
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["completion_tokens"] as? Int == 3)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func embeddings_batchInput_returnsOneUnitVectorPerInputInOrder() async throws {
        try await withMockProvider { _, client in
            let body: [String: Any] = ["model": "mock-embed", "input": ["alpha", "beta", "alpha"]]
            let reply = try await client.post("/v1/embeddings", json: body)
            #expect(reply.status == 200)
            #expect(reply.header("x-request-id")?.hasPrefix("req_") == true)
            let json = try reply.json()
            #expect(json["object"] as? String == "list")
            #expect(json["model"] as? String == "mock-embed")
            let data = try #require(json["data"] as? [[String: Any]])
            #expect(data.map { $0["index"] as? Int } == [0, 1, 2])
            #expect(data.allSatisfy { $0["object"] as? String == "embedding" })
            let vectors = try data.map { try #require($0["embedding"] as? [Double]) }
            for vector in vectors {
                #expect(vector.count == MockProviderConfiguration.defaultEmbeddingDimensions)
                #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            }
            #expect(vectors[0] == vectors[2])
            #expect(vectors[0] != vectors[1])
            let usage = try #require(json["usage"] as? [String: Any])
            #expect(usage["prompt_tokens"] as? Int == 2 + 1 + 2)
            #expect(usage["total_tokens"] as? Int == 5)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func embeddings_withDimensions_returnsThatDimension() async throws {
        try await withMockProvider { _, client in
            let body: [String: Any] = ["model": "mock-embed", "input": "one string", "dimensions": 64]
            let json = try await client.post("/v1/embeddings", json: body).json()
            let data = try #require(json["data"] as? [[String: Any]])
            #expect(data.count == 1)
            let vector = try #require(data[0]["embedding"] as? [Double])
            #expect(vector.count == 64)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func embeddings_base64Format_decodesToSameUnitVectorAsFloats() async throws {
        try await withMockProvider { _, client in
            let floats = try await client.post("/v1/embeddings", json: ["model": "mock-embed", "input": "x"]).json()
            let base64 = try await client.post(
                "/v1/embeddings",
                json: ["model": "mock-embed", "input": "x", "encoding_format": "base64"]
            ).json()
            let expected = try #require((floats["data"] as? [[String: Any]])?.first?["embedding"] as? [Double])
            let text = try #require((base64["data"] as? [[String: Any]])?.first?["embedding"] as? String)
            let bytes = try #require(Data(base64Encoded: text))
            #expect(bytes.count == expected.count * 4)
            let decoded = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(
                    bitPattern: bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) { word, byte in
                        word | UInt32(byte.element) << (8 * UInt32(byte.offset))
                    }
                )
            }
            #expect(decoded.map(Double.init) == expected.map { Double(Float($0)) })
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func stats_countByPathAndModel_andResetZeroesThem() async throws {
        try await withMockProvider { server, client in
            _ = try await client.post("/v1/chat/completions", json: Self.chatBody)
            _ = try await client.post("/v1/chat/completions", json: Self.chatBody)
            _ = try await client.post("/v1/embeddings", json: ["model": "mock-embed", "input": "abcdefgh"])
            _ = try await client.post("/v1/chat/completions", body: "{not json")

            let json = try await client.get("/_mock/stats").json()
            #expect(json["requests"] as? Int == 4)
            #expect(json["by_path"] as? [String: Int] == ["/v1/chat/completions": 3, "/v1/embeddings": 1])
            #expect(json["rate_limited"] as? Int == 0)
            #expect(json["errors"] as? Int == 1)
            let models = try #require(json["models"] as? [String: [String: Int]])
            #expect(models["mock-chat"]?["requests"] == 2)
            #expect(models["mock-chat"]?["prompt_tokens"] == 2 * 22)
            #expect((models["mock-chat"]?["completion_tokens"] ?? 0) > 0)
            #expect(models["mock-embed"] == ["requests": 1, "prompt_tokens": 2, "completion_tokens": 0])
            #expect(server.stats.snapshot.requests == 4)

            let reset = try await client.post("/_mock/reset", body: "")
            #expect(reset.status == 200)
            let after = try await client.get("/_mock/stats").json()
            #expect(after["requests"] as? Int == 0)
            #expect((after["by_path"] as? [String: Int])?.isEmpty == true)
            #expect((after["models"] as? [String: Any])?.isEmpty == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func chatCompletion_malformedJSON_returns400InOpenAIErrorShape() async throws {
        try await withMockProvider { _, client in
            let reply = try await client.post(
                "/v1/chat/completions",
                body: "{\"model\": ",
                headers: ["Authorization": "Bearer sk-test"]
            )
            #expect(reply.status == 400)
            #expect(reply.header("x-request-id")?.hasPrefix("req_") == true)
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(error.keys.sorted() == ["code", "message", "param", "type"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func requests_missingModelOrMessagesOrInput_return400NamingTheParameter() async throws {
        try await withMockProvider { _, client in
            let cases: [(String, [String: Any], String)] = [
                ("/v1/chat/completions", ["messages": [["role": "user", "content": "hi"]]], "model"),
                ("/v1/chat/completions", ["model": "mock-chat"], "messages"),
                ("/v1/chat/completions", ["model": "mock-chat", "messages": [["content": "hi"]]], "messages[0].role"),
                ("/v1/chat/completions", ["model": "mock-chat", "messages": "hi"], "messages"),
                ("/v1/embeddings", ["model": "mock-embed"], "input"),
                ("/v1/embeddings", ["input": "hi"], "model"),
            ]
            for (path, body, param) in cases {
                let reply = try await client.post(path, json: body)
                #expect(reply.status == 400, "\(path) without \(param)")
                let error = try #require(try reply.json()["error"] as? [String: Any])
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error["param"] as? String == param)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func unknownPath_returns404InOpenAIErrorShape_andWrongMethodReturns405() async throws {
        try await withMockProvider { _, client in
            let missing = try await client.get("/v1/nothing-here")
            #expect(missing.status == 404)
            let error = try #require(try missing.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")

            let wrongMethod = try await client.get("/v1/chat/completions")
            #expect(wrongMethod.status == 405)
            #expect(try wrongMethod.json()["error"] is [String: Any])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func configuredModels_unknownModel_returns404ModelNotFound() async throws {
        try await withMockProvider(.init(models: ["mock-chat", "mock-embed"])) { _, client in
            var body = Self.chatBody
            body["model"] = "gpt-nonexistent"
            let reply = try await client.post("/v1/chat/completions", json: body)
            #expect(reply.status == 404)
            let error = try #require(try reply.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "model_not_found")
            #expect(try await client.post("/v1/chat/completions", json: Self.chatBody).status == 200)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func latency_whenConfigured_answersAfterWaiting() async throws {
        let configuration = MockProviderConfiguration(latency: .milliseconds(30), latencyJitter: .milliseconds(10))
        try await withMockProvider(configuration) { server, client in
            let reply = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(reply.status == 200)
            #expect(server.stats.snapshot.delayed == 1)
            #expect(server.stats.snapshot.inFlight == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func latency_whenZero_neverWaits() async throws {
        try await withMockProvider { server, client in
            _ = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(server.stats.snapshot.delayed == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentRequests_areAllAnsweredAndCounted() async throws {
        try await withMockProvider { server, client in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let body: [String: Any] = [
                            "model": "mock-chat", "messages": [["role": "user", "content": "question \(index)"]],
                        ]
                        return try await client.post("/v1/chat/completions", json: body).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 64 && statuses.allSatisfy { $0 == 200 })
            #expect(server.stats.snapshot.models["mock-chat"]?.requests == 64)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func rateLimits_overRPM_returns429WithRetryAfter_andHeadersOnEveryAnswer() async throws {
        try await withMockProvider(.init(rpm: 2, tpm: 100_000)) { server, client in
            let first = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(first.status == 200)
            #expect(first.header("x-ratelimit-limit-requests") == "2")
            #expect(first.header("x-ratelimit-remaining-requests") == "1")
            #expect(first.header("x-ratelimit-limit-tokens") == "100000")
            #expect(first.header("x-ratelimit-reset-requests") != nil)
            _ = try await client.post("/v1/chat/completions", json: Self.chatBody)

            let limited = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(limited.status == 429)
            let retryAfter = try #require(limited.header("retry-after").flatMap(Int.init))
            #expect((1...30).contains(retryAfter))
            let retryAfterMs = try #require(limited.header("retry-after-ms").flatMap(Int.init))
            #expect(retryAfterMs > 0 && retryAfterMs <= 30_000)
            let error = try #require(try limited.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(error["type"] as? String == "requests")

            let stats = try await client.get("/_mock/stats").json()
            #expect(stats["rate_limited"] as? Int == 1)
            #expect(server.stats.snapshot.models["mock-chat"]?.requests == 2)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faults_fail5xx_returns500ServerError() async throws {
        try await withMockProvider(.init(faults: .init(fail5xx: 1))) { server, client in
            let reply = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(reply.status == 500)
            #expect((try reply.json()["error"] as? [String: Any])?["type"] as? String == "server_error")
            #expect(server.stats.snapshot.faults == 1)
            #expect(server.stats.snapshot.errors == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faults_fail429_returns429WithRetryAfter() async throws {
        try await withMockProvider(.init(faults: .init(fail429: 1))) { server, client in
            let reply = try await client.post("/v1/embeddings", json: ["model": "mock-embed", "input": "x"])
            #expect(reply.status == 429)
            #expect(reply.header("retry-after") == "1")
            #expect(server.stats.snapshot.rateLimited == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faults_garbage_returns200WithBodyThatIsNotJSON() async throws {
        try await withMockProvider(.init(faults: .init(garbage: 1))) { _, client in
            let reply = try await client.post("/v1/chat/completions", json: Self.chatBody)
            #expect(reply.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: reply.body)) == nil)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faults_drop_closesConnectionWithoutAnswer() async throws {
        try await withMockProvider(.init(faults: .init(drop: 1))) { server, client in
            await #expect(throws: (any Error).self) {
                _ = try await client.post("/v1/chat/completions", json: Self.chatBody)
            }
            #expect(server.stats.snapshot.faults >= 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func faults_hang_holdsRequestUntilShutdown() async throws {
        try await withMockProvider(.init(faults: .init(hang: 1))) { server, client in
            let pending = Task { try await client.post("/v1/chat/completions", json: Self.chatBody) }
            let deadline = ContinuousClock.now + .seconds(20)
            while server.stats.snapshot.faults == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(server.stats.snapshot.faults == 1)
            #expect(server.stats.snapshot.inFlight == 1)
            pending.cancel()
        }
    }
}
