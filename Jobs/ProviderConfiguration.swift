/// One configured upstream provider: which wire format it speaks, where it is, how to find its key,
/// which models it serves and the limits its lane keeps. Built from the configuration file by the app.
package struct ProviderConfiguration: Sendable, Equatable {
    /// The wire format the provider speaks.
    package enum Kind: String, Sendable, Equatable, CaseIterable {
        case openai
        case anthropic
        case gemini
    }

    /// Limits the provider's lane keeps (enforced from the flow-control issue on; `maxConcurrency` from now).
    package struct Limits: Sendable, Equatable {
        package var rpm: Int?
        package var tpm: Int?
        package var maxConcurrency: Int

        /// Default concurrency cap of a lane when the configuration names none.
        package static let defaultMaxConcurrency = 256

        package init(rpm: Int? = nil, tpm: Int? = nil, maxConcurrency: Int = Limits.defaultMaxConcurrency) {
            self.rpm = rpm
            self.tpm = tpm
            self.maxConcurrency = maxConcurrency
        }
    }

    /// The provider's name, also the name of its lane (`mock`, `openai`, `local`…).
    package var name: String
    package var kind: Kind
    /// Base URL including the version path, e.g. `http://127.0.0.1:9000/v1`.
    package var baseURL: String
    /// Environment variable holding the API key, if any. The key itself is never logged.
    package var apiKeyEnv: String?
    /// File holding the API key, if any.
    package var apiKeyFile: String?
    /// Model names this provider serves.
    package var models: [String]
    package var limits: Limits

    package init(
        name: String,
        kind: Kind,
        baseURL: String,
        apiKeyEnv: String? = nil,
        apiKeyFile: String? = nil,
        models: [String],
        limits: Limits = Limits()
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.apiKeyFile = apiKeyFile
        self.models = models
        self.limits = limits
    }
}
