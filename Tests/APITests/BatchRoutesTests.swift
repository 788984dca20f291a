import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct BatchRoutesTests {
    static func inline(_ lines: [String], extra: String = "") -> String {
        #"{"requests":[\#(lines.joined(separator: ","))]\#(extra)}"#
    }

    @Test(.timeLimit(.minutes(1)))
    func createInlineBatch_returns202InOpenAIShape() async throws {
        try await APITestServer.with { server in
            let body = Self.inline(
                (1...3).map { chatLine("r\($0)") },
                extra: #","metadata":{"run":"nightly"},"completion_window":"1h""#
            )
            let response = try await server.send("POST", "/v1/batches", json: body)
            #expect(response.status == 202)
            let batch = try response.json()
            #expect((batch["id"] as? String)?.hasPrefix("batch_") == true)
            #expect(batch["object"] as? String == "batch")
            #expect(batch["endpoint"] as? String == "/v1/chat/completions")
            #expect(batch["status"] as? String == "in_progress")
            #expect(batch["completion_window"] as? String == "1h")
            #expect(batch["input_file_id"] is NSNull)
            let created = try #require(batch["created_at"] as? Int)
            let expires = try #require(batch["expires_at"] as? Int)
            #expect(expires - created == 3_600)
            #expect((batch["request_counts"] as? [String: Int]) == ["total": 3, "completed": 0, "failed": 0])
            #expect((batch["metadata"] as? [String: String]) == ["run": "nightly"])
            for key in [
                "in_progress_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at",
                "finalizing_at", "output_file_id", "error_file_id", "errors", "usage",
            ] {
                #expect(batch.keys.contains(key), "\(key)")
            }

            let id = try #require(batch["id"] as? String)
            let jobs = try await server.send("GET", "/v1/jobs?batch_id=\(id)").json()
            let data = try #require(jobs["data"] as? [[String: Any]])
            #expect(Set(data.compactMap { $0["custom_id"] as? String }) == ["r1", "r2", "r3"])
            #expect(data.allSatisfy { $0["batch_id"] as? String == id })
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createJSONLBatch_ignoresBlankLinesAndUsesQueryWindow() async throws {
        try await APITestServer.with { server in
            let embed =
                #"{"custom_id":"e1","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":"a"}}"#
            let embed2 =
                #"{"custom_id":"e2","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":["b","c"]}}"#
            let body = "\(embed)\r\n\n   \n\(embed2)\n"
            let response = try await server.send(
                "POST",
                "/v1/batches?completion_window=30m",
                headers: [("content-type", "application/x-ndjson")],
                body: Data(body.utf8)
            )
            #expect(response.status == 202)
            let batch = try response.json()
            #expect(batch["endpoint"] as? String == "/v1/embeddings")
            #expect(batch["completion_window"] as? String == "30m")
            #expect((batch["request_counts"] as? [String: Int])?["total"] == 2)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createBatch_withJSONLBodyUnderAnotherContentType_readsItAsJSONL() async throws {
        try await APITestServer.with { server in
            let body = [chatLine("a"), chatLine("b")].joined(separator: "\n")
            for contentType in ["application/json", "application/x-www-form-urlencoded"] {
                let response = try await server.send(
                    "POST",
                    "/v1/batches",
                    headers: [("content-type", contentType)],
                    body: Data(body.utf8)
                )
                #expect(response.status == 202, "\(contentType)")
                #expect((try response.json()["request_counts"] as? [String: Int])?["total"] == 2)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createBatch_whenALineIsInvalid_rejectsAllNamingTheLine() async throws {
        try await APITestServer.with { server in
            let bad =
                #"{"custom_id":"r3","method":"POST","url":"/v1/chat/completions","body":{"model":7,"messages":[]}}"#
            let inline = try await server.send(
                "POST",
                "/v1/batches",
                json: Self.inline([chatLine("r1"), chatLine("r2"), bad, chatLine("r4")])
            )
            #expect(inline.status == 400)
            let error = try inline.errorObject()
            #expect(error["param"] as? String == "requests[2].body.model")
            #expect((error["message"] as? String)?.contains("Line 3") == true)
            let listed = try await server.send("GET", "/v1/batches").json()
            #expect((listed["data"] as? [Any])?.isEmpty == true)
            let jobs = try await server.store.jobs(tenant: "default", state: nil, batch: nil, after: nil, limit: 10)
            #expect(jobs.isEmpty)

            let jsonl = [
                chatLine("a"), chatLine("b"), "",
                #"{"custom_id":"d","method":"GET","url":"/v1/chat/completions","body":{}}"#,
            ]
            .joined(separator: "\n")
            let response = try await server.send(
                "POST",
                "/v1/batches",
                headers: [("content-type", "application/jsonl")],
                body: Data(jsonl.utf8)
            )
            #expect(response.status == 400)
            let jsonlError = try response.errorObject()
            #expect(jsonlError["param"] as? String == "line 4")
            #expect((jsonlError["message"] as? String)?.hasPrefix("Line 4:") == true)
            #expect((jsonlError["message"] as? String)?.contains("method") == true)

            let broken = "\(chatLine("a"))\n{\"custom_id\": \"b\", oops}\n"
            let brokenResponse = try await server.send(
                "POST",
                "/v1/batches",
                headers: [("content-type", "application/jsonl")],
                body: Data(broken.utf8)
            )
            #expect(brokenResponse.status == 400)
            #expect((try brokenResponse.errorObject()["message"] as? String)?.hasPrefix("Line 2: invalid JSON") == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createBatch_withDuplicateCustomIDs_rejectsNamingBothLines() async throws {
        try await APITestServer.with { server in
            let response = try await server.send(
                "POST",
                "/v1/batches",
                json: Self.inline([chatLine("a"), chatLine("b"), chatLine("a")])
            )
            #expect(response.status == 400)
            let error = try response.errorObject()
            #expect(error["code"] as? String == "duplicate_custom_id")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("Line 3") && message.contains("line 1"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createBatch_withMixedURLsEmptyOrBadWindow_is400() async throws {
        try await APITestServer.with { server in
            let embed =
                #"{"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{"model":"mock-embed","input":"x"}}"#
            let mixed = try await server.send("POST", "/v1/batches", json: Self.inline([chatLine("a"), embed]))
            #expect(mixed.status == 400)
            #expect(try mixed.errorObject()["param"] as? String == "requests[1].url")
            let empty = try await server.send("POST", "/v1/batches", json: Self.inline([]))
            #expect(empty.status == 400)
            let window = try await server.send(
                "POST",
                "/v1/batches",
                json: Self.inline([chatLine("a")], extra: #","completion_window":"2w""#)
            )
            #expect(window.status == 400)
            #expect(try window.errorObject()["param"] as? String == "completion_window")
            let notJSON = try await server.send("POST", "/v1/batches", json: "{nope")
            #expect(notJSON.status == 400)
            let deep = String(repeating: "[", count: 10_000)
            let nested = try await server.send("POST", "/v1/batches", json: deep)
            #expect(nested.status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createBatch_withIdempotencyKey_returnsTheSameBatch() async throws {
        try await APITestServer.with { server in
            let body = Self.inline([chatLine("a"), chatLine("b")])
            let headers = [("idempotency-key", "nightly-2024-01-01")]
            let first = try await server.send("POST", "/v1/batches", json: body, headers: headers)
            let second = try await server.send("POST", "/v1/batches", json: body, headers: headers)
            #expect(first.status == 202 && second.status == 202)
            let id = try first.json()["id"] as? String
            let secondID = try second.json()["id"] as? String
            #expect(id != nil && id == secondID)
            let list = try await server.send("GET", "/v1/batches").json()
            #expect((list["data"] as? [Any])?.count == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func listBatches_pagesWithHasMoreAndAfter() async throws {
        try await APITestServer.with { server in
            var ids: [String] = []
            for index in 0..<3 {
                let created = try await server.send("POST", "/v1/batches", json: Self.inline([chatLine("b\(index)")]))
                ids.append(try #require(try created.json()["id"] as? String))
            }
            let first = try await server.send("GET", "/v1/batches?limit=2").json()
            #expect((first["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
            #expect(first["has_more"] as? Bool == true)
            let second = try await server.send("GET", "/v1/batches?limit=2&after=\(ids[1])").json()
            #expect((second["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[0]])
            #expect(second["has_more"] as? Bool == false)
            let empty = try await server.send("GET", "/v1/batches?after=\(ids[0])").json()
            #expect((empty["data"] as? [Any])?.isEmpty == true)
            #expect(empty["has_more"] as? Bool == false)
            #expect(empty["first_id"] is NSNull)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func batches_ofAnotherTenant_are404() async throws {
        try await APITestServer.with { server in
            let acme = try await server.makeTenantKey("acme")
            let beta = try await server.makeTenantKey("beta")
            let created = try await server.send("POST", "/v1/batches", key: acme, json: Self.inline([chatLine("a")]))
            let id = try #require(try created.json()["id"] as? String)
            for path in ["/v1/batches/\(id)", "/v1/batches/\(id)/results"] {
                let response = try await server.send("GET", path, key: beta)
                #expect(response.status == 404, "\(path)")
            }
            #expect(try await server.send("POST", "/v1/batches/\(id)/cancel", key: beta).status == 404)
            #expect(try await server.send("GET", "/v1/batches/\(id)", key: acme).status == 200)
            #expect(try await server.send("GET", "/v1/batches/batch_x", key: acme).status == 404)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func results_streamOpenAIOutputLinesForFinalJobs() async throws {
        try await APITestServer.with(resultsPageSize: 2) { server in
            let created = try await server.send(
                "POST",
                "/v1/batches",
                json: Self.inline((1...4).map { chatLine("r\($0)") })
            )
            let batchID = try #require(try created.json()["id"] as? String)

            let claimed = try await server.store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60))
            #expect(claimed.count == 3)
            let byCustomID = Dictionary(uniqueKeysWithValues: claimed.map { ($0.customID ?? "", $0.lease) })
            let answer = #"{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"ok"}}]}"#
            #expect(
                try await server.store.complete(
                    #require(byCustomID["r1"]),
                    response: JobResponse(
                        statusCode: 200,
                        requestID: "req_up1",
                        body: Data(answer.utf8),
                        usage: TokenUsage(promptTokens: 10, completionTokens: 4)
                    )
                )
            )
            #expect(
                try await server.store.fail(
                    #require(byCustomID["r2"]),
                    response: JobResponse(
                        statusCode: 400,
                        requestID: "req_up2",
                        body: Data(#"{"error":{"message":"bad"}}"#.utf8),
                        usage: nil
                    ),
                    failure: JobFailure(code: "upstream_error", message: "The provider answered 400.")
                )
            )

            let cancel = try await server.send("POST", "/v1/batches/\(batchID)/cancel")
            #expect(cancel.status == 200)
            #expect(["cancelling", "cancelled"].contains(try cancel.json()["status"] as? String))
            #expect(try await server.store.acknowledgeCancel(#require(byCustomID["r3"])))

            // The finalizer writes the files, then the batch is cancelled.
            let batch = try await server.send("GET", "/v1/batches/\(batchID)?wait=30").json()
            #expect(batch["status"] as? String == "cancelled")
            #expect(batch["output_file_id"] is String)
            #expect(batch["error_file_id"] is String)
            #expect((batch["request_counts"] as? [String: Int]) == ["total": 4, "completed": 1, "failed": 3])
            #expect((batch["usage"] as? [String: Any])?["total_tokens"] as? Int == 14)

            let results = try await server.send("GET", "/v1/batches/\(batchID)/results")
            #expect(results.status == 200)
            #expect(results.header("content-type") == "application/jsonl")
            let lines = results.text.split(separator: "\n")
            #expect(lines.count == 4)
            var byID: [String: [String: Any]] = [:]
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(object.keys.sorted() == ["custom_id", "error", "id", "response"])
                #expect((object["id"] as? String)?.hasPrefix("batch_req_") == true)
                byID[try #require(object["custom_id"] as? String)] = object
            }
            let ok = try #require(byID["r1"]?["response"] as? [String: Any])
            #expect(ok["status_code"] as? Int == 200)
            #expect(ok["request_id"] as? String == "req_up1")
            #expect((ok["body"] as? [String: Any])?["id"] as? String == "chatcmpl-1")  // embedded, not a string
            #expect(byID["r1"]?["error"] is NSNull)
            #expect((byID["r2"]?["response"] as? [String: Any])?["status_code"] as? Int == 400)
            for id in ["r3", "r4"] {
                #expect(byID[id]?["response"] is NSNull)
                #expect((byID[id]?["error"] as? [String: Any])?["code"] as? String == "batch_cancelled")
            }

            let again = try await server.send("POST", "/v1/batches/\(batchID)/cancel")
            #expect(again.status == 400)
            #expect(try again.errorObject()["type"] as? String == "invalid_request_error")
        }
    }
}
