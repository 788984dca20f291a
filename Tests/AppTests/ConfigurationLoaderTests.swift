import Jobs
import Testing

@testable import App

@Suite struct ConfigurationLoaderTests {
    @Test func parse_whenFileHasEveryKey_readsThemAll() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                listen: {host: 0.0.0.0, port: 9090}
                data_dir: /tmp/sluice
                providers:
                  - name: local
                    kind: openai
                    base_url: http://127.0.0.1:9000/v1/
                    api_key_env: LOCAL_API_KEY
                    models: [mock-chat, mock-embed]
                    limits: {rpm: 6000, tpm: 1000000, max_concurrency: 32}
                mock: {enabled: true, latency_ms: 25}
                queue: {synchronous: normal, max_attempts: 3, lease_seconds: 30, shutdown_timeout_seconds: 5}
                """
        )
        #expect(configuration.listen == .init(host: "0.0.0.0", port: 9090))
        #expect(configuration.dataDirectory == "/tmp/sluice")
        #expect(
            configuration.providers == [
                ProviderConfiguration(
                    name: "local",
                    kind: .openai,
                    baseURL: "http://127.0.0.1:9000/v1",
                    apiKeyEnv: "LOCAL_API_KEY",
                    models: ["mock-chat", "mock-embed"],
                    limits: .init(rpm: 6000, tpm: 1_000_000, maxConcurrency: 32)
                )
            ]
        )
        #expect(configuration.mock == .init(enabled: true, latencyMilliseconds: 25))
        #expect(
            configuration.queue
                == .init(synchronous: .normal, maxAttempts: 3, leaseSeconds: 30, shutdownTimeoutSeconds: 5)
        )
    }

    @Test func parse_whenFileOmitsMock_leavesTheMockOff() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                providers:
                  - {name: a, kind: openai, base_url: "http://x/v1", models: [m]}
                """
        )
        #expect(configuration.mock.enabled == false)
        #expect(configuration.listen == .init())
        #expect(configuration.dataDirectory == SluiceConfiguration.defaultDataDirectory)
    }

    @Test func parse_whenKeyIsUnknown_namesItsLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(
                yaml: """
                    data_dir: ./d

                    lisen: {port: 1}
                    """
            )
        }
        #expect(error.line == 3)
        // The list of sections grows with features; its start is enough to show it is offered.
        #expect(error.message.hasPrefix("unknown key 'lisen' (expected one of: listen, data_dir, providers, mock,"))
    }

    @Test func parse_whenNestedKeyIsUnknown_namesItsLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(
                yaml: """
                    providers:
                      - name: a
                        base_url: http://x/v1
                        models: [m]
                        limits:
                          rpm: 10
                          burst: 5
                    """
            )
        }
        #expect(error.line == 7)
        #expect(error.message.contains("'burst'"))
    }

    @Test func parse_whenValueHasWrongType_namesItsLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml: "listen:\n  host: 127.0.0.1\n  port: eighty\n")
        }
        #expect(error.line == 3)
        #expect(error.message.contains("listen.port"))
    }

    @Test func parse_whenProviderHasNoModels_namesItsLine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(
                yaml: """
                    data_dir: ./d
                    providers:
                      - name: empty
                        base_url: http://x/v1
                        models: []
                    """
            )
        }
        #expect(error.line == 3)
        #expect(error.message.contains("lists no 'models'"))
    }

    @Test func parse_whenKindIsUnknown_listsTheKinds() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(
                yaml: "providers:\n  - {name: a, kind: cohere, base_url: 'http://x', models: [m]}\n"
            )
        }
        #expect(error.line == 2)
        #expect(error.message.contains("openai, anthropic, gemini"))
    }

    @Test func parse_whenYAMLIsBroken_namesALine() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(yaml: "listen: {host: [\n")
        }
        #expect(error.line != nil)
    }

    @Test func validate_whenProviderNamesRepeat_throws() throws {
        var configuration = SluiceConfiguration.embeddedDefault
        configuration.providers = [
            ProviderConfiguration(name: "mock", kind: .openai, baseURL: "http://x", models: ["m"])
        ]
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.validate(configuration) }
    }

    @Test func validate_whenNoProviderAndNoMock_throws() {
        let configuration = SluiceConfiguration(mock: .init(enabled: false))
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.validate(configuration) }
    }

    @Test func applyEnvironment_overridesHostPortAndDataDirectory() throws {
        var configuration = SluiceConfiguration.embeddedDefault
        try ConfigurationLoader.applyEnvironment(
            ["SLUICE_HOST": "0.0.0.0", "SLUICE_PORT": "7000", "SLUICE_DATA_DIR": "/var/sluice"],
            to: &configuration
        )
        #expect(configuration.listen == .init(host: "0.0.0.0", port: 7000))
        #expect(configuration.dataDirectory == "/var/sluice")
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.applyEnvironment(["SLUICE_PORT": "70000"], to: &configuration)
        }
    }
}
