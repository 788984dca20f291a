package import API
package import Foundation

/// The dashboard's per-minute history as a pure ring: queue depth and jobs finished per sample, the newest
/// `capacity` samples kept. Jobs finished are the difference of an ever-growing counter
/// (`JobStore.finishedJobCount`) between two samples. `OperatorSampler` keeps one behind a lock.
package struct OperatorHistory: Sendable {
    /// Default samples kept: 60 (an hour at one per minute).
    package static let defaultCapacity = 60

    package let capacity: Int
    /// The kept samples, oldest first.
    package private(set) var samples: [OperatorSample] = []
    /// When the last sample (or the start) was taken, and the counter then.
    package private(set) var baseline: (time: Date, finishedCount: Int)

    /// - Parameters:
    ///   - capacity: samples kept.
    ///   - start: when counting starts.
    ///   - finishedCount: the counter at `start`.
    package init(capacity: Int = defaultCapacity, start: Date, finishedCount: Int) {
        precondition(capacity > 0, "an operator history keeps at least one sample")
        self.capacity = capacity
        self.baseline = (start, finishedCount)
    }

    /// Appends the sample taken at `time` (dropping the oldest beyond `capacity`) and makes it the new baseline.
    @discardableResult
    package mutating func record(time: Date, queued: Int, running: Int, finishedCount: Int) -> OperatorSample {
        let sample = peek(time: time, queued: queued, running: running, finishedCount: finishedCount)
        samples.append(sample)
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
        baseline = (time, finishedCount)
        return sample
    }

    /// The sample that `record` would append at `time`, without keeping it (the dashboard's live point).
    package func peek(time: Date, queued: Int, running: Int, finishedCount: Int) -> OperatorSample {
        OperatorSample(
            time: time,
            queued: queued,
            running: running,
            finished: max(0, finishedCount - baseline.finishedCount),
            intervalSeconds: max(0, Int(time.timeIntervalSince(baseline.time).rounded()))
        )
    }
}
