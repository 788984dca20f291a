/// How a job uses Sluice's response cache: the `"cache"` member of a job line, stored with the job.
///
/// A closed, persisted vocabulary (the `jobs.cache_mode` column checks it):
/// - `auto` (the line named none): embeddings and temperature-0 chat are looked up and stored; sampled chat
///   (a `temperature` other than 0, or none, which means 1) is not cached.
/// - `use`: looked up and stored whatever the sampling settings.
/// - `bypass`: never looked up, never stored, never deduplicated with identical requests in flight.
/// - `refresh`: not looked up, but the new answer replaces the stored one.
package enum CacheMode: String, Sendable, Equatable, CaseIterable {
    case auto
    case use
    case bypass
    case refresh
}
