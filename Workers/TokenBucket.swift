/// A token bucket of `capacity` units refilling continuously at `capacity` per minute, like the rate limits of
/// OpenAI and Anthropic (and `MockProvider`'s): one for requests per minute, one for tokens per minute.
///
/// Pure: every method takes `now`, so the arithmetic is tested without clocks. The level may go below zero
/// after `charge(_:now:)` (a call used more than it reserved); it then refills from there.
///
/// Calls in flight are *held* by the caller, not taken: a call may go while `level - held - amount >= reserve`,
/// and is taken (charged) when it settles. Charging at the end rather than at admission keeps the bucket's
/// clipping at the capacity in step with the provider's, which counts a call somewhere between our admission and
/// its answer. `reserve` is headroom kept unused against jitter.
///
/// ```swift
/// var requests = TokenBucket(perMinute: 600, now: now)
/// if requests.waitTime(for: 1, held: inFlight, reserve: 1, now: now) == .zero { inFlight += 1 }
/// // when the call settles:
/// inFlight -= 1; requests.take(1, now: now)
/// ```
package struct TokenBucket: Sendable, Equatable {
    /// The most units the bucket holds (the per-minute limit).
    package private(set) var capacity: Double
    /// The units available at `updated` (may be negative after a charge).
    package private(set) var level: Double
    private var updated: ContinuousClock.Instant

    /// - Parameters:
    ///   - perMinute: the limit per minute; also the capacity. Must be positive.
    ///   - level: the level to start at (default: full). Clamped to the capacity.
    ///   - now: the current instant.
    package init(perMinute: Int, level: Double? = nil, now: ContinuousClock.Instant) {
        precondition(perMinute > 0, "a token bucket needs a positive limit")
        capacity = Double(perMinute)
        self.level = min(capacity, level ?? capacity)
        updated = now
    }

    /// Units refilled per second.
    package var perSecond: Double { capacity / 60 }

    /// The per-minute limit.
    package var perMinute: Int { Int(capacity) }

    /// The level at `now`, after refilling.
    package func level(at now: ContinuousClock.Instant) -> Double {
        guard now > updated else { return level }
        return min(capacity, level + (now - updated).timeInterval * perSecond)
    }

    /// Brings the level up to `now`.
    package mutating func refill(now: ContinuousClock.Instant) {
        level = level(at: now)
        updated = max(updated, now)
    }

    /// How long until `amount` more units can be held on top of `held` while keeping `reserve` (zero: now).
    ///
    /// Nil when refill alone can never make room because units are held (they must settle first). With nothing
    /// held, an amount larger than the bucket (or than the bucket less the reserve) needs a full bucket.
    package func waitTime(
        for amount: Double,
        held: Double = 0,
        reserve: Double = 0,
        now: ContinuousClock.Instant
    ) -> Duration? {
        let required: Double
        if held <= 0 {
            required = min(amount + reserve, capacity)
        } else {
            required = held + min(amount, capacity) + reserve
            guard required <= capacity else { return nil }
        }
        let missing = required - level(at: now)
        guard missing > 0 else { return .zero }
        return .seconds(missing / perSecond)
    }

    /// How many units of `amount` each could be held now on top of `held`, keeping `reserve`.
    package func available(
        units amount: Double,
        held: Double = 0,
        reserve: Double = 0,
        now: ContinuousClock.Instant
    ) -> Int {
        guard amount > 0 else { return Int.max }
        let spare = level(at: now) - held - reserve
        guard spare >= amount else { return 0 }
        return Int((spare / amount).rounded(.down))
    }

    /// Takes `amount` units (at most the capacity) whether or not they are there.
    package mutating func take(_ amount: Double, now: ContinuousClock.Instant) {
        refill(now: now)
        level -= min(amount, capacity)
    }

    /// Gives `amount` units back (a refund), never above the capacity.
    package mutating func giveBack(_ amount: Double, now: ContinuousClock.Instant) {
        refill(now: now)
        level = min(capacity, level + amount)
    }

    /// Takes `amount` more units, possibly below zero (a call used more than it reserved).
    package mutating func charge(_ amount: Double, now: ContinuousClock.Instant) {
        refill(now: now)
        level -= amount
    }

    /// Lowers the level to `ceiling` if it is above it (the provider says fewer are left than we thought).
    package mutating func lower(to ceiling: Double, now: ContinuousClock.Instant) {
        refill(now: now)
        level = min(level, ceiling)
    }

    /// Changes the limit, keeping the units in use: the level moves by the change of capacity.
    package mutating func resize(perMinute: Int, now: ContinuousClock.Instant) {
        precondition(perMinute > 0, "a token bucket needs a positive limit")
        refill(now: now)
        let newCapacity = Double(perMinute)
        level = min(newCapacity, level + newCapacity - capacity)
        capacity = newCapacity
    }
}
