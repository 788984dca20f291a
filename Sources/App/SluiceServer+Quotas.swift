import Jobs
import Workers

extension SluiceServer {
    /// The lanes' admission steps with the tenant quota step appended after `steps` (the cache: a hit costs
    /// nothing, so it needs no quota). The pool runs these before each lane's rate limiter, so a job deferred for
    /// its quota never holds rate capacity. One `QuotaAccountant`, shared with the API, serves every lane.
    static func withTenantQuotas(
        _ steps: @escaping @Sendable (ProviderConfiguration) -> [any JobAdmission],
        quotas: QuotaAccountant,
        prices: PriceTable
    ) -> @Sendable (ProviderConfiguration) -> [any JobAdmission] {
        let quotaStep = TenantQuotaAdmission(quotas: quotas, prices: prices)
        return { provider in steps(provider) + [quotaStep] }
    }
}
