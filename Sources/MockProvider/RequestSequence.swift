import Synchronization

/// Numbers requests 1, 2, 3… in arrival order (lock-free), and derives their ids.
final class RequestSequence: Sendable {
    private let counter = Atomic<UInt64>(0)
    /// Numbers answers outside the provider routes (stats, 404s) so they get unique ids without moving the
    /// sequence that latency jitter and faults depend on.
    private let otherCounter = Atomic<UInt64>(0)
    /// Random per server, so ids of two runs differ; answers and delays never depend on it.
    private let idSeed = UInt64.random(in: .min ... .max)

    init() {}

    /// The next sequence number, starting at 1.
    func next() -> UInt64 {
        counter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// `req_` plus 32 hex digits, unique per request of this server.
    func requestID(_ sequence: UInt64) -> String {
        var generator = SplitMix64(seed: idSeed ^ sequence)
        return "req_" + generator.next().paddedHex + generator.next().paddedHex
    }

    /// A fresh `req_…` id for an answer outside the provider routes.
    func otherRequestID() -> String {
        requestID(otherCounter.wrappingAdd(1, ordering: .relaxed).newValue | (1 << 63))
    }

    /// `chatcmpl-` plus 24 characters, unique per request of this server.
    func completionID(_ sequence: UInt64) -> String {
        var generator = SplitMix64(seed: ~idSeed ^ sequence)
        return "chatcmpl-mock" + String(generator.next().paddedHex.prefix(11)) + generator.next().paddedHex.prefix(13)
    }
}
