import Testing

@testable import Jobs

@Suite struct PriceTableTests {
    let table = PriceTable(
        version: "t1",
        source: "test",
        asOf: "2025-06-01",
        prices: [
            "model-a": ModelPrice(input: 1_000_000, output: 2_000_000),
            "local/model-a": ModelPrice(input: 0, output: 0),
        ]
    )

    @Test func price_prefersTheProviderQualifiedEntry_thenTheModelName() {
        #expect(table.price(provider: "local", model: "model-a") == ModelPrice(input: 0, output: 0))
        #expect(table.price(provider: "openai", model: "model-a") == ModelPrice(input: 1_000_000, output: 2_000_000))
    }

    @Test func price_ofAnUnlistedModel_isUnknown_withoutPrefixMatching() {
        #expect(table.price(provider: "openai", model: "model-b") == nil)
        #expect(table.price(provider: "openai", model: "model-a-2099-01-01") == nil)
        #expect(PriceTable.builtin.price(provider: "openai", model: "gpt-4o-2099-01-01") == nil)
    }

    @Test func overriding_replacesWholeEntries_andVersionsTheResult() {
        let overridden = table.overriding(["model-a": ModelPrice(input: 5, cachedInput: 1, output: 7)])
        #expect(overridden.price(provider: "x", model: "model-a") == ModelPrice(input: 5, cachedInput: 1, output: 7))
        #expect(overridden.price(provider: "local", model: "model-a") == ModelPrice(input: 0, output: 0))
        #expect(overridden.version.hasPrefix("t1+config."))
        #expect(overridden.version != table.version)
        // Same overrides → same version (stable across runs); other prices → another version.
        #expect(
            table.overriding(["model-a": ModelPrice(input: 5, cachedInput: 1, output: 7)]).version
                == overridden.version
        )
        #expect(
            table.overriding(["model-a": ModelPrice(input: 5, cachedInput: 2, output: 7)]).version
                != overridden.version
        )
        #expect(table.overriding([:]) == table)
    }

    @Test func fingerprint_isStable() {
        // Pinned: the fingerprint must not depend on the process (no seeded hashing).
        #expect(
            PriceTable.fingerprint(["m": ModelPrice(input: 1, output: 2)])
                == PriceTable.fingerprint(
                    ["m": ModelPrice(input: 1, output: 2)])
        )
        #expect(PriceTable.fingerprint([:]) == "cbf29ce484222325")
    }

    @Test func builtin_namesItsSourceDateAndVersion_andPricesTheMockModels() {
        let builtin = PriceTable.builtin
        #expect(builtin.asOf == "2025-06-01")
        #expect(builtin.source.contains("https://"))
        #expect(!builtin.version.isEmpty)
        #expect(builtin.price(provider: "mock", model: "mock-chat") != nil)
        #expect(builtin.price(provider: "mock", model: "mock-embed") != nil)
        #expect(
            builtin.price(provider: "openai", model: "gpt-4o-mini")
                == ModelPrice(
                    input: 150_000,
                    cachedInput: 75_000,
                    output: 600_000,
                    batchInput: 75_000,
                    batchOutput: 300_000
                )
        )
    }

    @Test func builtin_pricesAreConsistent() {
        for (name, price) in PriceTable.builtin.prices {
            #expect((price.cachedInput ?? price.input) <= price.input, "\(name)")
            if let batchInput = price.batchInput { #expect(batchInput <= price.input, "\(name)") }
            if let batchOutput = price.batchOutput { #expect(batchOutput <= price.output, "\(name)") }
            #expect((price.batchInput == nil) == (price.batchOutput == nil), "\(name)")
        }
    }
}
