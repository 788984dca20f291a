import Foundation

/// What a progress line shows at one instant: counts read from a store (or a server), plus the time this process has
/// been watching.
package struct ProgressSnapshot: Sendable, Equatable {
    /// Lines (jobs) in the run.
    package var total: Int
    /// Lines that are final (succeeded, failed, cancelled or expired).
    package var done: Int
    /// Lines that ended without success (a subset of `done`).
    package var failed: Int
    /// Upstream attempts beyond each line's first.
    package var retries: Int
    /// Prompt plus completion tokens billed so far.
    package var tokens: Int
    /// Known cost billed so far, in micro-dollars.
    package var costMicros: Int64
    /// Whether some billed answers had no known price (the cost shown is then a lower bound).
    package var costIsPartial: Bool
    /// How long this process has been watching.
    package var elapsed: Duration
    /// `done` when this process started watching: a resumed run's rate counts only this process's work.
    package var doneAtStart: Int

    package init(
        total: Int,
        done: Int,
        failed: Int = 0,
        retries: Int = 0,
        tokens: Int = 0,
        costMicros: Int64 = 0,
        costIsPartial: Bool = false,
        elapsed: Duration = .zero,
        doneAtStart: Int = 0
    ) {
        self.total = total
        self.done = done
        self.failed = failed
        self.retries = retries
        self.tokens = tokens
        self.costMicros = costMicros
        self.costIsPartial = costIsPartial
        self.elapsed = elapsed
        self.doneAtStart = doneAtStart
    }

    /// Lines finished per second by this process; nil before any time has passed.
    package var jobsPerSecond: Double? {
        let seconds = ProgressDisplay.seconds(elapsed)
        guard seconds > 0 else { return nil }
        return Double(max(0, done - doneAtStart)) / seconds
    }

    /// Time left at the current rate; nil while the rate is unknown or zero.
    package var estimatedRemaining: Duration? {
        guard done < total else { return .zero }
        guard let rate = jobsPerSecond, rate > 0 else { return nil }
        return .milliseconds(Int64((Double(total - done) / rate * 1000).rounded()))
    }
}

/// A live progress display for long runs (`sluice run`, `sluice submit`).
///
/// On a terminal one line is redrawn in place about four times a second; otherwise (a log file, CI) a plain line is
/// printed every `plainInterval` (10 s by default). What a line says is a pure function of a ``ProgressSnapshot``
/// (``render(_:style:)``), tested without I/O; ``run(snapshot:)`` is the loop that draws it.
///
/// ```swift
/// let display = ProgressDisplay(configuration: .init(style: ProgressDisplay.Style.detect()))
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await display.run { try await readSnapshot() } }
///     try await work()
///     group.cancelAll()
/// }
/// display.finish(try await readSnapshot())   // the last state, then a newline on a terminal
/// ```
package struct ProgressDisplay: Sendable {
    /// How lines are drawn.
    package enum Style: Sendable, Equatable {
        /// One line redrawn in place (carriage return, then clear to the end of the line).
        case terminal
        /// One complete line per report.
        case plain

        /// `.terminal` when standard error is a terminal (`isatty(2)`), else `.plain`.
        package static func detect() -> Style { isatty(STDERR_FILENO) != 0 ? .terminal : .plain }
    }

    /// Tunables of the display.
    package struct Configuration: Sendable {
        /// Default redraw interval on a terminal: 250 ms (about four times a second).
        package static let defaultTerminalInterval: Duration = .milliseconds(250)
        /// Default interval between plain lines: 10 s.
        package static let defaultPlainInterval: Duration = .seconds(10)

        package var style: Style
        /// Redraw interval on a terminal (default 250 ms).
        package var terminalInterval: Duration
        /// Interval between plain lines (default 10 s).
        package var plainInterval: Duration

        package init(
            style: Style,
            terminalInterval: Duration = Configuration.defaultTerminalInterval,
            plainInterval: Duration = Configuration.defaultPlainInterval
        ) {
            precondition(terminalInterval > .zero && plainInterval > .zero, "progress intervals must be positive")
            self.style = style
            self.terminalInterval = terminalInterval
            self.plainInterval = plainInterval
        }

        /// The interval of the configured style.
        package var interval: Duration { style == .terminal ? terminalInterval : plainInterval }
    }

    /// Width of the bar drawn on a terminal, in characters between the brackets.
    package static let barWidth = 20

    package let configuration: Configuration
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - configuration: style and intervals.
    ///   - write: where text goes (standard error by default); called with complete escape sequences.
    package init(
        configuration: Configuration,
        write: @escaping @Sendable (String) -> Void = ProgressDisplay.standardError
    ) {
        self.configuration = configuration
        self.write = write
    }

    /// Draws a line every interval until the task is cancelled (cancellation ends it without error).
    /// A snapshot that fails to read skips that tick.
    package func run(snapshot: @Sendable () async throws -> ProgressSnapshot) async {
        let clock = ContinuousClock()
        var next = clock.now.advanced(by: configuration.interval)
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: next)
            } catch {
                return
            }
            next = next.advanced(by: configuration.interval)
            guard let current = try? await snapshot() else { continue }
            draw(current)
        }
    }

    /// Draws one snapshot in the configured style (no newline on a terminal).
    package func draw(_ snapshot: ProgressSnapshot) {
        write(Self.frame(line(snapshot), style: configuration.style))
    }

    /// Draws the final state and ends the line, so what follows starts on a fresh one.
    package func finish(_ snapshot: ProgressSnapshot) {
        let line = line(snapshot)
        write(configuration.style == .terminal ? Self.frame(line, style: .terminal) + "\n" : line + "\n")
    }

    /// The rendered line; on a terminal fitted to its width, which can change between two draws.
    private func line(_ snapshot: ProgressSnapshot) -> String {
        let line = Self.render(snapshot, style: configuration.style)
        guard configuration.style == .terminal, let columns = Self.terminalColumns() else { return line }
        return Self.fit(line, columns: columns)
    }

    /// `line` shortened to fit `columns` (less one, so the cursor never wraps): whole ` · ` parts are dropped from
    /// the end, then characters. A redrawn line that wraps would leave a trail of lines behind.
    package static func fit(_ line: String, columns: Int) -> String {
        let width = max(1, columns - 1)
        guard line.count > width else { return line }
        var parts = line.components(separatedBy: " · ")
        while parts.count > 1, parts.joined(separator: " · ").count > width { parts.removeLast() }
        return String(parts.joined(separator: " · ").prefix(width))
    }

    /// Columns of the terminal on standard error (`TIOCGWINSZ`), nil when unknown.
    /// https://man7.org/linux/man-pages/man2/TIOCGWINSZ.2const.html
    static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Text written for one line: on a terminal, a carriage return, the line and "clear to end of line"
    /// (ECMA-48 `CSI K`), so a shorter line leaves nothing behind; plain, the line and a newline.
    package static func frame(_ line: String, style: Style) -> String {
        style == .terminal ? "\r\(line)\u{1B}[K" : "\(line)\n"
    }

    /// The progress line for `snapshot`, e.g.
    /// `[#########-----------] 1,000/2,000 50% · 120.5/s · ETA 8s · 93,000 tokens · $0.0465 · 2 failed · 3 retries`.
    /// Plain lines have no bar (they go to logs).
    package static func render(_ snapshot: ProgressSnapshot, style: Style) -> String {
        var parts: [String] = []
        let fraction = snapshot.total > 0 ? Double(snapshot.done) / Double(snapshot.total) : 1
        let percent = Int((min(1, max(0, fraction)) * 100).rounded(.down))
        let counts = "\(grouped(snapshot.done))/\(grouped(snapshot.total)) \(percent)%"
        switch style {
        case .terminal:
            let filled = min(barWidth, Int((Double(barWidth) * min(1, max(0, fraction))).rounded(.down)))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
            parts.append("[\(bar)] \(counts)")
        case .plain:
            parts.append("progress: \(counts)")
        }
        parts.append(snapshot.jobsPerSecond.map { "\(rate($0))/s" } ?? "–/s")
        if snapshot.done >= snapshot.total {
            parts.append("done in \(duration(snapshot.elapsed))")
        } else {
            parts.append("ETA \(snapshot.estimatedRemaining.map(duration) ?? "–")")
        }
        parts.append("\(grouped(snapshot.tokens)) tokens")
        parts.append((snapshot.costIsPartial ? "≥" : "") + dollars(snapshot.costMicros))
        parts.append("\(grouped(snapshot.failed)) failed")
        parts.append("\(grouped(snapshot.retries)) \(snapshot.retries == 1 ? "retry" : "retries")")
        return parts.joined(separator: " · ")
    }

    // MARK: Formatting

    /// `1234567` → `1,234,567`.
    package static func grouped(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// Jobs per second with one decimal below 100, whole above.
    package static func rate(_ value: Double) -> String {
        value < 100 ? String(format: "%.1f", value) : grouped(Int(value.rounded()))
    }

    /// `$12.34` above a dollar, four decimals below (a run of cheap calls costs fractions of a cent).
    package static func dollars(_ micros: Int64) -> String {
        let value = Double(micros) / 1_000_000
        return value >= 1 ? String(format: "$%.2f", value) : String(format: "$%.4f", value)
    }

    /// `45s`, `3m05s`, `2h07m`.
    package static func duration(_ duration: Duration) -> String {
        let total = max(0, Int(seconds(duration).rounded()))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }

    /// A duration in seconds, as a `Double`.
    package static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Writes to standard error unbuffered (progress must not wait for a buffer to fill).
    package static let standardError: @Sendable (String) -> Void = { text in
        FileHandle.standardError.write(Data(text.utf8))
    }
}
