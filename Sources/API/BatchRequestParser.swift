import Foundation
import Jobs

/// Validates a whole batch submission, every line before anything is stored.
///
/// Two body formats:
/// - inline JSON: `{"requests": [line, …], "metadata"?: {…}, "completion_window"?: "24h", "endpoint"?: "…"}`;
/// - JSONL (`application/jsonl`, `application/x-ndjson`): one line object per line, blank lines ignored;
///   line numbers count every physical line, so they match the client's file.
///
/// All lines must call the same endpoint (OpenAI's rule), and `custom_id`s must be unique within the batch.
struct BatchRequestParser {
    struct Parsed {
        var endpoint: String
        var jobs: [NewJob]
        var metadata: Data?
        var completionWindow: CompletionWindow?
    }

    var lineParser: JobLineParser
    var maxRequests: Int

    /// Parses an inline JSON batch document.
    func parseInline(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Parsed {
        let document: JSONValue
        do {
            document = try JSONScanner.scan(bytes, collectLevels: 4)
        } catch let failure as JSONScanner.Failure {
            throw APIError.invalidRequest(
                "The request body is not valid JSON: \(failure.reason) at byte \(failure.offset).",
                code: "invalid_json"
            )
        }
        let view = JSONView(bytes: bytes)
        guard document.kind == .object else {
            throw APIError.invalidRequest("The request body must be a JSON object with a `requests` array.")
        }
        if view.member("input_file_id", of: document) != nil {
            throw APIError.invalidRequest(
                "Send either `input_file_id` (an uploaded file) or `requests` (inline lines), not both.",
                param: "input_file_id"
            )
        }
        var expectedEndpoint: String?
        if let value = view.member("endpoint", of: document), value.kind != .null {
            guard let endpoint = view.string(value), JobLineParser.endpoints.contains(endpoint) else {
                throw APIError.invalidRequest(
                    "`endpoint` must be \"/v1/chat/completions\" or \"/v1/embeddings\".",
                    param: "endpoint"
                )
            }
            expectedEndpoint = endpoint
        }
        var metadata: Data?
        if let value = view.member("metadata", of: document), value.kind != .null {
            if let problem = JobLineParser.metadataProblem(value, in: view) {
                throw APIError.invalidRequest(problem, param: "metadata")
            }
            metadata = Data(view.slice(value.range))
        }
        var completionWindow: CompletionWindow?
        if let value = view.member("completion_window", of: document), value.kind != .null {
            completionWindow = try Self.completionWindow(view.string(value))
        }
        guard let requests = view.member("requests", of: document), requests.kind == .array else {
            throw APIError.invalidRequest("`requests` must be an array of request lines.", param: "requests")
        }
        guard requests.elements.count <= maxRequests else { throw tooMany(requests.elements.count) }

        var collector = Collector(expectedEndpoint: expectedEndpoint, capacity: requests.elements.count)
        for (index, element) in requests.elements.enumerated() {
            let location = JobLineParser.Location.element(index)
            let line = try lineParser.parse(element, in: view, at: location)
            try collector.add(line, at: location, lineNumber: index + 1)
        }
        return try Parsed(
            endpoint: collector.endpoint(),
            jobs: collector.jobs,
            metadata: metadata,
            completionWindow: completionWindow
        )
    }

    /// OpenAI's batch create request: an uploaded input file, not lines.
    struct FileRequest {
        var inputFileID: String
        var endpoint: String
        var completionWindow: CompletionWindow?
        var metadata: Data?
    }

    /// Parses OpenAI's `{"input_file_id", "endpoint", "completion_window", "metadata"}`; nil when the body is not
    /// a JSON object naming an `input_file_id` (it is then an inline or JSONL batch).
    static func parseFileRequest(_ bytes: UnsafeBufferPointer<UInt8>) throws -> FileRequest? {
        guard let document = try? JSONScanner.scan(bytes, collectLevels: 2), document.kind == .object else {
            return nil
        }
        let view = JSONView(bytes: bytes)
        guard let fileValue = view.member("input_file_id", of: document), fileValue.kind != .null else { return nil }
        guard let inputFileID = view.string(fileValue), !inputFileID.isEmpty else {
            throw APIError.invalidRequest("`input_file_id` must be a file id string.", param: "input_file_id")
        }
        if view.member("requests", of: document) != nil {
            throw APIError.invalidRequest(
                "Send either `input_file_id` (an uploaded file) or `requests` (inline lines), not both.",
                param: "requests"
            )
        }
        guard let endpointValue = view.member("endpoint", of: document), let endpoint = view.string(endpointValue),
            JobLineParser.endpoints.contains(endpoint)
        else {
            throw APIError.invalidRequest(
                "`endpoint` is required and must be \"/v1/chat/completions\" or \"/v1/embeddings\".",
                param: "endpoint"
            )
        }
        var completionWindow: CompletionWindow?
        if let value = view.member("completion_window", of: document), value.kind != .null {
            completionWindow = try Self.completionWindow(view.string(value))
        }
        var metadata: Data?
        if let value = view.member("metadata", of: document), value.kind != .null {
            if let problem = JobLineParser.metadataProblem(value, in: view) {
                throw APIError.invalidRequest(problem, param: "metadata")
            }
            metadata = Data(view.slice(value.range))
        }
        return FileRequest(
            inputFileID: inputFileID,
            endpoint: endpoint,
            completionWindow: completionWindow,
            metadata: metadata
        )
    }

    /// Parses a JSONL body.
    func parseJSONL(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Parsed {
        let view = JSONView(bytes: bytes)
        var collector = Collector(expectedEndpoint: nil, capacity: 0)
        var lineNumber = 0
        var lineStart = 0
        var nonBlankLines = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = lineEnd + 1
            defer { lineStart = next }
            let range = lineStart..<lineEnd
            guard bytes[range].contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) else { continue }
            nonBlankLines += 1
            guard nonBlankLines <= maxRequests else { throw tooMany(nil) }
            let location = JobLineParser.Location.line(lineNumber)
            let value: JSONValue
            do {
                value = try JSONScanner.scan(bytes, range: range, collectLevels: 2)
            } catch let failure as JSONScanner.Failure {
                throw location.error(
                    "invalid JSON: \(failure.reason) at column \(failure.offset + 1).",
                    field: nil,
                    code: "invalid_json"
                )
            }
            let line = try lineParser.parse(value, in: view, at: location)
            try collector.add(line, at: location, lineNumber: lineNumber)
        }
        return try Parsed(endpoint: collector.endpoint(), jobs: collector.jobs, metadata: nil, completionWindow: nil)
    }

    /// Whether the first non-blank line is a complete JSON object that looks like a request line (it has `url` or
    /// `body`, and no `requests`), so the body is JSONL whatever its content type says.
    static func looksLikeJSONL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let range = lineStart..<lineEnd
            if bytes[range].contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) {
                guard let value = try? JSONScanner.scan(bytes, range: range, collectLevels: 1), value.kind == .object
                else { return false }
                let view = JSONView(bytes: bytes)
                return view.member("requests", of: value) == nil
                    && (view.member("url", of: value) != nil || view.member("body", of: value) != nil)
            }
            lineStart = lineEnd + 1
        }
        return false
    }

    /// Parses a completion window given by the client; nil input means "not a string".
    static func completionWindow(_ text: String?) throws -> CompletionWindow {
        guard let text, let window = CompletionWindow(text) else {
            throw APIError.invalidRequest(
                "`completion_window` must be a positive number of minutes, hours or days, such as \"30m\", \"24h\" or "
                    + "\"7d\" (at most 30 days).",
                param: "completion_window"
            )
        }
        return window
    }

    private func tooMany(_ count: Int?) -> APIError {
        .invalidRequest(
            "A batch may hold at most \(maxRequests) requests\(count.map { "; this one has \($0)" } ?? "").",
            param: "requests",
            code: "batch_too_large"
        )
    }

    /// Accumulates validated lines: one endpoint for all, unique `custom_id`s.
    private struct Collector {
        var expectedEndpoint: String?
        var jobs: [NewJob] = []
        var firstLineOfCustomID: [String: Int] = [:]

        init(expectedEndpoint: String?, capacity: Int) {
            self.expectedEndpoint = expectedEndpoint
            jobs.reserveCapacity(capacity)
            firstLineOfCustomID.reserveCapacity(capacity)
        }

        mutating func add(_ line: JobLineParser.Line, at location: JobLineParser.Location, lineNumber: Int) throws {
            if let expectedEndpoint {
                guard line.endpoint == expectedEndpoint else {
                    throw location.error(
                        "`url` is \(line.endpoint) but the batch's endpoint is \(expectedEndpoint); all lines of a "
                            + "batch must use the same url.",
                        field: "url",
                        code: "mismatched_url"
                    )
                }
            } else {
                expectedEndpoint = line.endpoint
            }
            if let customID = line.job.customID {
                if let first = firstLineOfCustomID[customID] {
                    throw location.error(
                        "duplicate `custom_id` (line \(first) uses the same one); custom_ids must be unique within a "
                            + "batch.",
                        field: "custom_id",
                        code: "duplicate_custom_id"
                    )
                }
                firstLineOfCustomID[customID] = lineNumber
            }
            jobs.append(line.job)
        }

        func endpoint() throws -> String {
            guard let expectedEndpoint, !jobs.isEmpty else {
                throw APIError.invalidRequest("The batch holds no requests.", param: "requests", code: "empty_batch")
            }
            return expectedEndpoint
        }
    }
}
