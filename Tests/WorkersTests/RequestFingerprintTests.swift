import Foundation
import Testing

@testable import Jobs
@testable import Workers

@Suite struct RequestFingerprintTests {
    func key(
        _ body: String,
        family: ProviderConfiguration.Kind = .openai,
        model: String = "m",
        endpoint: String = "/v1/chat/completions",
        tenant: String? = "acme"
    ) throws -> Data {
        RequestFingerprint(
            family: family,
            model: model,
            endpoint: endpoint,
            body: try CanonicalJSON(parsing: Array(body.utf8)),
            tenant: tenant
        ).key
    }

    let body = #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi"}]}"#

    @Test func key_isSHA256_of32Bytes_andStable() throws {
        #expect(try key(body).count == 32)
        #expect(try key(body) == key(body))
    }

    @Test func key_ignoresKeyOrderWhitespaceAndNumberSpelling() throws {
        let reordered = #"{ "messages" : [ { "content":"hi", "role":"user" } ], "temperature": 0.0, "model":"m" }"#
        #expect(try key(reordered) == key(body))
    }

    @Test func key_ignoresNonSemanticMembers() throws {
        let noisy =
            #"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi"}],"user":"u-42","#
            + #""metadata":{"run":"7"},"store":true,"stream_options":{"include_usage":true},"service_tier":"auto"}"#
        #expect(try key(noisy) == key(body))
    }

    @Test func key_keepsSemanticMembers() throws {
        #expect(try key(#"{"model":"m","temperature":0.5,"messages":[{"role":"user","content":"hi"}]}"#) != key(body))
        #expect(try key(#"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi!"}]}"#) != key(body))
        #expect(
            try key(#"{"model":"m","temperature":0,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#)
                != key(body)
        )
        // Non-semantic names only count at the top level: a message's `user` field is content.
        #expect(
            try key(#"{"model":"m","temperature":0,"messages":[{"role":"user","content":"hi","user":"x"}]}"#)
                != key(body)
        )
    }

    @Test func key_differsByModelEndpointFamilyAndTenant() throws {
        let base = try key(body)
        #expect(try key(body, model: "m2") != base)
        #expect(try key(body, endpoint: "/v1/embeddings") != base)
        #expect(try key(body, family: .anthropic) != base)
        #expect(try key(body, tenant: "other") != base)
        #expect(try key(body, tenant: nil) != base)
        #expect(try key(body, tenant: nil) == key(body, tenant: nil))
    }

    @Test func canonicalBytes_nameEveryPart() throws {
        let fingerprint = RequestFingerprint(
            family: .openai,
            model: "m",
            endpoint: "/v1/embeddings",
            body: try CanonicalJSON(parsing: Array(#"{"user":"u","input":"x","model":"m"}"#.utf8)),
            tenant: "t"
        )
        #expect(
            String(decoding: fingerprint.canonicalBytes, as: UTF8.self)
                == #"{"body":{"input":"x","model":"m"},"endpoint":"/v1/embeddings","family":"openai","model":"m","#
                + #""tenant":"t","v":1}"#
        )
    }
}
