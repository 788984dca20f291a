import Testing

@testable import App

@Suite struct ConfigurationLoaderCacheTests {
    @Test func parse_withoutCache_isEnabledTenantScopedFor24Hours() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "mock: {enabled: true}")
        #expect(configuration.cache == SluiceConfiguration.Cache())
        #expect(configuration.cache.enabled)
        #expect(configuration.cache.scope == .tenant)
        #expect(configuration.cache.ttlSeconds == 86_400)
    }

    @Test func parse_cache_readsEveryKey() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: """
                mock: {enabled: true}
                cache:
                  enabled: false
                  scope: global
                  ttl_seconds: 600
                """
        )
        #expect(!configuration.cache.enabled)
        #expect(configuration.cache.scope == .global)
        #expect(configuration.cache.ttlSeconds == 600)
    }

    @Test(
        arguments: [
            ("cache:\n  scope: everyone\n", 2, "'cache.scope' must be tenant or global"),
            ("cache:\n  ttl_seconds: 0\n", 2, "'cache.ttl_seconds' must be at least 1"),
            ("cache:\n  ttl_seconds: soon\n", 2, "'cache.ttl_seconds' must be an integer"),
            ("cache:\n  enabled: maybe\n", 2, "'cache.enabled' must be true or false"),
            ("cache:\n  ttl: 5\n", 2, "unknown key 'ttl'"),
            ("cache: on\n", 1, "cache must be a mapping"),
        ]
    )
    func parse_cache_rejectsBadValues_namingTheLine(_ yaml: String, _ line: Int, _ message: String) {
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
