/// What one model costs, in micro-dollars per million tokens (so `$0.15 / 1M` is `150_000`).
///
/// A price per million tokens in micro-dollars resolves 10⁻¹² dollars a token, finer than any provider quotes.
package struct ModelPrice: Sendable, Equatable, Hashable {
    /// Uncached prompt tokens.
    package var input: Int64
    /// Prompt tokens served from the provider's prompt cache; nil means the provider gives no caching discount
    /// (cached tokens are charged at `input`).
    package var cachedInput: Int64?
    /// Completion (output) tokens, reasoning tokens included.
    package var output: Int64
    /// Prompt tokens through the provider's batch API; nil when the model has no batch price (unknown).
    package var batchInput: Int64?
    /// Completion tokens through the provider's batch API; nil when the model has no batch price (unknown).
    package var batchOutput: Int64?

    /// Tokens in the unit the rates are quoted per.
    package static let tokensPerUnit: Int64 = 1_000_000

    package init(
        input: Int64,
        cachedInput: Int64? = nil,
        output: Int64,
        batchInput: Int64? = nil,
        batchOutput: Int64? = nil
    ) {
        precondition(
            input >= 0 && output >= 0 && (cachedInput ?? 0) >= 0 && (batchInput ?? 0) >= 0 && (batchOutput ?? 0) >= 0,
            "prices are never negative"
        )
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
        self.batchInput = batchInput
        self.batchOutput = batchOutput
    }

    /// The cost of one answer's usage at this price, in micro-dollars; nil when the tier has no price.
    ///
    /// The rule, applied once per answer (per ledger row):
    ///
    ///     cost = round_half_up( ( (prompt − cached) × input_rate
    ///                             + cached × cached_rate
    ///                             + completion × output_rate ) / 1,000,000 )
    ///
    /// `prompt` includes `cached` (OpenAI's convention, which ``TokenUsage`` follows); `cached` is clamped to
    /// `0...prompt`. At the standard tier `cached_rate` is `cachedInput ?? input`; at the batch tier every prompt
    /// token is charged `batchInput` (no caching discount is assumed on top of the batch discount). The exact
    /// product is summed before the one rounding, so no fraction of a micro-dollar is lost per component.
    /// Negative token counts are treated as zero. The arithmetic is done in 128 bits; a result beyond
    /// `Int64.max` micro-dollars (9.2 trillion dollars) is reported as unknown (nil).
    package func cost(of usage: TokenUsage, tier: PriceTier = .standard) -> Int64? {
        let prompt = Int128(max(0, usage.promptTokens))
        let cached = min(Int128(max(0, usage.cachedTokens)), prompt)
        let completion = Int128(max(0, usage.completionTokens))
        let inputRate: Int64
        let cachedRate: Int64
        let outputRate: Int64
        switch tier {
        case .standard:
            inputRate = input
            cachedRate = cachedInput ?? input
            outputRate = output
        case .batch:
            guard let batchInput, let batchOutput else { return nil }
            inputRate = batchInput
            cachedRate = batchInput
            outputRate = batchOutput
        }
        let numerator =
            (prompt - cached) * Int128(inputRate) + cached * Int128(cachedRate) + completion * Int128(outputRate)
        let unit = Int128(Self.tokensPerUnit)
        let rounded = (numerator + unit / 2) / unit
        guard rounded <= Int128(Int64.max) else { return nil }
        return Int64(rounded)
    }
}
