import Jobs
import Logging

import struct Foundation.Date

extension Lane {
    /// Records an answer an admission step gave without a call (a cache hit): running → succeeded at zero cost,
    /// with what the answer would have cost recorded as saved (`Billing.cacheHit`), under the lease like any outcome.
    func recordAnswerWithoutCall(_ response: JobResponse, job: ClaimedJob, logger: Logger) async {
        let store = self.store
        let lease = job.lease
        do {
            let written = try await shieldedWithRetries(Self.recordingOutcome, logger: logger) {
                try await store.complete(lease, response: response, billing: .cacheHit, now: Date())
            }
            if written {
                metrics.finished(.succeeded)
                metrics.recordCacheHit(
                    store.ledgerCharge(of: response, provider: job.provider, model: job.model, billing: .cacheHit),
                    model: job.model
                )
                logger.debug("job answered without a call")
            } else {
                logger.debug("lease no longer held; outcome dropped")
            }
        } catch {
            logger.error("recording the job's outcome failed", metadata: ["error": "\(error)"])
        }
    }
}
