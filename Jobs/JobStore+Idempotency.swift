package import Foundation

extension JobStore {
    /// The tenant's job created under this idempotency key, when there is one: what `insertJob` would return for
    /// the same key, without writing. Lets a route answer an exact repeat before re-running checks that may have
    /// changed since the original (a webhook URL's DNS).
    /// - Throws: `JobsError.Code.idempotencyKeyReused` when `requestHash` differs from the original's.
    package func job(tenant: String, idempotencyKey: String, requestHash: Data?) async throws -> Job? {
        try await readers.read { db in
            let reads = StoreReads(db: db)
            guard let existing = try reads.job(tenant: tenant, idempotencyKey: idempotencyKey) else { return nil }
            try StoreWrites.checkRequestHash(
                stored: try reads.jobRequestHash(tenant: tenant, idempotencyKey: idempotencyKey),
                given: requestHash
            )
            return existing
        }
    }
}
