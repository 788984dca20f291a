import Foundation
import Logging

@testable import Jobs

/// A fixed clock origin, so tests control every time the store sees.
let t0 = Date(timeIntervalSince1970: 1_700_000_000)

/// A fresh temporary directory for one test's database files.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-jobs-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a store on a new database file, then closes it and deletes the files.
func withStore<T>(
    synchronous: JobStore.Configuration.Synchronous = .normal,
    _ body: (JobStore, String) async throws -> T
) async throws -> T {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("sluice.sqlite").path
    let store = try JobStore(
        configuration: .init(path: path, synchronous: synchronous),
        logger: Logger(label: "jobs-tests")
    )
    defer { store.close() }
    return try await body(store, path)
}

func openStore(at path: String, synchronous: JobStore.Configuration.Synchronous = .normal) throws -> JobStore {
    try JobStore(configuration: .init(path: path, synchronous: synchronous), logger: Logger(label: "jobs-tests"))
}

func newJob(
    provider: String = "mock",
    priority: Int = 0,
    customID: String? = nil,
    maxAttempts: Int = 3,
    deadline: Date? = nil,
    runAt: Date? = nil,
    body: String = #"{"model":"m"}"#
) -> NewJob {
    NewJob(
        customID: customID,
        provider: provider,
        model: "m",
        endpoint: "/v1/chat/completions",
        body: Data(body.utf8),
        priority: priority,
        metadata: nil,
        maxAttempts: maxAttempts,
        deadline: deadline,
        runAt: runAt
    )
}

func newBatch(_ count: Int, expiresAt: Date = t0.addingTimeInterval(86_400), provider: String = "mock") -> NewBatch {
    NewBatch(
        endpoint: "/v1/chat/completions",
        completionWindow: "24h",
        metadata: nil,
        expiresAt: expiresAt,
        jobs: (0..<count).map { newJob(provider: provider, customID: "line-\($0)") }
    )
}

func okResponse(prompt: Int = 10, completion: Int = 5) -> JobResponse {
    JobResponse(
        statusCode: 200,
        requestID: "req_1",
        body: Data(#"{"ok":true}"#.utf8),
        usage: TokenUsage(promptTokens: prompt, completionTokens: completion)
    )
}

extension JobStore {
    /// Claims exactly one job of `mock` or fails the test.
    func claimOne(
        provider: String = "mock",
        now: Date = t0,
        lease: Duration = .seconds(60)
    ) async throws
        -> ClaimedJob?
    {
        try await claim(provider: provider, limit: 1, leaseDuration: lease, now: now).first
    }
}
