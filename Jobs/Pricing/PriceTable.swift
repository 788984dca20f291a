/// A versioned table of model prices: what each call is charged in the ledger.
///
/// Looked up by the job's provider and model: an entry named `provider/model` wins over one named `model`, so a
/// configuration can price a self-hosted model (`local/llama-3.1-8b: {input: 0, output: 0}`) without touching
/// the same name elsewhere. Names match exactly (no prefix matching: dated snapshots can have other prices).
/// A model without an entry has an unknown price: its calls are recorded with an unknown cost and counted,
/// never as zero.
///
/// ```swift
/// let table = PriceTable.builtin.overriding(["gpt-4o-mini": ModelPrice(input: 150_000, output: 600_000)])
/// let micros = table.price(provider: "openai", model: "gpt-4o-mini")?.cost(of: usage)  // nil: unknown
/// ```
package struct PriceTable: Sendable, Equatable {
    /// Identifies the prices a ledger row was computed with; changes whenever any price does.
    package var version: String
    /// Where the prices come from (URLs), for people auditing a bill.
    package var source: String
    /// The day the prices were read from the source (`YYYY-MM-DD`).
    package var asOf: String
    /// Prices by `provider/model` or `model`.
    package var prices: [String: ModelPrice]

    package init(version: String, source: String, asOf: String, prices: [String: ModelPrice]) {
        self.version = version
        self.source = source
        self.asOf = asOf
        self.prices = prices
    }

    /// The price of `model` served by `provider`: the `provider/model` entry, else the `model` entry, else nil.
    package func price(provider: String, model: String) -> ModelPrice? {
        prices["\(provider)/\(model)"] ?? prices[model]
    }

    /// This table with `overrides` replacing (whole entries, not single rates) or adding entries.
    ///
    /// The version becomes `<version>+config.<fingerprint>`, where the fingerprint is a stable hash of the
    /// overrides: ledger rows say which prices they were computed with, and editing the configuration's
    /// prices changes the version. Without overrides the table is returned unchanged.
    package func overriding(_ overrides: [String: ModelPrice]) -> PriceTable {
        guard !overrides.isEmpty else { return self }
        var table = self
        table.prices.merge(overrides) { _, new in new }
        table.version = "\(version)+config.\(Self.fingerprint(overrides))"
        table.source = "\(source); overridden in the configuration"
        return table
    }

    /// 64-bit FNV-1a over a canonical text of the entries, as 16 hex digits: the same prices always give the same
    /// fingerprint, on every machine and run (unlike `Hasher`, which is seeded per process).
    static func fingerprint(_ prices: [String: ModelPrice]) -> String {
        let canonical = prices.sorted { $0.key < $1.key }.map { name, price in
            let rates = [price.input, price.cachedInput, price.output, price.batchInput, price.batchOutput]
                .map { $0.map(String.init) ?? "-" }.joined(separator: ",")
            return "\(name)=\(rates)"
        }.joined(separator: ";")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
