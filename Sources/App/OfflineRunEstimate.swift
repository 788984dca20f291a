import Foundation
package import Jobs
import Workers

/// What a batch file should cost, from its lines alone: the `--dry-run` report.
///
/// - Prompt tokens: the same estimate the lanes reserve with (``TokenEstimate``: about four UTF-8 bytes per token of
///   every message's text, plus 4 per message and 3 for the reply; the mock provider counts the same way).
/// - Completion tokens: the line's `max_completion_tokens` or `max_tokens` (times `n`) when it sets one, an upper
///   bound that a model answering at length reaches; otherwise ``defaultCompletionRatio`` × the prompt tokens.
///   Embeddings have none.
/// - Cost: the price table's standard rates for the line's provider and model (unknown when the model has no price).
package struct OfflineRunEstimate: Sendable, Equatable {
    /// Completion tokens estimated per prompt token for a chat line that sets no maximum: 0.5.
    package static let defaultCompletionRatio = 0.5

    /// The estimate for one provider and model.
    package struct Model: Sendable, Equatable {
        package var provider: String
        package var model: String
        package var lines: Int = 0
        package var promptTokens: Int = 0
        package var completionTokens: Int = 0
        /// Lines whose completion was estimated by the ratio (they set no maximum).
        package var linesWithoutMaximum: Int = 0
    }

    /// By `provider/model`.
    package private(set) var models: [String: Model] = [:]

    package init() {}

    /// Adds one validated line.
    package mutating func add(_ job: NewJob) {
        let guess = TokenEstimate(endpoint: job.endpoint, body: job.body, defaultMaxTokens: 0)
        let isEmbedding = job.endpoint.hasSuffix("/embeddings")
        var completion = guess.maxOutputTokens
        let estimatedByRatio = !isEmbedding && !guess.outputLimitRequested
        if estimatedByRatio {
            completion = Int((Double(guess.promptTokens) * Self.defaultCompletionRatio).rounded())
        }
        let key = "\(job.provider)/\(job.model)"
        var entry = models[key] ?? Model(provider: job.provider, model: job.model)
        entry.lines += 1
        entry.promptTokens += guess.promptTokens
        entry.completionTokens += completion
        entry.linesWithoutMaximum += estimatedByRatio ? 1 : 0
        models[key] = entry
    }

    /// Every model, by name.
    package var sortedModels: [Model] { models.keys.sorted().compactMap { models[$0] } }

    /// Estimated prompt plus completion tokens of the whole file.
    package var totalTokens: Int { models.values.reduce(0) { $0 + $1.promptTokens + $1.completionTokens } }

    /// The model's estimated cost in micro-dollars at the standard rates; nil when its price is unknown.
    package static func cost(of model: Model, prices: PriceTable) -> Int64? {
        prices.price(provider: model.provider, model: model.model)?.cost(
            of: TokenUsage(promptTokens: model.promptTokens, completionTokens: model.completionTokens)
        )
    }

    /// The dry-run report: a table of lines, tokens and cost per model, a total, and how completions were guessed.
    package func report(prices: PriceTable) -> String {
        var rows: [[String]] = [["model", "lines", "prompt tokens", "completion tokens", "estimated cost"]]
        var known: Int64 = 0
        var unknown = false
        var lines = 0
        var prompt = 0
        var completion = 0
        for model in sortedModels {
            let cost = Self.cost(of: model, prices: prices)
            if let cost { known += cost } else { unknown = true }
            lines += model.lines
            prompt += model.promptTokens
            completion += model.completionTokens
            rows.append([
                "\(model.provider)/\(model.model)", ProgressDisplay.grouped(model.lines),
                ProgressDisplay.grouped(model.promptTokens), ProgressDisplay.grouped(model.completionTokens),
                cost.map(ProgressDisplay.dollars) ?? "unknown price",
            ])
        }
        rows.append([
            "total", ProgressDisplay.grouped(lines), ProgressDisplay.grouped(prompt),
            ProgressDisplay.grouped(completion),
            (unknown ? "≥" : "") + ProgressDisplay.dollars(known),
        ])
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        let ratioLines = models.values.reduce(0) { $0 + $1.linesWithoutMaximum }
        text += "\nCompletion tokens: max_tokens or max_completion_tokens where a line sets one"
        if ratioLines > 0 {
            text +=
                ", else \(Self.defaultCompletionRatio) × the prompt tokens (\(ProgressDisplay.grouped(ratioLines)) lines)"
        }
        text += ".\nPrices: \(prices.version) (as of \(prices.asOf)), standard rates."
        return text
    }
}
