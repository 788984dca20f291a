import Synchronization
import Testing

@testable import App

struct ProgressDisplayTests {
    @Test func render_onTerminal_drawsBarCountsRateETATokensCostFailuresAndRetries() {
        let snapshot = ProgressSnapshot(
            total: 2000,
            done: 1000,
            failed: 2,
            retries: 3,
            tokens: 93_000,
            costMicros: 46_500,
            elapsed: .seconds(10),
            doneAtStart: 0
        )
        let line = ProgressDisplay.render(snapshot, style: .terminal)
        #expect(
            line
                == "[##########----------] 1,000/2,000 50% · 100/s · ETA 10s · 93,000 tokens · $0.0465 · 2 failed · "
                + "3 retries"
        )
    }

    @Test func render_plain_hasNoBar() {
        let snapshot = ProgressSnapshot(total: 10, done: 5, elapsed: .seconds(2))
        let line = ProgressDisplay.render(snapshot, style: .plain)
        #expect(line.hasPrefix("progress: 5/10 50% · 2.5/s · ETA 2s"))
        #expect(!line.contains("["))
    }

    @Test func render_whenResumed_countsOnlyThisProcessesWorkInTheRate() {
        let snapshot = ProgressSnapshot(total: 100, done: 60, elapsed: .seconds(4), doneAtStart: 50)
        #expect(snapshot.jobsPerSecond == 2.5)
        #expect(snapshot.estimatedRemaining == .seconds(16))
    }

    @Test func render_beforeAnyProgress_showsUnknownRateAndETA() {
        let line = ProgressDisplay.render(ProgressSnapshot(total: 10, done: 0), style: .plain)
        #expect(line.contains("–/s · ETA –"))
    }

    @Test func render_whenDone_showsElapsedAndPartialCost() {
        let snapshot = ProgressSnapshot(
            total: 3,
            done: 3,
            retries: 1,
            costMicros: 2_500_000,
            costIsPartial: true,
            elapsed: .seconds(125)
        )
        let line = ProgressDisplay.render(snapshot, style: .terminal)
        #expect(line.contains("done in 2m05s"))
        #expect(line.contains("≥$2.50"))
        #expect(line.hasSuffix("1 retry"))
        #expect(line.hasPrefix("[####################] 3/3 100%"))
    }

    @Test func frame_onTerminal_redrawsInPlace() {
        #expect(ProgressDisplay.frame("x", style: .terminal) == "\rx\u{1B}[K")
        #expect(ProgressDisplay.frame("x", style: .plain) == "x\n")
    }

    @Test func fit_dropsWholePartsFromTheEndToFitTheTerminal() {
        let line = "[#---] 1/4 25% · 2.0/s · ETA 2s · 10 tokens"
        #expect(ProgressDisplay.fit(line, columns: 200) == line)
        #expect(ProgressDisplay.fit(line, columns: 33) == "[#---] 1/4 25% · 2.0/s · ETA 2s")
        #expect(ProgressDisplay.fit(line, columns: 8) == "[#---] ")
    }

    @Test func formatting_groupsDigitsAndFormatsDurations() {
        #expect(ProgressDisplay.grouped(1_234_567) == "1,234,567")
        #expect(ProgressDisplay.grouped(12) == "12")
        #expect(ProgressDisplay.duration(.seconds(7300)) == "2h01m")
        #expect(ProgressDisplay.dollars(0) == "$0.0000")
    }

    @Test func finish_onTerminal_endsTheLine() {
        let written = Mutex<[String]>([])
        let display = ProgressDisplay(configuration: .init(style: .terminal)) { text in
            written.withLock { $0.append(text) }
        }
        display.finish(ProgressSnapshot(total: 1, done: 1))
        let texts = written.withLock { $0 }
        #expect(texts.count == 1)
        #expect(texts[0].hasPrefix("\r[") && texts[0].hasSuffix("\u{1B}[K\n"))
    }
}
