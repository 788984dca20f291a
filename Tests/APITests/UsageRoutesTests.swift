import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct UsageRoutesTests {
    /// 2023-11-14T22:13:20Z and the next day.
    static let day1 = Date(timeIntervalSince1970: 1_700_000_000)
    static let day2 = day1.addingTimeInterval(86_400)

    /// Submits `line` with `key`, runs it (claim + complete at `at` with the given tokens) and returns the job id.
    @discardableResult
    static func run(
        _ server: APITestServer,
        key: String = testAdminKey,
        line: String = chatLine(nil),
        provider: String = "mock",
        prompt: Int,
        completion: Int,
        at: Date
    ) async throws -> String {
        let created = try await server.send("POST", "/v1/jobs", key: key, json: line)
        #expect(created.status == 202)
        let id = try #require(try created.json()["id"] as? String)
        try await complete(server, provider: provider, prompt: prompt, completion: completion, at: at)
        return id
    }

    static func complete(
        _ server: APITestServer,
        provider: String = "mock",
        prompt: Int,
        completion: Int,
        at: Date
    )
        async throws
    {
        let claimed = try #require(
            try await server.store.claim(provider: provider, limit: 1, leaseDuration: .seconds(60)).first
        )
        let response = JobResponse(
            statusCode: 200,
            requestID: "req",
            body: Data(#"{"object":"chat.completion"}"#.utf8),
            usage: TokenUsage(promptTokens: prompt, completionTokens: completion)
        )
        #expect(try await server.store.complete(claimed.lease, response: response, now: at))
    }

    static func data(_ response: Workers.HTTPResponse) throws -> [[String: Any]] {
        #expect(response.status == 200, "\(response.text)")
        let object = try response.json()
        #expect(object["object"] as? String == "list")
        return try #require(object["data"] as? [[String: Any]])
    }

    @Test(.timeLimit(.minutes(1)))
    func usage_withATenantKey_seesOnlyItsOwnTenant() async throws {
        try await APITestServer.with { server in
            let acme = try await server.makeTenantKey("acme")
            let beta = try await server.makeTenantKey("beta")
            try await Self.run(server, key: acme, prompt: 37, completion: 10, at: Self.day1)
            try await Self.run(server, key: beta, prompt: 1_000, completion: 0, at: Self.day1)

            let rows = try Self.data(try await server.send("GET", "/v1/usage", key: acme))
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row["requests"] as? Int == 1)
            #expect(row["prompt_tokens"] as? Int == 37)
            #expect(row["completion_tokens"] as? Int == 10)
            #expect(row["cached_tokens"] as? Int == 0)
            #expect(row["cache_hits"] as? Int == 0)
            // mock-chat's made-up price: 37 × $0.50 + 10 × $1.50 per 1M = 33.5 → 34 micro-dollars.
            #expect(row["cost_micros"] as? Int == 34)
            #expect(row["cost_usd"] as? String == "0.000034")
            #expect(row["known_cost_micros"] as? Int == 34)
            #expect(row["unknown_cost_requests"] as? Int == 0)
            #expect(row["saved_micros"] as? Int == 0)
            #expect(row["tenant"] == nil)

            // Naming itself is fine; naming another tenant is refused.
            let own = try Self.data(try await server.send("GET", "/v1/usage?tenant=acme", key: acme))
            #expect(own.first?["requests"] as? Int == 1)
            let other = try await server.send("GET", "/v1/usage?tenant=beta", key: acme)
            #expect(other.status == 403)
            #expect(try other.errorObject()["param"] as? String == "tenant")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func usage_withTheAdminKey_seesEveryTenant_andFiltersByTenant() async throws {
        try await APITestServer.with { server in
            let acme = try await server.makeTenantKey("acme")
            let beta = try await server.makeTenantKey("beta")
            try await Self.run(server, key: acme, prompt: 2, completion: 0, at: Self.day1)
            try await Self.run(server, key: beta, prompt: 4, completion: 0, at: Self.day1)
            try await Self.run(server, key: beta, prompt: 6, completion: 0, at: Self.day2)

            let all = try Self.data(try await server.send("GET", "/v1/usage?group_by=tenant"))
            #expect(all.map { $0["tenant"] as? String } == ["acme", "beta"])
            #expect(all.map { $0["requests"] as? Int } == [1, 2])
            #expect(all.map { $0["cost_micros"] as? Int } == [1, 5])  // 1; 2 + 3

            let beta1 = try Self.data(try await server.send("GET", "/v1/usage?tenant=beta"))
            #expect(beta1.map { $0["prompt_tokens"] as? Int } == [10])
            let total = try Self.data(try await server.send("GET", "/v1/usage"))
            #expect(total.map { $0["requests"] as? Int } == [3])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func usage_groupedByProviderModelDayAndBatch_namesEachKey() async throws {
        try await APITestServer.with { server in
            try await Self.run(server, prompt: 10, completion: 0, at: Self.day1)
            try await Self.run(
                server,
                line: chatLine(nil, model: "other/other-chat"),
                provider: "other",
                prompt: 10,
                completion: 0,
                at: Self.day2
            )
            let batch = try await server.send(
                "POST",
                "/v1/batches",
                headers: [("content-type", "application/jsonl")],
                body: Data((chatLine("x") + "\n").utf8)
            )
            #expect(batch.status == 202)
            let batchID = try #require(try batch.json()["id"] as? String)
            try await Self.complete(server, prompt: 2, completion: 2, at: Self.day2)

            let rows = try Self.data(
                try await server.send("GET", "/v1/usage?group_by=provider,model&group_by=day&group_by[]=batch")
            )
            let keys = rows.map { row in
                ["provider", "model", "day", "batch_id"].map { "\(row[$0] ?? "-")" }.joined(separator: " ")
            }
            #expect(
                keys == [
                    "mock mock-chat 2023-11-14 <null>",
                    "mock mock-chat 2023-11-15 \(batchID)",
                    "other other-chat 2023-11-15 <null>",
                ]
            )
            // other-chat has no price: its cost is unknown (null), never 0.
            let unpriced = try #require(rows.last)
            #expect(unpriced["cost_micros"] is NSNull)
            #expect(unpriced["cost_usd"] is NSNull)
            #expect(unpriced["known_cost_micros"] as? Int == 0)
            #expect(unpriced["unknown_cost_requests"] as? Int == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func usage_timeRange_isStartInclusiveEndExclusive() async throws {
        try await APITestServer.with { server in
            try await Self.run(server, prompt: 1, completion: 0, at: Self.day1)
            try await Self.run(server, prompt: 1, completion: 0, at: Self.day2)
            let start = Int(Self.day1.timeIntervalSince1970)
            let end = Int(Self.day2.timeIntervalSince1970)
            let first = try Self.data(try await server.send("GET", "/v1/usage?start_time=\(start)&end_time=\(end)"))
            #expect(first.first?["requests"] as? Int == 1)
            let second = try Self.data(try await server.send("GET", "/v1/usage?start_time=\(end)"))
            #expect(second.first?["requests"] as? Int == 1)
            let grouped = try Self.data(try await server.send("GET", "/v1/usage?group_by=day&start_time=\(end + 1)"))
            #expect(grouped.isEmpty)
        }
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            ("/v1/usage?group_by=week", "group_by"), ("/v1/usage?start_time=yesterday", "start_time"),
            ("/v1/usage?end_time=-5", "end_time"),
        ]
    )
    func usage_withABadParameter_is400NamingIt(path: String, param: String) async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", path)
            #expect(response.status == 400)
            #expect(try response.errorObject()["param"] as? String == param)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func usage_withoutAKey_is401() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/v1/usage", key: nil)
            #expect(response.status == 401)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func jobAndBatchObjects_carryTheirCost_besideOpenAIsFields() async throws {
        try await APITestServer.with { server in
            let jobID = try await Self.run(server, prompt: 37, completion: 10, at: Self.day1)
            let job = try await server.send("GET", "/v1/jobs/\(jobID)").json()
            #expect(job["cost_micros"] as? Int == 34)
            #expect(job["cost_usd"] as? String == "0.000034")
            #expect(job["known_cost_micros"] as? Int == 34)
            #expect(job["unknown_cost_requests"] as? Int == 0)
            #expect(job["saved_micros"] as? Int == 0)
            #expect((job["usage"] as? [String: Any])?["total_tokens"] as? Int == 47)

            let created = try await server.send(
                "POST",
                "/v1/batches",
                headers: [("content-type", "application/jsonl")],
                body: Data((chatLine("a") + "\n" + chatLine("b", model: "other/other-chat") + "\n").utf8)
            )
            let batchID = try #require(try created.json()["id"] as? String)
            let fresh = try await server.send("GET", "/v1/batches/\(batchID)").json()
            #expect(fresh["cost_micros"] as? Int == 0)
            #expect(fresh["cost_usd"] as? String == "0.000000")
            try await Self.complete(server, prompt: 1, completion: 1, at: Self.day1)  // mock: 0.5 + 1.5 = 2
            try await Self.complete(server, provider: "other", prompt: 1, completion: 1, at: Self.day1)  // unpriced

            // The finalizer moves the finished batch on to `completed`.
            let batch = try await server.send("GET", "/v1/batches/\(batchID)?wait=30").json()
            #expect(batch["object"] as? String == "batch")
            #expect(batch["status"] as? String == "completed")
            #expect((batch["request_counts"] as? [String: Int]) == ["total": 2, "completed": 2, "failed": 0])
            #expect((batch["usage"] as? [String: Any])?["input_tokens"] as? Int == 2)
            #expect(batch["cost_micros"] is NSNull)
            #expect(batch["cost_usd"] is NSNull)
            #expect(batch["known_cost_micros"] as? Int == 2)
            #expect(batch["unknown_cost_requests"] as? Int == 1)
        }
    }
}
