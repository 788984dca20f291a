import Crypto
package import Foundation
import Synchronization

/// `sluice submit`: uploads a JSONL batch file to a server, waits for the batch while showing the same progress as
/// `sluice run`, then downloads the results, successes into the output file and failures into the errors file.
///
/// The upload is the native `POST /v1/batches` with the file as a JSONL body (memory-mapped, not copied) and an
/// `Idempotency-Key` derived from the file's SHA-256: running the same command again, after a Ctrl-C or a lost
/// connection, attaches to the batch already submitted instead of paying for it twice (`fresh` submits anew).
/// The wait long-polls `GET /v1/batches/{id}?wait=` (a server without long-polling answers at once, and the
/// session then polls once per `pollInterval`).
///
/// ```swift
/// let session = SubmitSession(client: client, options: .init(input: "in.jsonl", output: "out.jsonl"))
/// let summary = try await session.run(display: ProgressDisplay(configuration: .init(style: .detect())))
/// exit(summary.exitCode)
/// ```
package struct SubmitSession: Sendable {
    package struct Options: Sendable, Equatable {
        /// Default time between two polls when the server does not hold the poll: 1 s.
        package static let defaultPollInterval: Duration = .seconds(1)
        /// Default long-poll wait asked of the server: 20 s.
        package static let defaultWaitSeconds = 20

        package var input: String
        package var output: String
        /// Where failed lines go (default: the output's name with `.errors` before the extension).
        package var errors: String
        /// The batch's completion window (`24h` by default on the server).
        package var completionWindow: String?
        /// Submit a new batch even when this file was submitted before.
        package var fresh: Bool
        /// Upload through the Files API even when the file fits in one request body.
        package var throughFiles: Bool
        package var pollInterval: Duration
        package var waitSeconds: Int

        package init(
            input: String,
            output: String,
            errors: String? = nil,
            completionWindow: String? = nil,
            fresh: Bool = false,
            throughFiles: Bool = false,
            pollInterval: Duration = defaultPollInterval,
            waitSeconds: Int = defaultWaitSeconds
        ) {
            self.input = input
            self.output = output
            self.errors = errors ?? Self.errorsPath(forOutput: output)
            self.completionWindow = completionWindow
            self.fresh = fresh
            self.throughFiles = throughFiles
            self.pollInterval = pollInterval
            self.waitSeconds = waitSeconds
        }

        /// `out.jsonl` → `out.errors.jsonl`; `out` → `out.errors.jsonl`.
        package static func errorsPath(forOutput output: String) -> String {
            let url = URL(fileURLWithPath: output)
            let ext = url.pathExtension
            let stem = ext.isEmpty ? output : String(output.dropLast(ext.count + 1))
            return stem + ".errors." + (ext.isEmpty ? "jsonl" : ext)
        }

        /// `data.jsonl` → `data.output.jsonl`, beside the input.
        package static func defaultOutput(forInput input: String) -> String {
            let ext = URL(fileURLWithPath: input).pathExtension
            let stem = ext.isEmpty ? input : String(input.dropLast(ext.count + 1))
            return stem + ".output.jsonl"
        }
    }

    /// How the batch ended and where its lines went.
    package struct Summary: Sendable, Equatable {
        package var batchID: String
        package var status: String
        package var total: Int
        package var succeeded: Int
        package var failed: Int
        package var tokens: Int
        package var knownCostMicros: Int64
        package var unknownCostRequests: Int
        package var outputLines: Int
        package var errorLines: Int
        /// Whether an earlier submission of the same file was reused.
        package var reused: Bool

        /// 0 when every line succeeded; 1 when some failed (their lines are in the errors file); 2 when the batch
        /// did not complete (failed, expired, cancelled).
        package var exitCode: Int32 {
            if status != "completed" { return 2 }
            return errorLines == 0 && outputLines == total ? 0 : 1
        }
    }

    /// What a batch object says, read defensively.
    package struct BatchState: Sendable, Equatable {
        package var id: String
        package var status: String
        package var total: Int
        package var completed: Int
        package var failed: Int
        package var tokens: Int
        package var knownCostMicros: Int64
        package var unknownCostRequests: Int
        package var createdAt: Int
        /// Why a batch failed validation (OpenAI's `errors.data[].message`, with the line when given).
        package var errorMessages: [String]

        package static let finalStatuses: Set<String> = ["completed", "failed", "expired", "cancelled"]

        package var isFinal: Bool { Self.finalStatuses.contains(status) }

        package init(_ object: [String: Any]) throws {
            guard let id = object["id"] as? String, let status = object["status"] as? String else {
                throw ClientError(.protocolError, "The server's batch object has no id or status.")
            }
            let counts = object["request_counts"] as? [String: Any] ?? [:]
            let usage = object["usage"] as? [String: Any] ?? [:]
            self.id = id
            self.status = status
            self.total = Self.int(counts["total"])
            self.completed = Self.int(counts["completed"])
            self.failed = Self.int(counts["failed"])
            self.tokens = Self.int(usage["total_tokens"])
            self.knownCostMicros = Int64(Self.int(object["known_cost_micros"] ?? object["cost_micros"]))
            self.unknownCostRequests = Self.int(object["unknown_cost_requests"])
            self.createdAt = Self.int(object["created_at"])
            let errors = (object["errors"] as? [String: Any])?["data"] as? [[String: Any]] ?? []
            self.errorMessages = errors.compactMap { error in
                guard let message = error["message"] as? String else { return nil }
                return (error["line"] as? Int).map { "line \($0): \(message)" } ?? message
            }
        }

        static func int(_ value: Any?) -> Int { (value as? Int) ?? (value as? NSNumber)?.intValue ?? 0 }

        /// The progress line's view of the batch.
        package func progress(elapsed: Duration, doneAtStart: Int) -> ProgressSnapshot {
            ProgressSnapshot(
                total: total,
                done: min(total, completed + failed),
                failed: failed,
                tokens: tokens,
                costMicros: knownCostMicros,
                costIsPartial: unknownCostRequests > 0,
                elapsed: elapsed,
                doneAtStart: doneAtStart
            )
        }
    }

    /// Validation errors of a failed batch printed at most.
    package static let maxErrorMessagesShown = 10

    package let client: SluiceClient
    package let options: Options

    package init(client: SluiceClient, options: Options) {
        self.client = client
        self.options = options
    }

    /// Uploads, waits with `display` drawing progress, downloads. Messages go to `log` (standard error).
    package func run(
        display: ProgressDisplay,
        log: @escaping @Sendable (String) -> Void = { ProgressDisplay.standardError($0 + "\n") }
    ) async throws -> Summary {
        let body = try Self.readInput(options.input)
        let (created, reused) = try await upload(body)
        log(
            reused
                ? "\(created.id): this file was submitted before; waiting for that batch (--fresh submits it again)."
                : created.total == 0
                    ? "\(created.id): submitted to \(client.settings.server); the server validates the file (\(created.status))."
                    : "\(created.id): \(TextTable.grouped(created.total)) lines submitted to \(client.settings.server)."
        )
        let started = ContinuousClock.now
        let doneAtStart = created.completed + created.failed
        let latest = LatestState(created)
        let final = try await withThrowingTaskGroup(of: BatchState?.self) { group in
            group.addTask {
                await display.run { latest.value.progress(elapsed: .now - started, doneAtStart: doneAtStart) }
                return nil
            }
            group.addTask {
                try await waitUntilFinal(created) { state in latest.value = state }
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let state = result { return state }
            }
            throw CancellationError()
        }
        display.finish(final.progress(elapsed: .now - started, doneAtStart: doneAtStart))
        for message in final.errorMessages.prefix(Self.maxErrorMessagesShown) { log("\(final.id): \(message)") }
        if final.errorMessages.count > Self.maxErrorMessagesShown {
            log(
                "\(final.id): … and \(final.errorMessages.count - Self.maxErrorMessagesShown) more (sluice batches get \(final.id) --json)"
            )
        }
        let (outputLines, errorLines) = try await download(final)
        return Summary(
            batchID: final.id,
            status: final.status,
            total: final.total,
            succeeded: final.completed,
            failed: final.failed,
            tokens: final.tokens,
            knownCostMicros: final.knownCostMicros,
            unknownCostRequests: final.unknownCostRequests,
            outputLines: outputLines,
            errorLines: errorLines,
            reused: reused
        )
    }

    /// The input file, memory-mapped; refuses an empty one.
    static func readInput(_ path: String) throws -> Data {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ClientError(.file, "Cannot read \(path): \(error.localizedDescription)")
        }
        guard data.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") })
        else {
            throw ClientError(.file, "\(path) has no lines to submit.")
        }
        return data
    }

    /// `sluice-submit-` + the first 32 hex digits of the body's SHA-256.
    package static func idempotencyKey(for body: Data) -> String {
        let digest = SHA256.hash(data: body)
        return "sluice-submit-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Submits the file: as a native JSONL batch, or, when the server finds it too large for a request body (413),
    /// through the Files API (`POST /v1/files`, then `POST /v1/batches` with its `input_file_id`), whose limit is
    /// higher. Both creates carry the idempotency key, so a rerun finds the same batch either way.
    private func upload(_ body: Data) async throws -> (BatchState, reused: Bool) {
        let key = options.fresh ? nil : Self.idempotencyKey(for: body)
        let startedAt = Int(Date().timeIntervalSince1970)
        let object: [String: Any]
        if options.throughFiles {
            object = try await uploadThroughFiles(body, idempotencyKey: key)
        } else {
            do {
                var headers: [(name: String, value: String)] = [("content-type", "application/jsonl")]
                if let key { headers.append(("idempotency-key", key)) }
                let window = options.completionWindow.map { "?completion_window=\($0)" } ?? ""
                let answer = try await client.send(
                    "POST",
                    "/v1/batches\(window)",
                    body: body,
                    headers: headers,
                    timeout: .seconds(900)
                )
                object = try SluiceClient.decodeObject(answer.body)
            } catch let error as ClientError where error.status == 413 {
                object = try await uploadThroughFiles(body, idempotencyKey: key)
            }
        }
        let state = try BatchState(object)
        // Created before this upload began (2 s of slack for clock skew), or already under way: submitted before.
        let reused = !options.fresh && (state.createdAt < startedAt - 2 || state.completed + state.failed > 0)
        return (state, reused)
    }

    private func uploadThroughFiles(_ body: Data, idempotencyKey: String?) async throws -> [String: Any] {
        // Derived from the content, so a repeat sends the same bytes (the idempotency key's request hash covers them).
        let boundary = "sluice-boundary-" + Self.idempotencyKey(for: body).dropFirst("sluice-submit-".count)
        var headers: [(name: String, value: String)] = [
            ("content-type", "multipart/form-data; boundary=\(boundary)")
        ]
        if let idempotencyKey { headers.append(("idempotency-key", idempotencyKey + "-file")) }
        let filename = URL(fileURLWithPath: options.input).lastPathComponent
        let file = try await client.send(
            "POST",
            "/v1/files",
            body: Self.multipart(body, filename: filename, boundary: boundary),
            headers: headers,
            timeout: .seconds(1800)
        )
        guard let fileID = try SluiceClient.decodeObject(file.body)["id"] as? String else {
            throw ClientError(.protocolError, "The server's file object has no id.")
        }
        var request: [String: Any] = [
            "input_file_id": fileID, "endpoint": try Self.endpoint(of: body),
            "completion_window": options.completionWindow ?? "24h",
        ]
        request["metadata"] = ["source": filename]
        let data = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
        var batchHeaders: [(name: String, value: String)] = [("content-type", "application/json")]
        if let idempotencyKey { batchHeaders.append(("idempotency-key", idempotencyKey)) }
        let answer = try await client.send("POST", "/v1/batches", body: data, headers: batchHeaders)
        return try SluiceClient.decodeObject(answer.body)
    }

    /// A `multipart/form-data` body with `purpose=batch` and the file.
    package static func multipart(_ file: Data, filename: String, boundary: String) -> Data {
        let safeName = filename.replacingOccurrences(of: "\"", with: "_").replacingOccurrences(of: "\r", with: "_")
            .replacingOccurrences(of: "\n", with: "_")
        var body = Data()
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n"
                    + "Content-Type: application/jsonl\r\n\r\n").utf8
            )
        )
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }

    /// The `url` of the first line (a batch made from a file has one endpoint).
    package static func endpoint(of body: Data) throws -> String {
        let firstLine = body.split(separator: UInt8(ascii: "\n")).first { line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }
        }
        guard let firstLine,
            let object = (try? JSONSerialization.jsonObject(with: Data(firstLine))) as? [String: Any],
            let url = object["url"] as? String
        else {
            throw ClientError(.file, "The first line of the file is not a batch request line with a `url`.")
        }
        return url
    }

    private func waitUntilFinal(
        _ batch: BatchState,
        onUpdate: @Sendable (BatchState) -> Void
    ) async throws -> BatchState {
        var current = batch
        let clock = ContinuousClock()
        while !current.isFinal {
            let asked = clock.now
            let object = try await client.object(
                "GET",
                "/v1/batches/\(current.id)?wait=\(options.waitSeconds)",
                timeout: .seconds(Int64(options.waitSeconds) + 60)
            )
            let next = try BatchState(object)
            onUpdate(next)
            // A server that does not hold the poll answers at once: do not spin.
            if !next.isFinal && next == current && clock.now - asked < options.pollInterval {
                try await clock.sleep(until: asked.advanced(by: options.pollInterval))
            }
            current = next
        }
        return current
    }

    /// Streams the results into the output and errors files; returns how many lines each got.
    private func download(_ batch: BatchState) async throws -> (output: Int, errors: Int) {
        let answer = try await client.send("GET", "/v1/batches/\(batch.id)/results", timeout: .seconds(900))
        let split = Self.split(results: answer.body)
        try Self.write(split.output, to: options.output)
        if !split.errors.isEmpty || FileManager.default.fileExists(atPath: options.errors) {
            try Self.write(split.errors, to: options.errors)
        }
        return (split.output.count, split.errors.count)
    }

    /// Separates result lines: a line whose `error` is null and whose `response.status_code` is 2xx is a success;
    /// every other line (and any line that is not a JSON object) is an error line.
    package static func split(results: Data) -> (output: [Data], errors: [Data]) {
        var output: [Data] = []
        var errors: [Data] = []
        for line in results.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let data = Data(line)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let response = object?["response"] as? [String: Any]
            let status = BatchState.int(response?["status_code"])
            let succeeded =
                object != nil && (object?["error"] == nil || object?["error"] is NSNull) && (200..<300).contains(status)
            if succeeded { output.append(data) } else { errors.append(data) }
        }
        return (output, errors)
    }

    private static func write(_ lines: [Data], to path: String) throws {
        var data = Data(capacity: lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            data.append(line)
            data.append(UInt8(ascii: "\n"))
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ClientError(.file, "Cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// The batch as last read, shared by the poll (writer) and the progress display (reader).
private final class LatestState: Sendable {
    private let state: Mutex<SubmitSession.BatchState>

    init(_ initial: SubmitSession.BatchState) { state = Mutex(initial) }

    var value: SubmitSession.BatchState {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
