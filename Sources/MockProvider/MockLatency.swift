/// The wait before an answer: `latency` plus a jitter offset in `-jitter...jitter` that is a pure function of
/// the request's sequence number, never below zero.
enum MockLatency {
    static func delay(latency: Duration, jitter: Duration, sequence: UInt64) -> Duration {
        guard jitter > .zero else { return latency }
        var generator = SplitMix64(seed: sequence &* 0x9e37_79b9_7f4a_7c15)
        let offset = jitter * (generator.nextUnit() * 2 - 1)
        return max(.zero, latency + offset)
    }
}
