import API
import Foundation
import Testing

@testable import App

@Suite struct OperatorHistoryTests {
    let start = Date(timeIntervalSince1970: 1_000)

    @Test func record_countsJobsFinishedSinceThePreviousSample() {
        var history = OperatorHistory(capacity: 10, start: start, finishedCount: 100)
        let first = history.record(time: start, queued: 5, running: 2, finishedCount: 100)
        #expect(first == OperatorSample(time: start, queued: 5, running: 2, finished: 0, intervalSeconds: 0))
        let second = history.record(time: start + 60, queued: 1, running: 3, finishedCount: 130)
        #expect(second.finished == 30 && second.intervalSeconds == 60)
        #expect(history.samples == [first, second])
    }

    @Test func record_beyondCapacity_dropsTheOldest() {
        var history = OperatorHistory(capacity: 3, start: start, finishedCount: 0)
        for minute in 1...5 {
            history.record(time: start + Double(minute * 60), queued: minute, running: 0, finishedCount: minute)
        }
        #expect(history.samples.map(\.queued) == [3, 4, 5])
        #expect(history.samples.allSatisfy { $0.finished == 1 && $0.intervalSeconds == 60 })
    }

    @Test func peek_isTheLivePoint_andKeepsNothing() {
        var history = OperatorHistory(capacity: 3, start: start, finishedCount: 0)
        history.record(time: start + 60, queued: 1, running: 1, finishedCount: 10)
        let live = history.peek(time: start + 90, queued: 0, running: 2, finishedCount: 25)
        #expect(live == OperatorSample(time: start + 90, queued: 0, running: 2, finished: 15, intervalSeconds: 30))
        #expect(history.samples.count == 1)
        // A counter that went backwards (a new store) never gives negative throughput.
        #expect(history.peek(time: start + 120, queued: 0, running: 0, finishedCount: 3).finished == 0)
    }
}
