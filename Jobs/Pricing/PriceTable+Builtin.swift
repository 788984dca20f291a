extension PriceTable {
    /// The prices shipped with Sluice, read from the providers' public price pages on 2025-06-01.
    ///
    /// Rates are micro-dollars per million tokens (`2_500_000` is $2.50 / 1M). Text-token list prices only; what
    /// the table does not model is left out rather than guessed:
    /// - models priced by prompt length (Gemini 2.5 Pro, 1.5) or repriced around that date (OpenAI o3) are
    ///   absent — their calls are recorded with an unknown cost until the configuration prices them;
    /// - Anthropic's cache *writes* (1.25× input) are not modelled: `cachedInput` is the cache *read* price;
    /// - audio and image tokens, and per-request fees (search, tools) are not modelled;
    /// - a nil batch price means the batch tier is unknown, not free.
    /// `mock-chat` and `mock-embed` are Sluice's mock provider models with MADE-UP prices, chosen so that
    /// rounding is exercised (e.g. 37 prompt tokens × $0.50 / 1M = 18.5 micro-dollars → 19).
    package static let builtin = PriceTable(
        version: "2025-06-01.1",
        source: "https://platform.openai.com/docs/pricing; https://docs.anthropic.com/en/docs/about-claude/pricing; "
            + "https://ai.google.dev/gemini-api/docs/pricing",
        asOf: "2025-06-01",
        prices: builtinPrices
    )

    private static let builtinPrices: [String: ModelPrice] = {
        var prices: [String: ModelPrice] = [:]
        func add(_ names: [String], _ price: ModelPrice) {
            for name in names {
                precondition(prices[name] == nil, "\(name) is priced twice")
                prices[name] = price
            }
        }

        // OpenAI — https://platform.openai.com/docs/pricing (Batch API: 50% of the standard rates).
        add(
            ["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20"],
            ModelPrice(
                input: 2_500_000,
                cachedInput: 1_250_000,
                output: 10_000_000,
                batchInput: 1_250_000,
                batchOutput: 5_000_000
            )
        )
        add(
            ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"],
            ModelPrice(input: 150_000, cachedInput: 75_000, output: 600_000, batchInput: 75_000, batchOutput: 300_000)
        )
        add(
            ["gpt-4.1", "gpt-4.1-2025-04-14"],
            ModelPrice(
                input: 2_000_000,
                cachedInput: 500_000,
                output: 8_000_000,
                batchInput: 1_000_000,
                batchOutput: 4_000_000
            )
        )
        add(
            ["gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"],
            ModelPrice(
                input: 400_000,
                cachedInput: 100_000,
                output: 1_600_000,
                batchInput: 200_000,
                batchOutput: 800_000
            )
        )
        add(
            ["gpt-4.1-nano", "gpt-4.1-nano-2025-04-14"],
            ModelPrice(input: 100_000, cachedInput: 25_000, output: 400_000, batchInput: 50_000, batchOutput: 200_000)
        )
        add(
            ["o1", "o1-2024-12-17"],
            ModelPrice(
                input: 15_000_000,
                cachedInput: 7_500_000,
                output: 60_000_000,
                batchInput: 7_500_000,
                batchOutput: 30_000_000
            )
        )
        add(
            ["o3-mini", "o3-mini-2025-01-31"],
            ModelPrice(
                input: 1_100_000,
                cachedInput: 550_000,
                output: 4_400_000,
                batchInput: 550_000,
                batchOutput: 2_200_000
            )
        )
        add(
            ["o4-mini", "o4-mini-2025-04-16"],
            ModelPrice(
                input: 1_100_000,
                cachedInput: 275_000,
                output: 4_400_000,
                batchInput: 550_000,
                batchOutput: 2_200_000
            )
        )
        add(
            ["gpt-4-turbo", "gpt-4-turbo-2024-04-09"],
            ModelPrice(input: 10_000_000, output: 30_000_000, batchInput: 5_000_000, batchOutput: 15_000_000)
        )
        add(
            ["gpt-3.5-turbo", "gpt-3.5-turbo-0125"],
            ModelPrice(input: 500_000, output: 1_500_000, batchInput: 250_000, batchOutput: 750_000)
        )
        add(["text-embedding-3-small"], ModelPrice(input: 20_000, output: 0, batchInput: 10_000, batchOutput: 0))
        add(["text-embedding-3-large"], ModelPrice(input: 130_000, output: 0, batchInput: 65_000, batchOutput: 0))
        add(["text-embedding-ada-002"], ModelPrice(input: 100_000, output: 0, batchInput: 50_000, batchOutput: 0))

        // Anthropic — https://docs.anthropic.com/en/docs/about-claude/pricing (cached = cache read, 0.1× input;
        // Message Batches: 50%).
        add(
            ["claude-opus-4-20250514", "claude-opus-4-0", "claude-3-opus-20240229"],
            ModelPrice(
                input: 15_000_000,
                cachedInput: 1_500_000,
                output: 75_000_000,
                batchInput: 7_500_000,
                batchOutput: 37_500_000
            )
        )
        add(
            [
                "claude-sonnet-4-20250514", "claude-sonnet-4-0", "claude-3-7-sonnet-20250219",
                "claude-3-7-sonnet-latest", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20240620",
                "claude-3-5-sonnet-latest",
            ],
            ModelPrice(
                input: 3_000_000,
                cachedInput: 300_000,
                output: 15_000_000,
                batchInput: 1_500_000,
                batchOutput: 7_500_000
            )
        )
        add(
            ["claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"],
            ModelPrice(
                input: 800_000,
                cachedInput: 80_000,
                output: 4_000_000,
                batchInput: 400_000,
                batchOutput: 2_000_000
            )
        )
        add(
            ["claude-3-haiku-20240307"],
            ModelPrice(
                input: 250_000,
                cachedInput: 30_000,
                output: 1_250_000,
                batchInput: 125_000,
                batchOutput: 625_000
            )
        )

        // Google Gemini — https://ai.google.dev/gemini-api/docs/pricing (paid tier, text input; no batch price
        // known at this date).
        add(
            ["gemini-2.0-flash", "gemini-2.0-flash-001"],
            ModelPrice(input: 100_000, cachedInput: 25_000, output: 400_000)
        )
        add(["gemini-2.0-flash-lite", "gemini-2.0-flash-lite-001"], ModelPrice(input: 75_000, output: 300_000))

        // MOCK — Sluice's own mock provider. Made-up prices, not any real provider's.
        add(
            ["mock-chat"],
            ModelPrice(
                input: 500_000,
                cachedInput: 250_000,
                output: 1_500_000,
                batchInput: 250_000,
                batchOutput: 750_000
            )
        )
        add(["mock-embed"], ModelPrice(input: 20_000, output: 0, batchInput: 10_000, batchOutput: 0))
        return prices
    }()
}
