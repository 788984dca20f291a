/// The deliberate failure (if any) for one request: a pure function of the configured shares and the request's
/// sequence number, so a run with the same shares and the same request order fails the same requests.
enum MockFault: Sendable, Equatable {
    case fail5xx
    case fail429
    case hang
    case garbage
    case drop

    /// Picks the fault for request number `sequence`, or `nil` for a normal answer.
    static func pick(_ faults: MockProviderConfiguration.Faults, sequence: UInt64) -> MockFault? {
        let shares: [(MockFault, Double)] = [
            (.fail5xx, faults.fail5xx), (.fail429, faults.fail429), (.hang, faults.hang),
            (.garbage, faults.garbage), (.drop, faults.drop),
        ]
        guard shares.contains(where: { $0.1 > 0 }) else { return nil }
        var generator = SplitMix64(seed: sequence ^ 0x5eed_fa17_0000_0000)
        let draw = generator.nextUnit()
        var upper = 0.0
        for (fault, share) in shares {
            upper += share
            if draw < upper { return fault }
        }
        return nil
    }
}
