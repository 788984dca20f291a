/// Which of a model's prices applies to a call: the ordinary synchronous price, or the provider's batch-API
/// price (OpenAI Batch, Anthropic Message Batches: half price, answered within a window).
package enum PriceTier: String, Sendable, Equatable, CaseIterable {
    case standard
    case batch
}
