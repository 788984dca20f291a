import Jobs
import Logging
import Workers

extension SluiceServer {
    /// The lanes' first admission step: the response cache (when enabled), so a hit consumes neither quota nor
    /// rate capacity. One `ResponseCache` is shared by every lane, so identical requests in flight on any lane
    /// make one upstream call.
    static func responseCacheAdmission(
        settings: SluiceConfiguration.Cache,
        store: JobStore,
        logger: Logger
    ) -> @Sendable (ProviderConfiguration) -> [any JobAdmission] {
        guard settings.enabled else { return { _ in [] } }
        let cache = ResponseCache(
            store: store,
            configuration: .init(
                scope: settings.scope == .global ? .global : .tenant,
                ttl: .seconds(settings.ttlSeconds)
            ),
            logger: logger
        )
        return { provider in [cache.admission(for: provider)] }
    }
}
