import Foundation
package import Jobs

/// Validates the lines of an OpenAI batch input file one at a time, for callers that stream a file rather than hold
/// it (`sluice run`). The same rules as `POST /v1/batches` with a JSONL body (``JobLineParser``); the caller checks
/// what spans lines (one endpoint, unique `custom_id`s).
///
/// ```swift
/// let parser = BatchFileLineParser(providers: configuration.providers, defaultMaxAttempts: 5)
/// if let line = try parser.parse(bytes, lineNumber: 7) { jobs.append(line.job) }   // nil: a blank line
/// ```
package struct BatchFileLineParser: Sendable {
    /// A valid line: the job to insert and the endpoint it calls.
    package struct Line: Sendable {
        package var job: NewJob
        package var endpoint: String
    }

    /// Why a line is invalid: a message that names the line (never its content beyond a model name), and the line's
    /// `custom_id` when it could be read.
    package struct InvalidLine: Error, Sendable, Equatable, CustomStringConvertible {
        package var lineNumber: Int
        package var message: String
        package var customID: String?

        package init(lineNumber: Int, message: String, customID: String? = nil) {
            self.lineNumber = lineNumber
            self.message = message
            self.customID = customID
        }

        package var description: String { message }
    }

    private let parser: JobLineParser

    /// - Parameters:
    ///   - providers: the configured providers; each line's `model` must be served by one of them.
    ///   - defaultMaxAttempts: upstream attempts of a line that names no `max_attempts`.
    package init(providers: [ProviderConfiguration], defaultMaxAttempts: Int) {
        parser = JobLineParser(router: ModelRouter(providers: providers), defaultMaxAttempts: defaultMaxAttempts)
    }

    /// Validates one physical line (without its newline); nil when it is blank.
    /// - Throws: ``InvalidLine``.
    package func parse(_ bytes: UnsafeBufferPointer<UInt8>, lineNumber: Int) throws -> Line? {
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) else { return nil }
        let location = JobLineParser.Location.line(lineNumber)
        let value: JSONValue
        do {
            value = try JSONScanner.scan(bytes, range: 0..<bytes.count, collectLevels: 2)
        } catch let failure as JSONScanner.Failure {
            throw InvalidLine(
                lineNumber: lineNumber,
                message: location.message("invalid JSON: \(failure.reason) at column \(failure.offset + 1).")
            )
        }
        let view = JSONView(bytes: bytes)
        do {
            let line = try parser.parse(value, in: view, at: location)
            return Line(job: line.job, endpoint: line.endpoint)
        } catch let error as APIError {
            var customID: String?
            if value.kind == .object, let member = view.member("custom_id", of: value) {
                customID = view.string(member)
            }
            throw InvalidLine(lineNumber: lineNumber, message: error.message, customID: customID)
        }
    }
}
