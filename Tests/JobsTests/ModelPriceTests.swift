import Testing

@testable import Jobs

@Suite struct ModelPriceTests {
    /// $0.50 / $0.25 cached / $1.50 per 1M: half a micro-dollar per prompt token, so rounding shows.
    let half = ModelPrice(
        input: 500_000,
        cachedInput: 250_000,
        output: 1_500_000,
        batchInput: 250_000,
        batchOutput: 750_000
    )

    @Test func cost_roundsHalfUp_oncePerAnswer() {
        #expect(half.cost(of: TokenUsage(promptTokens: 37, completionTokens: 0)) == 19)  // 18.5 → 19
        #expect(half.cost(of: TokenUsage(promptTokens: 37, completionTokens: 1)) == 20)  // 18.5 + 1.5 = 20
        #expect(half.cost(of: TokenUsage(promptTokens: 1, completionTokens: 0)) == 1)  // 0.5 → 1
        #expect(half.cost(of: TokenUsage(promptTokens: 0, completionTokens: 0)) == 0)
        let tenths = ModelPrice(input: 400_000, output: 0)
        #expect(tenths.cost(of: TokenUsage(promptTokens: 1, completionTokens: 0)) == 0)  // 0.4 → 0
        #expect(tenths.cost(of: TokenUsage(promptTokens: 3, completionTokens: 0)) == 1)  // 1.2 → 1
        #expect(tenths.cost(of: TokenUsage(promptTokens: 4, completionTokens: 0)) == 2)  // 1.6 → 2
    }

    @Test func cost_sumsTheExactComponentsBeforeTheOneRounding() {
        // 1 × 0.5 + 1 × 0.25 (cached) + 1 × 1.5 = 2.25 → 2; rounding each part first would give 1 + 0 + 2 = 3.
        #expect(half.cost(of: TokenUsage(promptTokens: 2, completionTokens: 1, cachedTokens: 1)) == 2)
    }

    @Test func cost_chargesCachedTokensAtTheCachedRate_outOfThePrompt() {
        let mini = ModelPrice(input: 150_000, cachedInput: 75_000, output: 600_000)
        // (600 × 0.15 + 400 × 0.075 + 100 × 0.6) = 90 + 30 + 60 = 180 micro-dollars.
        #expect(mini.cost(of: TokenUsage(promptTokens: 1_000, completionTokens: 100, cachedTokens: 400)) == 180)
    }

    @Test func cost_withoutACachedRate_chargesCachedTokensAtTheInputRate() {
        let plain = ModelPrice(input: 1_000_000, output: 0)
        #expect(plain.cost(of: TokenUsage(promptTokens: 10, completionTokens: 0, cachedTokens: 10)) == 10)
    }

    @Test func cost_clampsImpossibleCounts() {
        // More cached than prompt tokens: cached is clamped to the prompt; negative counts are zero.
        #expect(half.cost(of: TokenUsage(promptTokens: 4, completionTokens: 0, cachedTokens: 10)) == 1)
        #expect(half.cost(of: TokenUsage(promptTokens: -5, completionTokens: -1, cachedTokens: -3)) == 0)
    }

    @Test func cost_atTheBatchTier_usesTheBatchRates_orIsUnknown() {
        #expect(half.cost(of: TokenUsage(promptTokens: 100, completionTokens: 10), tier: .batch) == 33)  // 25 + 7.5
        #expect(
            half.cost(of: TokenUsage(promptTokens: 100, completionTokens: 0, cachedTokens: 100), tier: .batch)
                == 25
        )
        let noBatch = ModelPrice(input: 100_000, output: 400_000)
        #expect(noBatch.cost(of: TokenUsage(promptTokens: 1, completionTokens: 1), tier: .batch) == nil)
    }

    @Test func cost_ofHugeUsage_isExact_andOverflowIsUnknown() {
        let opus = ModelPrice(input: 15_000_000, output: 75_000_000)
        #expect(opus.cost(of: TokenUsage(promptTokens: 1_000_000_000_000, completionTokens: 0)) == 15_000_000_000_000)
        #expect(opus.cost(of: TokenUsage(promptTokens: 0, completionTokens: Int.max)) == nil)
    }

    @Test func cost_matchesAReferenceFormula_forManySmallUsages() {
        // Reference: round half up of n / 1e6 written as floor((2n + 1e6) / 2e6), independent of the code under test.
        let price = ModelPrice(input: 123_457, cachedInput: 61_729, output: 987_653)
        for prompt in stride(from: 0, through: 3_000, by: 37) {
            for cached in [0, prompt / 3, prompt] {
                for completion in stride(from: 0, through: 500, by: 53) {
                    let n = Int64(prompt - cached) * 123_457 + Int64(cached) * 61_729 + Int64(completion) * 987_653
                    let expected = (2 * n + 1_000_000) / 2_000_000
                    let usage = TokenUsage(promptTokens: prompt, completionTokens: completion, cachedTokens: cached)
                    #expect(price.cost(of: usage) == expected)
                }
            }
        }
    }
}
