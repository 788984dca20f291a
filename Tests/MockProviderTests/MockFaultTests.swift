import Testing

@testable import MockProvider

@Suite struct MockFaultTests {
    @Test func pick_withoutShares_neverFaults() {
        #expect((UInt64(1)...1000).allSatisfy { MockFault.pick(.none, sequence: $0) == nil })
    }

    @Test func pick_withFullShare_alwaysFaultsThatWay() {
        let faults = MockProviderConfiguration.Faults(garbage: 1)
        #expect((UInt64(1)...1000).allSatisfy { MockFault.pick(faults, sequence: $0) == .garbage })
    }

    @Test func pick_sharesAreRoughlyHonoured_andDeterministic() {
        let faults = MockProviderConfiguration.Faults(fail5xx: 0.1, fail429: 0.2)
        let picks = (UInt64(1)...10_000).map { MockFault.pick(faults, sequence: $0) }
        let fail5xx = picks.filter { $0 == .fail5xx }.count
        let fail429 = picks.filter { $0 == .fail429 }.count
        #expect((800...1200).contains(fail5xx))
        #expect((1700...2300).contains(fail429))
        #expect(picks == (UInt64(1)...10_000).map { MockFault.pick(faults, sequence: $0) })
    }
}
