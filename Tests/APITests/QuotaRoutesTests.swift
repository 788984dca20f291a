import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct QuotaRoutesTests {
    @Test(.timeLimit(.minutes(1))) func put_setsQuotas_getShowsThemWithUsage_andNullRemovesOne() async throws {
        try await APITestServer.with { server in
            _ = try await server.makeTenantKey("acme")
            let put = try await server.send(
                "PUT",
                "/v1/admin/tenants/acme/quotas",
                json: #"{"requests_per_minute":600,"tokens_per_day":2000000,"usd_per_month":"12.50"}"#
            )
            #expect(put.status == 200)
            let body = try put.json()
            #expect(body["object"] as? String == "tenant.quotas")
            #expect(body["revision"] as? Int == 1)
            let quotas = try #require(body["quotas"] as? [String: Any])
            #expect(quotas["requests_per_minute"] as? Int == 600)
            #expect(quotas["tokens_per_day"] as? Int == 2_000_000)
            #expect(quotas["usd_per_month"] as? String == "12.500000")
            #expect(quotas["usd_per_day"] is NSNull)

            let removed = try await server.send(
                "PUT",
                "/v1/admin/tenants/acme/quotas",
                json: #"{"tokens_per_day":null,"usd_per_day":0.25}"#
            )
            #expect(removed.status == 200)
            let get = try await server.send("GET", "/v1/admin/tenants/acme/quotas")
            #expect(get.status == 200)
            let current = try get.json()
            #expect(current["revision"] as? Int == 2)
            let limits = try #require(current["quotas"] as? [String: Any])
            #expect(limits["tokens_per_day"] is NSNull)
            #expect(limits["requests_per_minute"] as? Int == 600)
            #expect(limits["usd_per_day"] as? String == "0.250000")
            let usage = try #require(current["usage"] as? [[String: Any]])
            #expect(usage.count == 9)
            let month = try #require(usage.first { $0["quota"] as? String == "usd_per_month" })
            #expect(month["unit"] as? String == "micro_usd")
            #expect(month["limit"] as? Int == 12_500_000)
            #expect(month["used"] as? Int == 0)
            #expect(month["reserved"] as? Int == 0)
            #expect(month["remaining"] as? Int == 12_500_000)
            let start = try #require(month["window_start"] as? Int)
            let reset = try #require(month["resets_at"] as? Int)
            #expect(start <= Int(Date().timeIntervalSince1970) && Int(Date().timeIntervalSince1970) < reset)
            let minute = try #require(usage.first { $0["quota"] as? String == "requests_per_minute" })
            #expect(try #require(minute["resets_at"] as? Int) - (minute["window_start"] as? Int ?? 0) == 60)
        }
    }

    @Test(.timeLimit(.minutes(1))) func put_withUnknownQuotaOrBadValue_is400NamingTheKey() async throws {
        try await APITestServer.with { server in
            _ = try await server.makeTenantKey("acme")
            let cases: [(String, String, String)] = [
                (#"{"usd_per_week":"1"}"#, "usd_per_week", "unknown_quota"),
                (#"{"usd_per_day":"1.0000001"}"#, "usd_per_day", "invalid_quota"),
                (#"{"usd_per_day":"-1"}"#, "usd_per_day", "invalid_quota"),
                (#"{"requests_per_minute":-1}"#, "requests_per_minute", "invalid_quota"),
                (#"{"tokens_per_day":"100"}"#, "tokens_per_day", "invalid_quota"),
            ]
            for (body, param, code) in cases {
                let answer = try await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: body)
                #expect(answer.status == 400, "\(body)")
                let error = try answer.errorObject()
                #expect(error["param"] as? String == param)
                #expect(error["code"] as? String == code)
            }
            let notJSON = try await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: "[1]")
            #expect(notJSON.status == 400)
            let stored = try await server.store.quotas(tenant: "acme")
            #expect(stored == TenantQuotas())
        }
    }

    @Test(.timeLimit(.minutes(1))) func quotas_forAnUnknownTenant_are404_andForATenantKey_403() async throws {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            #expect(try await server.send("GET", "/v1/admin/tenants/ghost/quotas").status == 404)
            #expect(
                try await server.send("PUT", "/v1/admin/tenants/ghost/quotas", json: #"{"usd_per_day":"1"}"#).status
                    == 404
            )
            let forbidden = try await server.send("GET", "/v1/admin/tenants/acme/quotas", key: key)
            #expect(forbidden.status == 403)
            #expect(try forbidden.errorObject()["code"] as? String == "admin_required")
            let forbiddenPut = try await server.send(
                "PUT",
                "/v1/admin/tenants/acme/quotas",
                key: key,
                json: #"{"usd_per_day":"1000"}"#
            )
            #expect(forbiddenPut.status == 403)
        }
    }

    @Test(.timeLimit(.minutes(1))) func submit_whenTheDollarQuotaIsSpent_is429QuotaExceeded_withoutRetry() async throws
    {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            let other = try await server.makeTenantKey("other")
            _ = try await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: #"{"usd_per_day":"0"}"#)
            let job = try await server.send("POST", "/v1/jobs", key: key, json: chatLine("a"))
            #expect(job.status == 429)
            let error = try job.errorObject()
            #expect(error["type"] as? String == "quota_exceeded")
            #expect(error["code"] as? String == "quota_exceeded")
            let message = try #require(error["message"] as? String)
            #expect(message.contains("usd_per_day"))
            #expect(message.contains("resets at"))
            #expect(message.hasSuffix("T00:00:00Z."))
            #expect(job.header("x-should-retry") == "false")
            #expect(job.header("retry-after") == nil)
            #expect(job.header("x-request-id") != nil)

            let batch = try await server.send(
                "POST",
                "/v1/batches",
                key: key,
                json: #"{"requests":[\#(chatLine("b"))]}"#
            )
            #expect(batch.status == 429)
            #expect(try batch.errorObject()["type"] as? String == "quota_exceeded")
            // Another tenant is not affected; removing the quota lets the tenant submit again.
            #expect(try await server.send("POST", "/v1/jobs", key: other, json: chatLine("c")).status == 202)
            _ = try await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: #"{"usd_per_day":null}"#)
            #expect(try await server.send("POST", "/v1/jobs", key: key, json: chatLine("d")).status == 202)
        }
    }

    @Test(.timeLimit(.minutes(1))) func submit_whenAMinuteQuotaIsSpent_saysRetryAfterTheReset() async throws {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            _ = try await server.send("PUT", "/v1/admin/tenants/acme/quotas", json: #"{"requests_per_minute":0}"#)
            let job = try await server.send("POST", "/v1/jobs", key: key, json: chatLine("a"))
            #expect(job.status == 429)
            let seconds = try #require(job.header("retry-after").flatMap { Int($0) })
            #expect((1...60).contains(seconds))
            #expect(job.header("x-should-retry") == nil)
            #expect(try job.errorObject()["message"] as? String ?? "" != "")
        }
    }
}
