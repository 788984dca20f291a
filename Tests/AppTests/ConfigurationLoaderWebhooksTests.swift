import Testing
import Workers

@testable import App

@Suite struct ConfigurationLoaderWebhooksTests {
    @Test func parse_withoutWebhooks_refusesEveryNonGlobalClassAndUsesTheStandardSchedule() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "mock: {enabled: true}")
        #expect(configuration.webhooks == SluiceConfiguration.Webhooks())
        #expect(configuration.webhooks.allow.isEmpty)
        #expect(configuration.webhooks.retrySchedule == WebhookRetrySchedule.standardDelays)
        #expect(configuration.webhooks.maxConcurrency == 16)
        #expect(configuration.webhooks.timeoutSeconds == 15)
    }

    @Test func parse_webhooks_readsEveryKey() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                mock: {enabled: true}
                webhooks:
                  allow: [loopback, private]
                  retry_schedule_seconds: [0, 0.5, 2]
                  max_concurrency: 4
                  timeout_seconds: 5
                """
        )
        let webhooks = configuration.webhooks
        #expect(webhooks.allow == [.loopback, .private])
        #expect(webhooks.retrySchedule == [.zero, .milliseconds(500), .seconds(2)])
        #expect(webhooks.maxConcurrency == 4)
        #expect(webhooks.timeoutSeconds == 5)
        #expect(webhooks.policy.allowed == [.loopback, .private])
        let deliverer = webhooks.delivererConfiguration
        #expect(deliverer.maxConcurrentDeliveries == 4)
        #expect(deliverer.requestTimeout == .seconds(5))
        #expect(deliverer.schedule.delays == [.zero, .milliseconds(500), .seconds(2)])
    }

    @Test(
        arguments: [
            ("webhooks:\n  allow: [metadata]\n", 2, "'webhooks.allow' must be a list of: cgnat, link_local, loopback"),
            ("webhooks:\n  allow: loopback\n", 2, "'webhooks.allow' must be a list of"),
            ("webhooks:\n  allow:\n    - loopback\n    - everything\n", 4, "'webhooks.allow' must be a list of"),
            ("webhooks:\n  retry_schedule_seconds: []\n", 2, "'webhooks.retry_schedule_seconds' must be a list"),
            ("webhooks:\n  retry_schedule_seconds: [0, -1]\n", 2, "'webhooks.retry_schedule_seconds' must be"),
            ("webhooks:\n  retry_schedule_seconds: [0, soon]\n", 2, "'webhooks.retry_schedule_seconds' must be"),
            ("webhooks:\n  max_concurrency: 0\n", 2, "'webhooks.max_concurrency' must be at least 1"),
            ("webhooks:\n  max_concurrency: 5000\n", 2, "'webhooks.max_concurrency' must be at most 1000"),
            ("webhooks:\n  timeout_seconds: 120\n", 2, "'webhooks.timeout_seconds' must be at most 60"),
            ("webhooks:\n  retries: 3\n", 2, "unknown key 'retries'"),
            ("webhooks: on\n", 1, "webhooks must be a mapping"),
        ]
    )
    func parse_webhooks_rejectsBadValues_namingTheLine(_ yaml: String, _ line: Int, _ message: String) {
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml)
            Issue.record("accepted \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.line == line)
            #expect("\(error)".contains(message), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
