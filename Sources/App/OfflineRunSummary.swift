import Foundation

/// How a run ended: counts from the store, tokens and dollars from its cost ledger, timing of this process, and where
/// the results went. ``exitCode`` is what `sluice run` exits with.
package struct OfflineRunSummary: Sendable, Equatable {
    /// Lines of the input that count (valid plus skipped invalid ones).
    package var lines: Int
    package var succeeded: Int
    /// Lines that ended without success, skipped invalid lines included.
    package var failed: Int
    /// Upstream attempts beyond each line's first.
    package var retries: Int
    package var promptTokens: Int
    package var completionTokens: Int
    /// Known cost in micro-dollars.
    package var costMicros: Int64
    /// Billed answers with no known price (the cost is then a lower bound).
    package var unknownCostRequests: Int
    /// Wall time of this process.
    package var wallTime: Duration
    /// Lines this process saw become final (a resumed run excludes what earlier runs did).
    package var finishedHere: Int
    /// Whether the run was stopped by an interrupt before every line was final.
    package var interrupted: Bool
    package var outputPath: String
    package var outputLines: Int
    package var errorsPath: String
    package var errorLines: Int

    /// Lines not final yet (only after an interrupt).
    package var pending: Int { max(0, lines - succeeded - failed) }

    /// 0 when every line succeeded, 1 when some failed, 130 when interrupted before the end.
    package var exitCode: Int32 {
        if interrupted && pending > 0 { return 130 }
        return succeeded == lines ? 0 : 1
    }

    /// Lines finished per second by this process.
    package var jobsPerSecond: Double {
        let seconds = ProgressDisplay.seconds(wallTime)
        return seconds > 0 ? Double(finishedHere) / seconds : 0
    }

    /// The summary printed at the end.
    package func render() -> String {
        let g: (Int) -> String = { ProgressDisplay.grouped($0) }
        var text = interrupted && pending > 0 ? "Interrupted: partial results written.\n" : ""
        text += "Lines: \(g(lines)) · succeeded \(g(succeeded)) · failed \(g(failed))"
        if pending > 0 { text += " · not finished \(g(pending))" }
        text += " · retries \(g(retries))\n"
        text += "Tokens: \(g(promptTokens + completionTokens)) (prompt \(g(promptTokens)), completion "
        text += "\(g(completionTokens)))\n"
        text += "Cost: \(unknownCostRequests > 0 ? "≥" : "")\(ProgressDisplay.dollars(costMicros))"
        if unknownCostRequests > 0 { text += " (\(g(unknownCostRequests)) answers with an unknown price)" }
        text += "\n"
        let seconds = ProgressDisplay.seconds(wallTime)
        let wall = seconds < 60 ? String(format: "%.1fs", seconds) : ProgressDisplay.duration(wallTime)
        text += "Wall time: \(wall) · \(ProgressDisplay.rate(jobsPerSecond)) jobs/s\n"
        text += "Output: \(outputPath) (\(g(outputLines)) lines)"
        if errorLines > 0 { text += " · errors: \(errorsPath) (\(g(errorLines)) lines)" }
        if interrupted && pending > 0 { text += "\nRun the same command again to continue." }
        return text
    }
}
