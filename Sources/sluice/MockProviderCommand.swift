import App
import ArgumentParser

/// `sluice mock-provider`: the mock LLM provider alone, for tests, benchmarks and demos.
struct MockProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-provider",
        abstract: "Run a mock OpenAI-compatible provider (chat completions, embeddings, GET /_mock/stats).",
        discussion: """
            Rate limits (--rpm, --tpm) are token buckets that start full; over them the answer is a 429 with
            retry-after. Fault shares (--fail-5xx, --fail-429, --hang, --garbage, --drop) are fractions between 0
            and 1 of the requests that pass the limits, summing to at most 1; which requests fail is deterministic.
            """
    )

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one and prints it).")
    var port: Int = 9000

    @Option(name: .customLong("latency-ms"), help: "Latency added to every answer, in milliseconds.")
    var latencyMilliseconds: Int = 0

    @Option(name: .customLong("jitter-ms"), help: "Each answer waits latency ± up to this many milliseconds.")
    var jitterMilliseconds: Int = 0

    @Option(name: .long, help: "Requests per minute admitted (unlimited when absent).")
    var rpm: Int?

    @Option(name: .long, help: "Tokens per minute admitted: prompt plus max_tokens (unlimited when absent).")
    var tpm: Int?

    @Option(name: .customLong("fail-5xx"), help: "Share of requests answered 500 (0...1).")
    var fail5xx: Double = 0

    @Option(name: .customLong("fail-429"), help: "Share of requests answered 429 with retry-after (0...1).")
    var fail429: Double = 0

    @Option(name: .long, help: "Share of requests never answered (0...1).")
    var hang: Double = 0

    @Option(name: .long, help: "Share of requests answered 200 with a body that is not JSON (0...1).")
    var garbage: Double = 0

    @Option(name: .long, help: "Share of requests whose connection is closed without an answer (0...1).")
    var drop: Double = 0

    func validate() throws {
        guard latencyMilliseconds >= 0, jitterMilliseconds >= 0 else {
            throw ValidationError("latencies must be >= 0")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let rpm, rpm < 1 { throw ValidationError("--rpm must be at least 1") }
        if let tpm, tpm < 1 { throw ValidationError("--tpm must be at least 1") }
        let shares = [fail5xx, fail429, hang, garbage, drop]
        guard shares.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("fault shares must lie between 0 and 1")
        }
        guard shares.reduce(0, +) <= 1 else { throw ValidationError("fault shares must sum to at most 1") }
    }

    func run() async throws {
        try await MockProviderRunner.run(
            options: .init(
                host: host,
                port: port,
                latency: .milliseconds(latencyMilliseconds),
                jitter: .milliseconds(jitterMilliseconds),
                rpm: rpm,
                tpm: tpm,
                fail5xx: fail5xx,
                fail429: fail429,
                hang: hang,
                garbage: garbage,
                drop: drop
            )
        )
    }
}
