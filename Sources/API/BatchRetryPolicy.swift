/// How a batch lifecycle service (``BatchValidator``, ``BatchFinalizer``) retries a batch whose step failed with
/// a thrown error (a full disk, a read error): after `initialDelay`, doubling after each further failure up to
/// `maxDelay`.
///
/// ```swift
/// let policy = BatchRetryPolicy.standard  // 1 s, 2 s, 4 s, … 60 s, 60 s, …
/// policy.delay(afterFailures: 3)           // .seconds(4)
/// ```
package struct BatchRetryPolicy: Sendable, Equatable {
    /// 1 s doubling to 60 s.
    package static let standard = BatchRetryPolicy(initialDelay: .seconds(1), maxDelay: .seconds(60))

    package var initialDelay: Duration
    package var maxDelay: Duration

    package init(initialDelay: Duration, maxDelay: Duration) {
        precondition(initialDelay > .zero, "initialDelay must be positive")
        precondition(maxDelay >= initialDelay, "maxDelay must not be below initialDelay")
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The wait before the next attempt after `failures` consecutive failed attempts (1 or more).
    package func delay(afterFailures failures: Int) -> Duration {
        var delay = initialDelay
        var doublings = max(failures, 1) - 1
        while doublings > 0, delay < maxDelay {
            delay = delay * 2
            doublings -= 1
        }
        return min(delay, maxDelay)
    }
}
