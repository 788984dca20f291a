import Foundation
import Synchronization
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct JobRoutesTests {
    @Test(.timeLimit(.minutes(1)))
    func createJob_returns202JobObject() async throws {
        try await APITestServer.with { server in
            let response = try await server.send(
                "POST",
                "/v1/jobs",
                json: chatLine("doc-1", extra: #","priority":7,"metadata":{"team":"ml"},"max_attempts":2"#)
            )
            #expect(response.status == 202)
            let job = try response.json()
            #expect((job["id"] as? String)?.hasPrefix("job_") == true)
            #expect(job["object"] as? String == "job")
            #expect(job["status"] as? String == "queued")
            #expect(job["custom_id"] as? String == "doc-1")
            #expect(job["model"] as? String == "mock-chat")
            #expect(job["provider"] as? String == "mock")
            #expect(job["url"] as? String == "/v1/chat/completions")
            #expect(job["priority"] as? Int == 7)
            #expect(job["max_attempts"] as? Int == 2)
            #expect((job["metadata"] as? [String: String]) == ["team": "ml"])
            #expect(job["created_at"] is Int)
            #expect(job["response"] is NSNull)
            #expect(job["error"] is NSNull)
            #expect(job["usage"] is NSNull)
            #expect(job["batch_id"] is NSNull)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJob_withoutCompletionWindow_getsTheDefaultWindowAsItsDeadline() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("POST", "/v1/jobs", json: chatLine("no-window"))
            #expect(response.status == 202)
            let job = try response.json()
            let created = try #require(job["created_at"] as? Int)
            let expires = try #require(job["expires_at"] as? Int)
            #expect((expires - created) - 24 * 3600 <= 1)  // the default window, 24h
            #expect((expires - created) - 24 * 3600 >= -1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJob_whenModelUnknown_returns400NamingIt() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("POST", "/v1/jobs", json: chatLine("a", model: "gpt-nope"))
            #expect(response.status == 400)
            let error = try response.errorObject()
            #expect(error["code"] as? String == "model_not_found")
            #expect(error["param"] as? String == "body.model")
            #expect((error["message"] as? String)?.contains("gpt-nope") == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJob_withProviderPrefix_routesExplicitlyAndRewritesModel() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("POST", "/v1/jobs", json: chatLine("a", model: "other/shared-model"))
            #expect(response.status == 202)
            let job = try response.json()
            #expect(job["provider"] as? String == "other")
            #expect(job["model"] as? String == "shared-model")
            let text = try #require(job["id"] as? String)
            let id = try #require(JobID(text))
            let stored = try #require(try await server.store.job(id, tenant: "default"))
            let body = try #require(try JSONSerialization.jsonObject(with: stored.body) as? [String: Any])
            #expect(body["model"] as? String == "shared-model")
            #expect(body["messages"] is [Any])

            let plain = try await server.send("POST", "/v1/jobs", json: chatLine("b", model: "shared-model"))
            #expect(try plain.json()["provider"] as? String == "mock")  // first provider in configuration order
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func getJob_withWait_returnsOnceTheJobCompletes() async throws {
        try await APITestServer.with { server in
            let created = try await server.send("POST", "/v1/jobs", json: chatLine("slow"))
            let id = try #require(try created.json()["id"] as? String)

            async let polled = server.send("GET", "/v1/jobs/\(id)?wait=30")
            let claimed = try await server.store.claim(provider: "mock", limit: 10, leaseDuration: .seconds(60))
            let lease = try #require(claimed.first?.lease)
            let completed = try await server.store.complete(
                lease,
                response: JobResponse(
                    statusCode: 200,
                    requestID: "up_1",
                    body: Data(#"{"answer":42}"#.utf8),
                    usage: TokenUsage(promptTokens: 3, completionTokens: 2)
                )
            )
            #expect(completed)

            let response = try await polled
            #expect(response.status == 200)
            let job = try response.json()
            #expect(job["status"] as? String == "succeeded")
            #expect(job["attempts"] as? Int == 1)
            let upstream = try #require(job["response"] as? [String: Any])
            #expect(upstream["status_code"] as? Int == 200)
            #expect(upstream["request_id"] as? String == "up_1")
            #expect((upstream["body"] as? [String: Any])?["answer"] as? Int == 42)
            let usage = try #require(job["usage"] as? [String: Any])
            #expect(usage["total_tokens"] as? Int == 5)
            #expect(job["finished_at"] is Int)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func getJob_withShortWaitOnQueuedJob_returnsItStillQueued() async throws {
        try await APITestServer.with { server in
            let created = try await server.send("POST", "/v1/jobs", json: chatLine("idle"))
            let id = try #require(try created.json()["id"] as? String)
            let response = try await server.send("GET", "/v1/jobs/\(id)?wait=0.05")
            #expect(response.status == 200)
            #expect(try response.json()["status"] as? String == "queued")
            let bad = try await server.send("GET", "/v1/jobs/\(id)?wait=soon")
            #expect(bad.status == 400)
            #expect(try bad.errorObject()["param"] as? String == "wait")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelJob_withEmptyJSONBody_cancelsAndASecondCancelIs400() async throws {
        try await APITestServer.with { server in
            let created = try await server.send("POST", "/v1/jobs", json: chatLine("c"))
            let id = try #require(try created.json()["id"] as? String)
            // What the OpenAI SDK sends: content-type JSON and no body.
            let cancelled = try await server.send(
                "POST",
                "/v1/jobs/\(id)/cancel",
                headers: [("content-type", "application/json")],
                body: Data()
            )
            #expect(cancelled.status == 200)
            #expect(try cancelled.json()["status"] as? String == "cancelled")
            let again = try await server.send("POST", "/v1/jobs/\(id)/cancel")
            #expect(again.status == 400)
            #expect(try again.errorObject()["type"] as? String == "invalid_request_error")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func jobs_ofAnotherTenantOrMalformed_are404() async throws {
        try await APITestServer.with { server in
            let acme = try await server.makeTenantKey("acme")
            let beta = try await server.makeTenantKey("beta")
            let created = try await server.send("POST", "/v1/jobs", key: acme, json: chatLine("secret"))
            let id = try #require(try created.json()["id"] as? String)

            let other = try await server.send("GET", "/v1/jobs/\(id)", key: beta)
            #expect(other.status == 404)
            #expect(try other.errorObject()["type"] as? String == "not_found_error")
            let cancel = try await server.send("POST", "/v1/jobs/\(id)/cancel", key: beta)
            #expect(cancel.status == 404)
            let list = try await server.send("GET", "/v1/jobs", key: beta)
            #expect((try list.json()["data"] as? [Any])?.isEmpty == true)
            let own = try await server.send("GET", "/v1/jobs/\(id)", key: acme)
            #expect(own.status == 200)

            for malformed in ["job_", "job_abc", "batch_1", "1", "job_-4", "job_99999999999999999999"] {
                let response = try await server.send("GET", "/v1/jobs/\(malformed)", key: acme)
                #expect(response.status == 404, "\(malformed)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func listJobs_pagesNewestFirstWithHasMoreAndFilters() async throws {
        try await APITestServer.with { server in
            var ids: [String] = []
            for index in 0..<5 {
                let created = try await server.send("POST", "/v1/jobs", json: chatLine("j\(index)"))
                ids.append(try #require(try created.json()["id"] as? String))
            }
            let first = try await server.send("GET", "/v1/jobs?limit=2").json()
            #expect((first["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[4], ids[3]])
            #expect(first["has_more"] as? Bool == true)
            #expect(first["object"] as? String == "list")
            #expect(first["first_id"] as? String == ids[4])
            #expect(first["last_id"] as? String == ids[3])
            let last = try await server.send("GET", "/v1/jobs?limit=3&after=\(ids[3])").json()
            #expect((last["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[1], ids[0]])
            #expect(last["has_more"] as? Bool == false)

            _ = try await server.send("POST", "/v1/jobs/\(ids[1])/cancel")
            let cancelled = try await server.send("GET", "/v1/jobs?status=cancelled").json()
            #expect((cancelled["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[1]])

            let badLimit = try await server.send("GET", "/v1/jobs?limit=101")
            #expect(badLimit.status == 400)
            #expect(try badLimit.errorObject()["param"] as? String == "limit")
            let badStatus = try await server.send("GET", "/v1/jobs?status=done")
            #expect(badStatus.status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJob_withIdempotencyKey_returnsTheOriginal() async throws {
        try await APITestServer.with { server in
            let headers = [("idempotency-key", "job-key-1")]
            let first = try await server.send("POST", "/v1/jobs", json: chatLine("x"), headers: headers)
            let second = try await server.send("POST", "/v1/jobs", json: chatLine("x"), headers: headers)
            #expect(first.status == 202 && second.status == 202)
            #expect(try first.json()["id"] as? String == second.json()["id"] as? String)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJob_withWebhookURL_exactRepeatReturnsTheOriginalWithoutCheckingTheURLAgain() async throws {
        // The URL check passes once, then refuses (as when the name resolves to a refused address by now).
        let checks = Mutex(0)
        let check: WebhookURLCheck = { _ in
            checks.withLock { count in
                count += 1
                return count == 1 ? nil : "the URL's host is or resolves to a loopback address, which is refused"
            }
        }
        try await APITestServer.with(webhookURLCheck: check) { server in
            let line = chatLine("hooked", extra: #","webhook_url":"https://hooks.example.com/sluice""#)
            let headers = [("idempotency-key", "hooked-key")]
            let first = try await server.send("POST", "/v1/jobs", json: line, headers: headers)
            #expect(first.status == 202)
            let repeated = try await server.send("POST", "/v1/jobs", json: line, headers: headers)
            #expect(repeated.status == 202)
            #expect(try repeated.json()["id"] as? String == first.json()["id"] as? String)
            #expect(checks.withLock { $0 } == 1)

            // The same key with a different request is still the 422, and a new key is checked (and refused).
            let changed = chatLine("other", extra: #","webhook_url":"https://hooks.example.com/sluice""#)
            let reused = try await server.send("POST", "/v1/jobs", json: changed, headers: headers)
            #expect(reused.status == 422)
            #expect(try reused.errorObject()["code"] as? String == "idempotency_key_reused")
            let fresh = try await server.send("POST", "/v1/jobs", json: line, headers: [("idempotency-key", "new-key")])
            #expect(fresh.status == 400)
            #expect(try fresh.errorObject()["code"] as? String == "invalid_webhook_url")
            #expect(checks.withLock { $0 } == 2)
        }
    }
}
