import App
import Foundation
import Jobs
import MockProvider
import Testing
import Workers

/// Tenant quotas through the real stack: two tenants race many concurrent jobs against a small dollar budget.
@Suite(.serialized) struct QuotaEndToEndTests {
    static let linesPerTenant = 300
    static let concurrency = 64
    static let maxTokens = 16

    /// A JSONL batch whose lines cap their output, so a call's estimate is close to its real cost.
    static func cappedChatBatch(tenant: String) -> Data {
        var text = ""
        for i in 0..<linesPerTenant {
            text +=
                #"{"custom_id":"\#(tenant)-\#(i)","method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","max_tokens":\#(maxTokens),"messages":[{"role":"user","content":"Summarise document \#(i)"}]}}"#
            text += "\n"
        }
        return Data(text.utf8)
    }

    /// The largest reservation a line of the batch makes: its estimated tokens at mock-chat's builtin price.
    static func maxEstimateMicros() throws -> Int64 {
        let price = try #require(PriceTable.builtin.price(provider: "e2e", model: "mock-chat"))
        let lines = String(decoding: cappedChatBatch(tenant: "x"), as: UTF8.self).split(separator: "\n")
        return try lines.map { line -> Int64 in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let body = try JSONSerialization.data(withJSONObject: object["body"] as Any)
            let estimate = TokenEstimate(endpoint: "/v1/chat/completions", body: body, defaultMaxTokens: 1024)
            let usage = TokenUsage(promptTokens: estimate.promptTokens, completionTokens: estimate.maxOutputTokens)
            return try #require(price.cost(of: usage))
        }.max() ?? 0
    }

    @Test(.timeLimit(.minutes(3)))
    func twoTenantsRacingASmallBudget_neverOverspendBeyondTheInFlightReservation_andTheRestWait() async throws {
        let harness = try await EndToEndHarness(mockLatency: .milliseconds(20))
        let estimate = try Self.maxEstimateMicros()
        // About 50 calls' worth of estimates per tenant.
        let budget = 50 * estimate
        let bound = budget + Int64(Self.concurrency) * estimate
        let tenants = ["alpha", "beta"]
        let figures = try await harness.withServer(harness.configuration(maxConcurrency: Self.concurrency)) {
            client -> [String: (spent: Int64, succeeded: Int, waiting: Int)] in
            var keys: [String: String] = [:]
            for tenant in tenants {
                keys[tenant] = try await client.makeTenant(tenant)
                let set = try await client.send(
                    "PUT",
                    "/v1/admin/tenants/\(tenant)/quotas",
                    json: #"{"usd_per_month":"\#(MicroDollars.format(budget))"}"#
                )
                #expect(set.status == 200)
            }

            // Both tenants submit at once; the lane (64 calls at a time) drains both.
            let tenantKeys = keys
            let batchIDs = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for tenant in tenants {
                    group.addTask {
                        let answer = try await client.send(
                            "POST",
                            "/v1/batches",
                            key: tenantKeys[tenant],
                            body: Self.cappedChatBatch(tenant: tenant),
                            contentType: "application/jsonl"
                        )
                        #expect(answer.status == 202)
                        return (tenant, try #require(try ServerClient.object(answer.body)["id"] as? String))
                    }
                }
                var ids: [String: String] = [:]
                for try await (tenant, id) in group { ids[tenant] = id }
                return ids
            }

            var figures: [String: (spent: Int64, succeeded: Int, waiting: Int)] = [:]
            for tenant in tenants {
                let batchID = try #require(batchIDs[tenant])
                let (succeeded, waiting) = try await client.waitUntilSettled(
                    batch: batchID,
                    key: keys[tenant],
                    total: Self.linesPerTenant
                )
                let batch = try await client.getJSON("/v1/batches/\(batchID)", key: keys[tenant])
                let counts = try #require(batch["request_counts"] as? [String: Any])
                #expect(counts["failed"] as? Int == 0, "no job fails for its quota before its deadline")

                let usage = try await client.get("/v1/usage?tenant=\(tenant)").json
                let row = try #require((usage["data"] as? [[String: Any]])?.first)
                let spent = Int64(try #require(row["cost_micros"] as? Int))
                figures[tenant] = (spent, succeeded, waiting)

                // The over-quota answer at submit: clear, and no retry storm (the month resets later than 120 s).
                let refused = try await client.send(
                    "POST",
                    "/v1/jobs",
                    key: keys[tenant],
                    json:
                        #"{"method":"POST","url":"/v1/chat/completions","body":{"model":"mock-chat","messages":[{"role":"user","content":"one more"}]}}"#
                )
                #expect(refused.status == 429)
                let error = try #require(try ServerClient.object(refused.body)["error"] as? [String: Any])
                #expect(error["type"] as? String == "quota_exceeded")
                #expect(error["code"] as? String == "quota_exceeded")
                let message = error["message"] as? String ?? ""
                #expect(message.contains("usd_per_month") && message.contains("resets at"), "\(message)")
                #expect(refused.header("x-should-retry") == "false")

                // The admin view agrees with the ledger: nothing in flight, the budget (almost) used.
                let quotas = try await client.get("/v1/admin/tenants/\(tenant)/quotas").json
                let month = try #require(
                    (quotas["usage"] as? [[String: Any]])?.first { $0["quota"] as? String == "usd_per_month" }
                )
                #expect(month["reserved"] as? Int == 0)
                #expect(month["used"] as? Int == Int(spent))
                if tenant == tenants.first { print("quota race: refused submit says: \(message)") }
            }
            // The provider saw exactly the calls the ledger recorded: none beyond the budget slipped through.
            let ran = figures.values.reduce(0) { $0 + $1.succeeded }
            #expect(harness.mock.stats.snapshot.models["mock-chat"]?.requests == ran)
            return figures
        }
        try await harness.shutdown()

        for tenant in tenants {
            let (spent, succeeded, waiting) = try #require(figures[tenant])
            print(
                "quota race \(tenant): spent \(spent) µ$ of a \(budget) µ$ budget (bound \(bound) µ$ = budget + "
                    + "\(Self.concurrency) × \(estimate) µ$ estimate); \(succeeded) jobs ran, \(waiting) wait for the window"
            )
            #expect(spent <= bound, "recorded spend stays within budget + the in-flight reservation")
            #expect(spent <= budget, "calls never cost more than their estimate here, so the budget itself holds")
            #expect(spent >= budget / 2, "the budget is used, not starved")
            #expect(succeeded + waiting == Self.linesPerTenant)
            #expect(waiting > 0)
        }
    }
}

extension ServerClient {
    /// Sends a request with `key` (this client's key when nil).
    func send(
        _ method: String,
        _ path: String,
        key: String? = nil,
        body: Data? = nil,
        contentType: String? = nil
    ) async throws -> HTTPResponse {
        var headers = [("authorization", "Bearer \(key ?? self.key)")]
        if let contentType { headers.append(("content-type", contentType)) }
        return try await transport.send(HTTPRequest(method: method, url: base + path, headers: headers, body: body))
    }

    func send(_ method: String, _ path: String, key: String? = nil, json: String) async throws -> HTTPResponse {
        try await send(method, path, key: key, body: Data(json.utf8), contentType: "application/json")
    }

    /// GETs a JSON object with `key` (this client's key when nil).
    func getJSON(_ path: String, key: String?) async throws -> [String: Any] {
        try Self.object(try await send("GET", path, key: key).body)
    }

    /// Polls (with a deadline) until every job of the batch has either succeeded or waits in the queue for its
    /// quota window (`queued` with `quota_exceeded`); returns both counts.
    func waitUntilSettled(
        batch: String,
        key: String?,
        total: Int,
        timeout: Duration = .seconds(120)
    ) async throws
        -> (succeeded: Int, waiting: Int)
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let counts = try #require(
                try await getJSON("/v1/batches/\(batch)", key: key)["request_counts"] as? [String: Any]
            )
            let succeeded = counts["completed"] as? Int ?? 0
            var waiting = 0
            var after = ""
            while true {
                let page = try await getJSON(
                    "/v1/jobs?batch_id=\(batch)&status=queued&limit=100&after=\(after)",
                    key: key
                )
                let jobs = page["data"] as? [[String: Any]] ?? []
                waiting += jobs.filter { ($0["error"] as? [String: Any])?["code"] as? String == "quota_exceeded" }.count
                guard page["has_more"] as? Bool == true, let last = jobs.last?["id"] as? String else { break }
                after = last
            }
            if succeeded + waiting == total { return (succeeded, waiting) }
            if ContinuousClock.now > deadline {
                Issue.record("batch \(batch) not settled in time: \(succeeded) succeeded, \(waiting) waiting")
                return (succeeded, waiting)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
