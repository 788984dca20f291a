import Foundation
import Jobs
import NIOCore

/// Validates one job line (an OpenAI batch input line plus Sluice's options) and turns it into a `NewJob`.
///
/// A line is `{"custom_id"?, "method": "POST", "url": "/v1/chat/completions" | "/v1/embeddings",
/// "body": {…, "model": …}, "priority"?, "metadata"?, "max_attempts"?, "cache"?}`. Unknown members are ignored.
/// The body is kept byte for byte; only a `provider/model` name is spliced to the bare model name.
struct JobLineParser {
    /// The endpoints a job may call.
    static let endpoints: Set<String> = ["/v1/chat/completions", "/v1/embeddings"]
    /// Longest `custom_id`, in UTF-8 bytes.
    static let maxCustomIDBytes = 512
    /// Accepted range of `priority` (higher runs first).
    static let priorityRange = -1_000_000...1_000_000
    /// Accepted range of `max_attempts`.
    static let maxAttemptsRange = 1...100

    /// Where a line came from, for error messages (1-based line numbers) and `param`.
    enum Location {
        /// The body of `POST /v1/jobs`.
        case single
        /// Line `n` (1-based) of a JSONL body.
        case line(Int)
        /// Element `i` (0-based) of an inline `requests` array.
        case element(Int)
        /// Line `n` (1-based) of an uploaded input file: the line number goes into OpenAI's `errors` entry on its
        /// own, so the message does not repeat it and `param` is the field.
        case fileLine(Int)

        func message(_ problem: String) -> String {
            switch self {
            case .single: problem
            case .line(let number): "Line \(number): \(problem)"
            case .element(let index): "Line \(index + 1) (requests[\(index)]): \(problem)"
            case .fileLine: problem
            }
        }

        func param(_ field: String?) -> String? {
            switch self {
            case .single: field
            case .line(let number): "line \(number)"
            case .element(let index): field.map { "requests[\(index)].\($0)" } ?? "requests[\(index)]"
            case .fileLine: field
            }
        }

        func error(_ problem: String, field: String?, code: String? = nil) -> APIError {
            .invalidRequest(message(problem), param: param(field), code: code)
        }
    }

    struct Line {
        var job: NewJob
        var endpoint: String
    }

    var router: ModelRouter
    var defaultMaxAttempts: Int

    /// Validates one scanned line (its members and its body's members must have been collected).
    func parse(_ line: JSONValue, in view: JSONView, at location: Location) throws -> Line {
        guard line.kind == .object else {
            throw location.error("expected a JSON object, got \(line.kind.name).", field: nil)
        }

        var customID: String?
        if let value = present(view.member("custom_id", of: line)) {
            guard let string = view.string(value) else {
                throw location.error("`custom_id` must be a string.", field: "custom_id")
            }
            guard !string.isEmpty, string.utf8.count <= Self.maxCustomIDBytes else {
                throw location.error(
                    "`custom_id` must be 1 to \(Self.maxCustomIDBytes) bytes long.",
                    field: "custom_id"
                )
            }
            customID = string
        }

        if let value = present(view.member("method", of: line)) {
            guard view.string(value) == "POST" else {
                throw location.error("`method` must be \"POST\".", field: "method")
            }
        }

        guard let urlValue = present(view.member("url", of: line)) else {
            throw location.error("`url` is required (\"/v1/chat/completions\" or \"/v1/embeddings\").", field: "url")
        }
        guard let url = view.string(urlValue), Self.endpoints.contains(url) else {
            throw location.error(
                "`url` must be \"/v1/chat/completions\" or \"/v1/embeddings\".",
                field: "url",
                code: "unsupported_url"
            )
        }

        guard let body = present(view.member("body", of: line)) else {
            throw location.error("`body` is required.", field: "body")
        }
        guard body.kind == .object else {
            throw location.error("`body` must be an object, got \(body.kind.name).", field: "body")
        }
        guard let modelValue = present(view.member("model", of: body)) else {
            throw location.error("`body.model` is required.", field: "body.model")
        }
        guard let requestedModel = view.string(modelValue), !requestedModel.isEmpty else {
            throw location.error("`body.model` must be a non-empty string.", field: "body.model")
        }
        guard let route = router.route(requestedModel) else {
            throw location.error(
                "The model `\(Self.printable(requestedModel))` is not served by any configured provider.",
                field: "body.model",
                code: "model_not_found"
            )
        }
        if url == "/v1/chat/completions" {
            guard let messages = present(view.member("messages", of: body)), messages.kind == .array,
                !isEmptyContainer(messages, in: view)
            else {
                throw location.error(
                    "`body.messages` must be a non-empty array for chat completions.",
                    field: "body.messages"
                )
            }
        } else {
            guard present(view.member("input", of: body)) != nil else {
                throw location.error("`body.input` is required for embeddings.", field: "body.input")
            }
        }

        var priority = 0
        if let value = present(view.member("priority", of: line)) {
            guard let number = view.int(value), Self.priorityRange.contains(number) else {
                throw location.error(
                    "`priority` must be an integer from \(Self.priorityRange.lowerBound) to "
                        + "\(Self.priorityRange.upperBound).",
                    field: "priority"
                )
            }
            priority = number
        }

        var maxAttempts = defaultMaxAttempts
        if let value = present(view.member("max_attempts", of: line)) {
            guard let number = view.int(value), Self.maxAttemptsRange.contains(number) else {
                throw location.error(
                    "`max_attempts` must be an integer from \(Self.maxAttemptsRange.lowerBound) to "
                        + "\(Self.maxAttemptsRange.upperBound).",
                    field: "max_attempts"
                )
            }
            maxAttempts = number
        }

        var cache = CacheMode.auto
        if let value = present(view.member("cache", of: line)) {
            guard let text = view.string(value), let mode = CacheMode(rawValue: text), mode != .auto else {
                throw location.error("`cache` must be \"use\", \"bypass\" or \"refresh\".", field: "cache")
            }
            cache = mode
        }

        var metadata: Data?
        if let value = present(view.member("metadata", of: line)) {
            if let problem = Self.metadataProblem(value, in: view) {
                throw location.error(problem, field: "metadata")
            }
            metadata = Data(view.slice(value.range))
        }

        let bodyBytes: Data
        if route.isRewritten {
            var spliced = Data(view.slice(body.range.lowerBound..<modelValue.range.lowerBound))
            var writer = JSONWriter(capacity: route.model.utf8.count + 8)
            writer.string(route.model)
            spliced.append(contentsOf: writer.buffer.readableBytesView)
            spliced.append(contentsOf: view.slice(modelValue.range.upperBound..<body.range.upperBound))
            bodyBytes = spliced
        } else {
            bodyBytes = Data(view.slice(body.range))
        }

        let job = NewJob(
            customID: customID,
            provider: route.provider,
            model: route.model,
            endpoint: url,
            body: bodyBytes,
            priority: priority,
            metadata: metadata,
            maxAttempts: maxAttempts,
            deadline: nil,
            cache: cache
        )
        return Line(job: job, endpoint: url)
    }

    /// OpenAI's metadata rules: an object of at most 16 string values, keys up to 64 and values up to 512 characters.
    /// Returns the problem, or nil when the value is fine. The members must have been collected.
    static func metadataProblem(_ value: JSONValue, in view: JSONView) -> String? {
        guard value.kind == .object else { return "`metadata` must be an object of strings." }
        guard value.members.count <= 16 else { return "`metadata` may hold at most 16 keys." }
        for member in value.members {
            let key = JSONView.unescape(view.slice((member.keyRange.lowerBound + 1)..<(member.keyRange.upperBound - 1)))
            guard key.count <= 64 else { return "`metadata` keys must be at most 64 characters." }
            guard let string = view.string(member.value) else { return "`metadata` values must be strings." }
            guard string.count <= 512 else { return "`metadata` values must be at most 512 characters." }
        }
        return nil
    }

    /// Model names are client text; keep what is echoed short and on one line.
    static func printable(_ text: String) -> String {
        let clipped = text.prefix(100).map { $0.isNewline || $0 == "`" ? " " : $0 }
        return String(clipped) + (text.count > 100 ? "…" : "")
    }

    /// `null` counts as absent.
    private func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, value.kind != .null else { return nil }
        return value
    }

    private func isEmptyContainer(_ value: JSONValue, in view: JSONView) -> Bool {
        let inner = view.slice((value.range.lowerBound + 1)..<(value.range.upperBound - 1))
        return inner.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}
