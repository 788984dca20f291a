import API
import Jobs

/// The rules of a whole batch file over the per-line parser: every line calls the endpoint of the first valid line,
/// and `custom_id`s are unique. Deterministic, so the validation pass and the insert pass skip the same lines.
struct OfflineRunLineValidator {
    let parser: BatchFileLineParser
    /// The endpoint of the first valid line.
    private(set) var endpoint: String?
    private var firstLineOfCustomID: [String: Int] = [:]

    init(parser: BatchFileLineParser) {
        self.parser = parser
    }

    /// The line's job; nil for a blank line.
    /// - Throws: `BatchFileLineParser.InvalidLine`, naming the line.
    mutating func validate(_ line: OfflineRunInput.Line) throws -> NewJob? {
        let parsed = try line.bytes.withUnsafeBufferPointer { try parser.parse($0, lineNumber: line.number) }
        guard let parsed else { return nil }
        let customID = parsed.job.customID
        if let endpoint, parsed.endpoint != endpoint {
            throw BatchFileLineParser.InvalidLine(
                lineNumber: line.number,
                message: "Line \(line.number): `url` is \(parsed.endpoint) but earlier lines use \(endpoint); all "
                    + "lines of a batch file must use the same url.",
                customID: customID
            )
        }
        if let customID {
            if let first = firstLineOfCustomID[customID] {
                throw BatchFileLineParser.InvalidLine(
                    lineNumber: line.number,
                    message: "Line \(line.number): duplicate `custom_id` (line \(first) uses the same one); "
                        + "custom_ids must be unique within a batch file.",
                    customID: customID
                )
            }
            firstLineOfCustomID[customID] = line.number
        }
        endpoint = endpoint ?? parsed.endpoint
        return parsed.job
    }
}
