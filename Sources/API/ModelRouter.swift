public import Jobs

/// Picks the provider lane for a request's `model`.
///
/// - `provider/model`, where `provider` is a configured provider that lists `model`, picks that provider
///   explicitly (the explicit form wins over a model that happens to be spelled with a slash).
/// - Otherwise the first provider, in configuration order, that lists the model as written.
/// - Anything else is unknown (`nil`).
///
/// ```swift
/// let router = ModelRouter(providers: configuration.providers)
/// router.route("mock/mock-chat")  // Route(provider: "mock", model: "mock-chat", isRewritten: true)
/// ```
package struct ModelRouter: Sendable {
    package struct Route: Sendable, Equatable {
        /// The provider (lane) name.
        package var provider: String
        /// The model as the provider knows it.
        package var model: String
        /// Whether `model` differs from what the client sent (the body's `model` must be rewritten).
        package var isRewritten: Bool
    }

    private var firstProviderByModel: [String: String] = [:]
    private var modelsByProvider: [String: Set<String>] = [:]

    package init(providers: [ProviderConfiguration]) {
        for provider in providers {
            modelsByProvider[provider.name, default: []].formUnion(provider.models)
            for model in provider.models where firstProviderByModel[model] == nil {
                firstProviderByModel[model] = provider.name
            }
        }
    }

    /// The route for a requested model, or nil when no configured provider serves it.
    package func route(_ requested: String) -> Route? {
        if let slash = requested.firstIndex(of: "/") {
            let provider = String(requested[..<slash])
            let model = String(requested[requested.index(after: slash)...])
            if let models = modelsByProvider[provider], models.contains(model) {
                return Route(provider: provider, model: model, isRewritten: true)
            }
        }
        if let provider = firstProviderByModel[requested] {
            return Route(provider: provider, model: requested, isRewritten: false)
        }
        return nil
    }
}
