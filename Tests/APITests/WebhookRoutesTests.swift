import Foundation
import Hummingbird
import Jobs
import Testing
import Workers

@testable import API

@Suite struct WebhookRoutesTests {
    @Test(.timeLimit(.minutes(1))) func createEndpoint_showsTheSecretOnce_readAndListDoNot() async throws {
        try await APITestServer.with { server in
            let created = try await server.send(
                "POST",
                "/v1/webhooks/endpoints",
                json: #"{"url":"https://example.com/hook","events":["batch.completed"],"description":"ops"}"#
            )
            #expect(created.status == 200)
            let endpoint = try created.json()
            let id = try #require(endpoint["id"] as? String)
            let secret = try #require(endpoint["secret"] as? String)
            #expect(id.hasPrefix("whep_"))
            #expect(secret.hasPrefix("whsec_"))
            #expect(endpoint["object"] as? String == "webhook_endpoint")
            #expect(endpoint["events"] as? [String] == ["batch.completed"])
            #expect(endpoint["status"] as? String == "enabled")

            let read = try await server.send("GET", "/v1/webhooks/endpoints/\(id)")
            #expect(read.status == 200)
            #expect(try read.json()["secret"] == nil)
            #expect(try read.json()["description"] as? String == "ops")

            let list = try await server.send("GET", "/v1/webhooks/endpoints")
            let data = try #require(try list.json()["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == [id])
            #expect(data.allSatisfy { $0["secret"] == nil })
            #expect(try list.json()["has_more"] as? Bool == false)
        }
    }

    @Test(.timeLimit(.minutes(1))) func rotate_returnsANewSecret_deleteRemovesTheEndpoint() async throws {
        try await APITestServer.with { server in
            let created = try await server.send("POST", "/v1/webhooks/endpoints", json: #"{"url":"http://a.example"}"#)
            let id = try #require(try created.json()["id"] as? String)
            let secret = try #require(try created.json()["secret"] as? String)

            let rotated = try await server.send("POST", "/v1/webhooks/endpoints/\(id)/rotate_secret")
            #expect(rotated.status == 200)
            let newSecret = try #require(try rotated.json()["secret"] as? String)
            #expect(newSecret != secret)
            #expect(try rotated.json()["previous_secret_expires_at"] as? Int != nil)

            let deleted = try await server.send("DELETE", "/v1/webhooks/endpoints/\(id)")
            #expect(deleted.status == 200)
            #expect(try deleted.json()["deleted"] as? Bool == true)
            #expect(try await server.send("GET", "/v1/webhooks/endpoints/\(id)").status == 404)
            #expect(try await server.send("DELETE", "/v1/webhooks/endpoints/\(id)").status == 404)
            #expect(try await server.send("POST", "/v1/webhooks/endpoints/\(id)/rotate_secret").status == 404)
            #expect(try await server.send("GET", "/v1/webhooks/endpoints/whep_x").status == 404)
        }
    }

    @Test(.timeLimit(.minutes(1))) func endpoints_areTenantScoped() async throws {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            let created = try await server.send("POST", "/v1/webhooks/endpoints", json: #"{"url":"http://a.example"}"#)
            let id = try #require(try created.json()["id"] as? String)
            #expect(try await server.send("GET", "/v1/webhooks/endpoints/\(id)", key: key).status == 404)
            #expect(try await server.send("DELETE", "/v1/webhooks/endpoints/\(id)", key: key).status == 404)
            #expect(try await server.send("GET", "/v1/webhooks/endpoints/\(id)/deliveries", key: key).status == 404)
            let list = try await server.send("GET", "/v1/webhooks/endpoints", key: key)
            #expect((try list.json()["data"] as? [Any])?.isEmpty == true)
            #expect(try await server.send("GET", "/v1/webhooks/endpoints/\(id)").status == 200)
        }
    }

    @Test(.timeLimit(.minutes(1))) func createEndpoint_withBadInput_is400NamingTheField() async throws {
        try await APITestServer.with { server in
            let cases: [(body: String, param: String, code: String?)] = [
                (#"{}"#, "url", nil),
                (#"{"url":42}"#, "url", nil),
                (#"{"url":"ftp://example.com/x"}"#, "url", "invalid_webhook_url"),
                (#"{"url":"http://user:pw@example.com/x"}"#, "url", "invalid_webhook_url"),
                (#"{"url":"http://a.example","events":[]}"#, "events", nil),
                (#"{"url":"http://a.example","events":["job.done"]}"#, "events", "invalid_event_type"),
                (#"{"url":"http://a.example","description":7}"#, "description", nil),
            ]
            for (body, param, code) in cases {
                let answer = try await server.send("POST", "/v1/webhooks/endpoints", json: body)
                #expect(answer.status == 400, "\(body)")
                let error = try answer.errorObject()
                #expect(error["param"] as? String == param, "\(body)")
                if let code { #expect(error["code"] as? String == code, "\(body)") }
            }
            let notJSON = try await server.send("POST", "/v1/webhooks/endpoints", json: "nope")
            #expect(notJSON.status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1))) func createEndpoint_withIdempotencyKey_returnsTheOriginal_or422() async throws {
        try await APITestServer.with { server in
            let body = #"{"url":"http://a.example"}"#
            let key = [("idempotency-key", "endpoint-1")]
            let first = try await server.send("POST", "/v1/webhooks/endpoints", json: body, headers: key)
            let again = try await server.send("POST", "/v1/webhooks/endpoints", json: body, headers: key)
            #expect(first.status == 200)
            #expect(again.status == 200)
            #expect(try again.json()["id"] as? String == first.json()["id"] as? String)
            #expect(try again.json()["secret"] as? String == first.json()["secret"] as? String)
            let other = try await server.send(
                "POST",
                "/v1/webhooks/endpoints",
                json: #"{"url":"http://b.example"}"#,
                headers: key
            )
            #expect(other.status == 422)
            #expect(try other.errorObject()["code"] as? String == "idempotency_key_reused")
            #expect(other.header("x-should-retry") == "false")
        }
    }

    @Test(.timeLimit(.minutes(1))) func deliveries_listTheJobEvents_ofAnEndpoint() async throws {
        try await APITestServer.with { server in
            let created = try await server.send("POST", "/v1/webhooks/endpoints", json: #"{"url":"http://a.example"}"#)
            let id = try #require(try created.json()["id"] as? String)
            for n in 1...3 {
                let job = try await server.send("POST", "/v1/jobs", json: chatLine("j\(n)"))
                #expect(job.status == 202)
            }
            for claimed in try await server.store.claim(provider: "mock", limit: 3, leaseDuration: .seconds(60)) {
                _ = try await server.store.complete(
                    claimed.lease,
                    response: JobResponse(statusCode: 200, requestID: nil, body: Data("{}".utf8), usage: nil)
                )
            }
            let page = try await server.send("GET", "/v1/webhooks/endpoints/\(id)/deliveries?limit=2")
            #expect(page.status == 200)
            let data = try #require(try page.json()["data"] as? [[String: Any]])
            #expect(data.count == 2)
            #expect(
                data.allSatisfy {
                    $0["event_type"] as? String == "job.completed" && $0["status"] as? String == "pending"
                }
            )
            #expect(try page.json()["has_more"] as? Bool == true)
            let last = try #require(try page.json()["last_id"] as? String)
            let rest = try await server.send("GET", "/v1/webhooks/endpoints/\(id)/deliveries?after=\(last)")
            #expect((try rest.json()["data"] as? [Any])?.count == 1)
            #expect(try rest.json()["has_more"] as? Bool == false)
            let bad = try await server.send("GET", "/v1/webhooks/endpoints/\(id)/deliveries?after=evt_1")
            #expect(bad.status == 400)
        }
    }

    @Test(.timeLimit(.minutes(1))) func jobWebhookURL_isChecked_andGetsItsOwnDelivery() async throws {
        try await APITestServer.with { server in
            let refused = try await server.send(
                "POST",
                "/v1/jobs",
                json: chatLine("a", extra: #","webhook_url":"gopher://example.com""#)
            )
            #expect(refused.status == 400)
            #expect(try refused.errorObject()["param"] as? String == "webhook_url")
            #expect(try refused.errorObject()["code"] as? String == "invalid_webhook_url")

            let accepted = try await server.send(
                "POST",
                "/v1/jobs",
                json: chatLine("b", extra: #","webhook_url":"https://example.com/once""#)
            )
            #expect(accepted.status == 202)
            let secret = try await server.send("GET", "/v1/webhooks/secret")
            #expect(secret.status == 200)
            let oneOff = try #require(try secret.json()["secret"] as? String)

            let claimed = try #require(
                try await server.store.claim(provider: "mock", limit: 1, leaseDuration: .seconds(60)).first
            )
            _ = try await server.store.fail(
                claimed.lease,
                response: nil,
                failure: JobFailure(code: "upstream_error", message: "The provider answered 500.")
            )
            let deliveries = try await server.store.claimWebhookDeliveries(limit: 10, leaseDuration: .seconds(30))
            #expect(deliveries.map(\.url) == ["https://example.com/once"])
            #expect(deliveries.first?.secrets == [oneOff])
            let payload = try #require(deliveries.first?.payload)
            let event = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(event["type"] as? String == "job.failed")

            let rotated = try await server.send("POST", "/v1/webhooks/secret/rotate")
            #expect(try rotated.json()["secret"] as? String != oneOff)
        }
    }

    @Test(.timeLimit(.minutes(1))) func checkURL_whenThePolicyRefuses_is400WithTheReason() async throws {
        var configuration = APIConfiguration(adminKeyHash: Data(repeating: 0, count: 32), providers: testProviders)
        configuration.webhookURLCheck = { _ in "the URL's host is or resolves to a loopback address, which is refused" }
        let error = await #expect(throws: APIError.self) {
            try await WebhookRoutes.checkURL("http://127.0.0.1:9/x", param: "url", configuration: configuration)
        }
        #expect(error?.status == .badRequest)
        #expect(error?.code == "invalid_webhook_url")
        #expect(error?.message.contains("loopback") == true)
    }
}
