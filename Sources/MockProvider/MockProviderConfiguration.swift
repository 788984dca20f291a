/// Everything that can be dialled in on the mock provider. Every property has a documented default, so
/// `MockProviderConfiguration()` is a quiet, instant, unlimited server on a free port of 127.0.0.1.
///
/// ```swift
/// var configuration = MockProviderConfiguration()
/// configuration.latency = .milliseconds(200)
/// configuration.latencyJitter = .milliseconds(50)
/// let server = MockProviderServer(configuration: configuration)
/// ```
package struct MockProviderConfiguration: Sendable, Equatable {
    /// Shares of requests that fail on purpose, each between 0 and 1; their sum must not exceed 1. Which requests
    /// fail is a pure function of the shares and the request's sequence number, so runs are reproducible.
    /// Faults hit only requests that parsed and passed the rate limits, after the configured latency.
    package struct Faults: Sendable, Equatable {
        /// Share answered with a 500 `server_error`. Default 0.
        package var fail5xx: Double
        /// Share answered with a 429 `rate_limit_exceeded` plus `retry-after`. Default 0.
        package var fail429: Double
        /// Share that is never answered (the request hangs until the client gives up). Default 0.
        package var hang: Double
        /// Share answered 200 with a body that is not JSON. Default 0.
        package var garbage: Double
        /// Share whose connection is closed without an answer. Default 0.
        package var drop: Double
        /// How long a hanging request waits before its connection is dropped (sooner on graceful shutdown).
        /// Default 10 minutes, longer than any sane client timeout.
        package var hangFor: Duration

        /// No faults at all.
        package static var none: Faults { Faults() }

        package init(
            fail5xx: Double = 0,
            fail429: Double = 0,
            hang: Double = 0,
            garbage: Double = 0,
            drop: Double = 0,
            hangFor: Duration = .seconds(600)
        ) {
            for share in [fail5xx, fail429, hang, garbage, drop] {
                precondition((0...1).contains(share), "a fault share must lie in 0...1")
            }
            precondition(fail5xx + fail429 + hang + garbage + drop <= 1, "fault shares must sum to at most 1")
            self.fail5xx = fail5xx
            self.fail429 = fail429
            self.hang = hang
            self.garbage = garbage
            self.drop = drop
            self.hangFor = hangFor
        }
    }

    /// Default address the server binds to: loopback only.
    package static let defaultHost = "127.0.0.1"
    /// Default port: 0, meaning any free port; read the bound one with `MockProviderServer.waitUntilListening()`.
    package static let defaultPort = 0
    /// Default embedding dimension when a request names no `dimensions`.
    package static let defaultEmbeddingDimensions = 8
    /// Default largest request body accepted: 16 MiB (a full batch line is far smaller).
    package static let defaultMaxBodyBytes = 16 * 1024 * 1024

    /// Address to bind. Default `127.0.0.1`.
    package var host: String
    /// Port to bind; 0 picks any free port. Default 0.
    package var port: Int
    /// Time every answer waits before it is sent (on a timer, never blocking a thread). Default zero.
    package var latency: Duration
    /// Each answer waits `latency ± latencyJitter`, never less than zero. The offset is a pseudo-random but
    /// deterministic function of the request's sequence number. Default zero.
    package var latencyJitter: Duration
    /// Requests per minute the mock admits (a token bucket refilling continuously, starting full); over it the
    /// answer is a 429 with `retry-after`/`retry-after-ms`. Every answer then carries OpenAI's `x-ratelimit-*`
    /// headers. `nil` means unlimited. Default `nil`.
    package var rpm: Int?
    /// Tokens per minute the mock admits, charged on arrival: prompt tokens plus `max_tokens × n` when set (else
    /// the answer's tokens); embeddings charge their input tokens. `nil` means unlimited. Default `nil`.
    package var tpm: Int?
    /// Deliberate failures. Default `.none`.
    package var faults: Faults
    /// Model names served; a request for any other model gets a 404 `model_not_found`. `nil` (the default)
    /// serves every model name.
    package var models: Set<String>?
    /// Embedding dimension when a request names none. Default 8.
    package var embeddingDimensions: Int
    /// Largest request body accepted; larger ones get a 413. Default 16 MiB.
    package var maxBodyBytes: Int

    package init(
        host: String = MockProviderConfiguration.defaultHost,
        port: Int = MockProviderConfiguration.defaultPort,
        latency: Duration = .zero,
        latencyJitter: Duration = .zero,
        rpm: Int? = nil,
        tpm: Int? = nil,
        faults: Faults = .none,
        models: Set<String>? = nil,
        embeddingDimensions: Int = MockProviderConfiguration.defaultEmbeddingDimensions,
        maxBodyBytes: Int = MockProviderConfiguration.defaultMaxBodyBytes
    ) {
        precondition((0...65535).contains(port), "port must lie in 0...65535")
        precondition(latency >= .zero && latencyJitter >= .zero, "latency and jitter must not be negative")
        precondition(rpm.map { $0 > 0 } ?? true, "rpm must be positive when set")
        precondition(tpm.map { $0 > 0 } ?? true, "tpm must be positive when set")
        precondition(embeddingDimensions > 0, "embeddingDimensions must be positive")
        precondition(maxBodyBytes > 0, "maxBodyBytes must be positive")
        self.host = host
        self.port = port
        self.latency = latency
        self.latencyJitter = latencyJitter
        self.rpm = rpm
        self.tpm = tpm
        self.faults = faults
        self.models = models
        self.embeddingDimensions = embeddingDimensions
        self.maxBodyBytes = maxBodyBytes
    }
}
