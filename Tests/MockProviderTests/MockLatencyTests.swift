import Testing

@testable import MockProvider

@Suite struct MockLatencyTests {
    @Test func delay_withoutJitter_isTheLatency() {
        #expect(MockLatency.delay(latency: .milliseconds(7), jitter: .zero, sequence: 3) == .milliseconds(7))
    }

    @Test func delay_withJitter_staysInRange_andIsDeterministic() {
        for sequence in UInt64(1)...500 {
            let delay = MockLatency.delay(latency: .milliseconds(100), jitter: .milliseconds(20), sequence: sequence)
            #expect(delay >= .milliseconds(80) && delay <= .milliseconds(120))
            #expect(
                delay == MockLatency.delay(latency: .milliseconds(100), jitter: .milliseconds(20), sequence: sequence)
            )
        }
    }

    @Test func delay_neverNegative() {
        for sequence in UInt64(1)...200 {
            #expect(
                MockLatency.delay(latency: .milliseconds(1), jitter: .milliseconds(50), sequence: sequence) >= .zero
            )
        }
    }
}
