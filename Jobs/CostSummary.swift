/// What a set of billed answers cost (a job's attempts, a batch's jobs, a usage group), in micro-dollars.
///
/// The cost is exact only when every answer's price was known: answers with an unknown price are counted in
/// ``unknownCostRequests`` and left out of ``knownCostMicros``; ``costMicros`` is then nil (unknown), never a
/// silent undercount.
package struct CostSummary: Sendable, Equatable, Hashable {
    /// The sum of the known costs.
    package var knownCostMicros: Int64
    /// Billed answers whose price was unknown (no price for the model or tier, or no usage reported).
    package var unknownCostRequests: Int
    /// What cache hits saved (sum of the known savings).
    package var savedMicros: Int64

    package init(knownCostMicros: Int64 = 0, unknownCostRequests: Int = 0, savedMicros: Int64 = 0) {
        self.knownCostMicros = knownCostMicros
        self.unknownCostRequests = unknownCostRequests
        self.savedMicros = savedMicros
    }

    /// The total cost, or nil when any answer's price was unknown.
    package var costMicros: Int64? { unknownCostRequests == 0 ? knownCostMicros : nil }
}
