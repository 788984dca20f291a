package import API
import Jobs

/// What the validation pass learned about an input file: its fingerprint, the valid lines and their endpoint, the
/// invalid lines (kept only with `--skip-invalid`) and the token and cost estimate. Nothing is stored or sent.
package struct OfflineRunPlan: Sendable {
    package var fingerprint: OfflineRunFingerprint
    /// The endpoint every valid line calls.
    package var endpoint: String
    /// Valid (non-blank) lines, the ones that become jobs.
    package var validLines: Int
    /// Lines skipped as invalid (only with `--skip-invalid`; otherwise the first one is thrown).
    package var invalidLines: [BatchFileLineParser.InvalidLine]
    package var estimate: OfflineRunEstimate

    /// Lines of the file that count in the run: valid plus invalid.
    package var lines: Int { validLines + invalidLines.count }

    /// Reads and validates the whole file, one line at a time.
    /// - Parameters:
    ///   - path: the input file.
    ///   - parser: the per-line parser over the configured providers.
    ///   - skipInvalid: collect invalid lines instead of throwing the first.
    /// - Throws: `BatchFileLineParser.InvalidLine` for the first invalid line (without `skipInvalid`), a
    ///   `ConfigurationError` when the file cannot be read or holds no valid line.
    static func validate(path: String, parser: BatchFileLineParser, skipInvalid: Bool) throws -> OfflineRunPlan {
        let input = try OfflineRunInput(path: path)
        var validator = OfflineRunLineValidator(parser: parser)
        var estimate = OfflineRunEstimate()
        var valid = 0
        var invalid: [BatchFileLineParser.InvalidLine] = []
        while let line = try input.nextLine() {
            do {
                guard let job = try validator.validate(line) else { continue }
                valid += 1
                estimate.add(job)
            } catch let error as BatchFileLineParser.InvalidLine where skipInvalid {
                invalid.append(error)
            }
        }
        guard let endpoint = validator.endpoint else {
            throw ConfigurationError(line: nil, "the input file \(path) holds no valid request line")
        }
        return OfflineRunPlan(
            fingerprint: input.fingerprint(),
            endpoint: endpoint,
            validLines: valid,
            invalidLines: invalid,
            estimate: estimate
        )
    }
}
