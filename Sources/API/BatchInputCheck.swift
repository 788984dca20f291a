import Foundation
import Jobs
import NIOCore

/// Validates the lines of a batch's input file, the way a JSONL batch body is validated, but streaming the file
/// from disk and reporting every bad line (up to ``maxReportedErrors``) in OpenAI's `errors` shape instead of
/// stopping at the first.
///
/// Two passes, so the file is never held in memory: ``check(fileAt:endpoint:)`` reads every line and keeps only
/// the errors and the `custom_id`s seen; when it reports none, ``forEachJob(fileAt:endpoint:_:)`` reads the file
/// again inside the store's transaction and hands over each job as it is parsed.
struct BatchInputCheck: Sendable {
    /// Most line errors kept in a failed batch's `errors`.
    static let maxReportedErrors = 100

    /// One entry of OpenAI's `errors.data`.
    struct LineError: Sendable, Equatable {
        var code: String
        var message: String
        var param: String?
        var line: Int?
    }

    /// What the first pass found: the number of requests, and the errors (empty when the file is good).
    struct Report: Sendable {
        var requests = 0
        var errors: [LineError] = []
    }

    var lineParser: JobLineParser
    var maxRequests: Int

    /// Reads every line and reports what is wrong: unparsable JSON, an invalid request line, a `url` other than the
    /// batch's `endpoint`, a repeated `custom_id`, more than `maxRequests` requests, no request at all, or a file
    /// that cannot be read. Blocking file I/O: call it off the cooperative pool.
    func check(fileAt url: URL, endpoint: String) -> Report {
        var report = Report()
        var customIDs: Set<String> = []
        do {
            try JSONLFileLines.forEach(at: url) { number, bytes in
                report.requests += 1
                guard report.requests <= maxRequests else {
                    report.errors.append(
                        LineError(
                            code: "batch_too_large",
                            message: "A batch may hold at most \(maxRequests) requests.",
                            param: nil,
                            line: number
                        )
                    )
                    return false
                }
                do {
                    let job = try parse(bytes, number: number, endpoint: endpoint)
                    if let customID = job.customID, !customIDs.insert(customID).inserted {
                        throw JobLineParser.Location.fileLine(number).error(
                            "duplicate `custom_id`; custom_ids must be unique within a batch.",
                            field: "custom_id",
                            code: "duplicate_custom_id"
                        )
                    }
                } catch let error as APIError {
                    report.errors.append(
                        LineError(
                            code: error.code ?? "invalid_request",
                            message: error.message,
                            param: error.param,
                            line: number
                        )
                    )
                }
                return report.errors.count < Self.maxReportedErrors
            }
        } catch {
            report.errors.append(
                LineError(code: "file_unreadable", message: "The input file cannot be read.", param: nil, line: nil)
            )
            return report
        }
        if report.requests == 0 && report.errors.isEmpty {
            report.errors.append(
                LineError(code: "empty_file", message: "The input file holds no requests.", param: nil, line: nil)
            )
        }
        return report
    }

    /// Reads the file again and hands each line's job to `body`, in file order. Throws the first line's error (the
    /// file changed since ``check(fileAt:endpoint:)``). Blocking file I/O: runs on the store's writer thread.
    func forEachJob(fileAt url: URL, endpoint: String, _ body: (NewJob) throws -> Void) throws {
        try JSONLFileLines.forEach(at: url) { number, bytes in
            try body(try parse(bytes, number: number, endpoint: endpoint))
            return true
        }
    }

    /// One line → its job, or an `APIError` naming the problem (its `param` is the field).
    func parse(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, endpoint: String) throws -> NewJob {
        let location = JobLineParser.Location.fileLine(number)
        let value: JSONValue
        do {
            value = try JSONScanner.scan(bytes, collectLevels: 2)
        } catch let failure as JSONScanner.Failure {
            throw location.error(
                "invalid JSON: \(failure.reason) at column \(failure.offset + 1).",
                field: nil,
                code: "invalid_json_line"
            )
        }
        let line = try lineParser.parse(value, in: JSONView(bytes: bytes), at: location)
        guard line.endpoint == endpoint else {
            throw location.error(
                "`url` is \(line.endpoint) but the batch's endpoint is \(endpoint); every line must use the batch's "
                    + "endpoint.",
                field: "url",
                code: "mismatched_url"
            )
        }
        return line.job
    }

    /// OpenAI's `errors` object: `{"object":"list","data":[{"code","message","param","line"}]}`.
    static func errorsObject(_ errors: [LineError]) -> Data {
        var writer = JSONWriter(capacity: 256 + errors.count * 160)
        writer.object { o in
            o.field("object", "list")
            o.key("data")
            o.array { a in
                for error in errors {
                    a.object { e in
                        e.field("code", error.code)
                        e.field("message", error.message)
                        e.field("param", error.param)
                        e.field("line", error.line)
                    }
                }
            }
        }
        return Data(writer.buffer.readableBytesView)
    }
}
