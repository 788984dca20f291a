import App
import ArgumentParser

/// `sluice mock-provider`: the mock LLM provider alone, for tests, benchmarks and demos.
struct MockProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-provider",
        abstract: "Run a mock OpenAI-compatible provider (chat completions, embeddings, GET /_mock/stats)."
    )

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one and prints it).")
    var port: Int = 9000

    @Option(name: .customLong("latency-ms"), help: "Latency added to every answer, in milliseconds.")
    var latencyMilliseconds: Int = 0

    @Option(name: .customLong("jitter-ms"), help: "Random extra latency of up to this many milliseconds.")
    var jitterMilliseconds: Int = 0

    func validate() throws {
        guard latencyMilliseconds >= 0, jitterMilliseconds >= 0 else {
            throw ValidationError("latencies must be >= 0")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        try await MockProviderRunner.run(
            host: host, port: port, latency: .milliseconds(latencyMilliseconds),
            jitter: .milliseconds(jitterMilliseconds))
    }
}
