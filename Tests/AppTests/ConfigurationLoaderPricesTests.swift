import Jobs
import Testing

@testable import App

@Suite struct ConfigurationLoaderPricesTests {
    @Test func parse_prices_convertsDollarsPerMillionToMicroDollarsExactly() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                mock: {enabled: true}
                prices:
                  gpt-4o-mini: {input: 0.15, cached_input: 0.075, output: 0.60}
                  "local/llama-3.1-8b": {input: 0, output: 0}
                  mock-chat: {input: "8.2", output: 4.1, batch_input: 0.000001, batch_output: 1}
                """
        )
        #expect(
            configuration.prices == [
                "gpt-4o-mini": ModelPrice(input: 150_000, cachedInput: 75_000, output: 600_000),
                "local/llama-3.1-8b": ModelPrice(input: 0, output: 0),
                "mock-chat": ModelPrice(input: 8_200_000, output: 4_100_000, batchInput: 1, batchOutput: 1_000_000),
            ]
        )
        let table = configuration.priceTable
        #expect(table.price(provider: "local", model: "llama-3.1-8b") == ModelPrice(input: 0, output: 0))
        #expect(table.price(provider: "mock", model: "mock-chat")?.input == 8_200_000)
        #expect(table.price(provider: "openai", model: "gpt-4o") == PriceTable.builtin.prices["gpt-4o"])
        #expect(table.version.hasPrefix(PriceTable.builtin.version + "+config."))
    }

    @Test func parse_withoutPrices_usesTheBuiltinTable() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "mock: {enabled: true}")
        #expect(configuration.prices.isEmpty)
        #expect(configuration.priceTable == PriceTable.builtin)
    }

    @Test(
        arguments: [
            ("prices:\n  m: {input: 0.0000001, output: 1}\n", 2, "'prices.m.input' must be a US dollar amount"),
            ("prices:\n  m: {input: -1, output: 1}\n", 2, "'prices.m.input' must be a US dollar amount"),
            ("prices:\n  m: {input: 1e-3, output: 1}\n", 2, "'prices.m.input' must be a US dollar amount"),
            ("prices:\n  m: {input: [1], output: 1}\n", 2, "'prices.m.input' must be a US dollar amount"),
            ("prices:\n  m: {input: 1}\n", 2, "the price of 'm' needs 'input' and 'output'"),
            ("prices:\n  m: {input: 1, output: 1, batch_input: 1}\n", 2, "needs both 'batch_input' and 'batch_output'"),
            ("prices:\n  m:\n    input: 1\n    outptu: 2\n", 4, "unknown key 'outptu'"),
            ("prices: [1, 2]\n", 1, "prices must be a mapping"),
        ] as [(String, Int, String)]
    )
    func parse_badPrices_failWithTheirLine(yaml: String, line: Int, message: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.parse(yaml: yaml) }
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error.message)")
    }
}
