import Synchronization

/// The `MockRateLimiter` shared by every request of one server, behind a lock held for a few arithmetic steps.
final class RateLimitGate: Sendable {
    private let limiter: Mutex<MockRateLimiter>

    /// `nil` when neither rpm nor tpm is set, so unlimited servers pay nothing.
    init?(rpm: Int?, tpm: Int?) {
        guard rpm != nil || tpm != nil else { return nil }
        limiter = Mutex(MockRateLimiter(rpm: rpm, tpm: tpm, now: .now))
    }

    func admit(tokens: Int) -> MockRateLimiter.Decision {
        let now = ContinuousClock.now
        return limiter.withLock { $0.admit(tokens: tokens, now: now) }
    }
}
