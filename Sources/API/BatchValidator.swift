import Dispatch
import Foundation
package import Jobs
package import Logging
package import ServiceLifecycle

/// Takes up batches made from an input file (`validating`): reads the file, and in one transaction either inserts
/// every job and starts the batch (`in_progress`) or fails it (`failed`, with OpenAI's `errors`).
///
/// Woken by `JobStore.validationRequests()` after each file batch commits; at start-up it first takes up every
/// batch a previous run left `validating`, so a crash never strands one. One batch at a time; a batch whose
/// validation threw (a read error, a full disk) is retried with `retryPolicy`'s backoff (see ``BatchWorkLoop``).
///
/// ```swift
/// let validator = BatchValidator(store: store, configuration: apiConfiguration, logger: logger)
/// let group = ServiceGroup(services: [validator, finalizer, api], logger: logger)
/// ```
package struct BatchValidator: Service {
    let store: JobStore
    let check: BatchInputCheck
    let retryPolicy: BatchRetryPolicy
    let logger: Logger

    /// - Parameters:
    ///   - configuration: the API's; its providers route the lines' models, its batch limit caps the file.
    package init(
        store: JobStore,
        configuration: APIConfiguration,
        retryPolicy: BatchRetryPolicy = .standard,
        logger: Logger
    ) {
        self.store = store
        self.retryPolicy = retryPolicy
        self.check = BatchInputCheck(
            lineParser: JobLineParser(
                router: ModelRouter(providers: configuration.providers),
                defaultMaxAttempts: configuration.defaultMaxAttempts
            ),
            maxRequests: configuration.maxBatchRequests
        )
        self.logger = logger
    }

    package func run() async throws {
        // Subscribe before the sweep, so a batch inserted meanwhile is not missed (seeing one twice is harmless).
        let requests = store.validationRequests()
        let sweep = try await store.batchIDs(in: .validating)
        let loop = BatchWorkLoop(policy: retryPolicy, failureMessage: "batch validation failed", logger: logger)
        await loop.run(sweep: sweep, requests: requests) { id in try await validate(id) }
    }

    /// Validates one batch if it is still `validating`; throws when it could neither start nor fail it (the batch
    /// stays `validating`).
    func validate(_ id: BatchID) async throws {
        guard let batch = try await store.batchForLifecycle(id), batch.status == .validating,
            let fileID = batch.inputFileID
        else { return }
        let url = store.fileURL(fileID)
        let check = self.check
        let endpoint = batch.endpoint
        let report = await offCooperativePool { check.check(fileAt: url, endpoint: endpoint) }
        if !report.errors.isEmpty {
            _ = try await store.failValidation(id, errors: BatchInputCheck.errorsObject(report.errors))
            logger.info(
                "batch failed validation",
                metadata: ["batch_id": "\(id)", "errors": "\(report.errors.count)"]
            )
            return
        }
        do {
            _ = try await store.startValidatedBatch(id) { insert in
                try check.forEachJob(fileAt: url, endpoint: endpoint, insert)
            }
            logger.info("batch validated", metadata: ["batch_id": "\(id)", "requests": "\(report.requests)"])
        } catch let error as JobsError where error.code == .closed {
            throw error
        } catch {
            // The file changed between the passes, or the insert failed: nothing was inserted.
            let failure = BatchInputCheck.LineError(
                code: "validation_failed",
                message: "The batch's requests could not be stored.",
                param: nil,
                line: nil
            )
            _ = try await store.failValidation(id, errors: BatchInputCheck.errorsObject([failure]))
            logger.error(
                "batch could not be started",
                metadata: ["batch_id": "\(id)", "error": "\(BatchWorkLoop.describe(error))"]
            )
        }
    }
}
