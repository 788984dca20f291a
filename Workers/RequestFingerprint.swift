import Crypto
package import Jobs

package import struct Foundation.Data

/// The response cache's key: SHA-256 over a canonical form of the request, so that requests asking the same
/// question of the same model share one entry.
///
/// The canonical form is itself canonical JSON (see ``CanonicalJSON``):
/// `{"body":…,"endpoint":…,"family":…,"model":…,"tenant":…|null,"v":1}`, where `body` is the request body with
/// its non-semantic members removed (``nonSemanticMembers``), object keys sorted and numbers normalised, and
/// `tenant` is the owner of the entry when the cache is tenant-scoped (null when global). `family` is the
/// provider's wire format (`openai`, `anthropic`, `gemini`): two providers of one family serving the same model
/// name share entries.
///
/// ```swift
/// let body = try CanonicalJSON(parsing: Array(job.body))
/// let key = RequestFingerprint(family: .openai, model: job.model, endpoint: job.endpoint, body: body,
///                              tenant: job.tenant).key        // 32 bytes
/// ```
package struct RequestFingerprint: Sendable, Equatable {
    /// Top-level body members that do not change the answer: end-user ids, stored-completion flags and
    /// metadata, streaming options, and the provider's processing tier.
    package static let nonSemanticMembers: Set<String> = [
        "user", "metadata", "store", "stream_options", "service_tier", "safety_identifier", "prompt_cache_key",
    ]

    /// Version of the canonical form; changing the form changes it, so old entries are simply never hit.
    package static let version = 1

    package var family: ProviderConfiguration.Kind
    package var model: String
    package var endpoint: String
    /// The body as parsed (non-semantic members are removed when the key is computed).
    package var body: CanonicalJSON
    /// The tenant the entry belongs to; nil for a global cache.
    package var tenant: String?

    package init(
        family: ProviderConfiguration.Kind,
        model: String,
        endpoint: String,
        body: CanonicalJSON,
        tenant: String?
    ) {
        self.family = family
        self.model = model
        self.endpoint = endpoint
        self.body = body
        self.tenant = tenant
    }

    /// The canonical bytes that are hashed.
    package var canonicalBytes: [UInt8] {
        let form = CanonicalJSON.object([
            (key: "body", value: body.removingMembers(Self.nonSemanticMembers)),
            (key: "endpoint", value: .string(endpoint)),
            (key: "family", value: .string(family.rawValue)),
            (key: "model", value: .string(model)),
            (key: "tenant", value: tenant.map(CanonicalJSON.string) ?? .null),
            (key: "v", value: .number(String(Self.version))),
        ])
        return form.canonicalBytes
    }

    /// SHA-256 of ``canonicalBytes`` (32 bytes).
    package var key: Data { Data(SHA256.hash(data: canonicalBytes)) }
}
