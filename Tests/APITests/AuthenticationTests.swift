import Foundation
import Testing
import Workers

@testable import API
@testable import Jobs

@Suite struct AuthenticationTests {
    @Test(.timeLimit(.minutes(1)))
    func v1Route_whenNoKey_returns401InOpenAIShape() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/v1/batches", key: nil)
            #expect(response.status == 401)
            let error = try response.errorObject()
            #expect(error["type"] as? String == "authentication_error")
            #expect(error["code"] as? String == "missing_api_key")
            #expect(error.keys.sorted() == ["code", "message", "param", "type"])
            #expect(response.header("x-request-id")?.hasPrefix("req_") == true)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func v1Route_whenUnknownKey_returns401WithoutEchoingTheKey() async throws {
        try await APITestServer.with { server in
            let response = try await server.send("GET", "/v1/jobs", key: "sk-sluice-not-a-real-key")
            #expect(response.status == 401)
            #expect(try response.errorObject()["code"] as? String == "invalid_api_key")
            #expect(!response.text.contains("not-a-real-key"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func adminRoutes_whenTenantKey_return403() async throws {
        try await APITestServer.with { server in
            let key = try await server.makeTenantKey("acme")
            let response = try await server.send("POST", "/v1/admin/tenants", key: key, json: #"{"id":"evil"}"#)
            #expect(response.status == 403)
            #expect(try response.errorObject()["type"] as? String == "permission_error")
            let keys = try await server.send("POST", "/v1/admin/tenants/acme/keys", key: key)
            #expect(keys.status == 403)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func adminCreatesTenantAndKey_andTheKeyAuthenticatesAsThatTenant() async throws {
        try await APITestServer.with { server in
            let tenant = try await server.send("POST", "/v1/admin/tenants", json: #"{"id":"acme"}"#)
            #expect(tenant.status == 201)
            #expect(try tenant.json()["id"] as? String == "acme")
            #expect(try tenant.json()["object"] as? String == "tenant")

            let created = try await server.send("POST", "/v1/admin/tenants/acme/keys")
            #expect(created.status == 201)
            let body = try created.json()
            #expect(body["object"] as? String == "api_key")
            #expect(body["tenant"] as? String == "acme")
            let key = try #require(body["key"] as? String)
            #expect(key.hasPrefix("sk-sluice-"))
            #expect(key.count == "sk-sluice-".count + 48)
            let prefix = try #require(body["prefix"] as? String)
            #expect(key.hasPrefix(prefix) && prefix.count < key.count)

            let job = try await server.send("POST", "/v1/jobs", key: key, json: chatLine("a"))
            #expect(job.status == 202)
            let id = try #require(try job.json()["id"] as? String)
            let jobID = try #require(JobID(id))
            let stored = try #require(try await server.store.job(jobID, tenant: "acme"))
            #expect(stored.tenant == "acme")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func createTenant_whenIDInvalidOrExisting_rejectsOrReturnsIt() async throws {
        try await APITestServer.with { server in
            let invalid = try await server.send("POST", "/v1/admin/tenants", json: #"{"id":"Acme Corp"}"#)
            #expect(invalid.status == 400)
            #expect(try invalid.errorObject()["param"] as? String == "id")
            _ = try await server.send("POST", "/v1/admin/tenants", json: #"{"id":"acme"}"#)
            let again = try await server.send("POST", "/v1/admin/tenants", json: #"{"id":"acme"}"#)
            #expect(again.status == 200)
            let missing = try await server.send("POST", "/v1/admin/tenants/nobody/keys")
            #expect(missing.status == 404)
        }
    }

    @Test func bearerKey_parsesSchemeCaseInsensitively() {
        #expect(AuthenticationMiddleware.bearerKey("Bearer abc") == "abc")
        #expect(AuthenticationMiddleware.bearerKey("bearer  abc ") == "abc")
        #expect(AuthenticationMiddleware.bearerKey("Basic abc") == nil)
        #expect(AuthenticationMiddleware.bearerKey("Bearer") == nil)
        #expect(AuthenticationMiddleware.bearerKey(nil) == nil)
    }
}
