/// The rate-limit state of one lane, as a pure state machine: configured and learned token buckets, the pause
/// after a 429, and the adaptive concurrency window used while no limit is known. `ProviderRateLimiter` keeps
/// one behind a lock and does the waiting; everything here takes `now` and is tested without I/O.
///
/// Buckets (see `TokenBucket`):
/// - **Lane**: `rpm` and `tpm` from the configuration, shared by every model of the provider.
/// - **Per model**: learned from the answers' rate-limit headers (`RateLimitHeaders`), since providers state
///   their limits per model. A header limit below the configured one is honoured; a higher one is not used
///   (the configuration may deliberately keep to a share of it).
///
/// A call is admitted when every bucket that applies has a request and the estimated tokens to spare (keeping
/// the headroom), the lane is not paused, and — while no limit is known for its model — the adaptive window has
/// room. Admission takes one request and the estimate; settlement gives back or charges the difference to what
/// the provider counted (`TokenEstimate.providerCharge(for:)`), or gives back the tokens when no usage came
/// (the request stays counted: the provider saw it).
///
/// Unknown limits (no `rpm`/`tpm` configured and no headers seen yet for the model): the lane starts with
/// `initialWindow` calls in flight; the first answer that carries rate-limit headers hands the model over to
/// learned buckets (level synchronised to `remaining`). While answers carry no headers, every success widens the
/// window by one (doubling per round trip) up to `maxConcurrency`, and every 429 halves it (AIMD).
///
/// A 429 pauses the whole lane until `retry-after` (else the reset of an exhausted limit, else `defaultPause`)
/// and empties the bucket the provider says is exhausted.
package struct LaneRateLimits: Sendable {
    /// Tunables, all with defaults.
    package struct Settings: Sendable, Equatable {
        /// Default headroom: 100 ms of refill is kept unused in every bucket.
        package static let defaultHeadroom: Duration = .milliseconds(100)
        /// Default calls in flight while a lane's limits are unknown: 4.
        package static let defaultInitialWindow = 4
        /// Default pause after a 429 that says nothing about when to retry: 1 s.
        package static let defaultPause: Duration = .seconds(1)

        /// Configured requests per minute for the whole lane.
        package var rpm: Int?
        /// Configured tokens per minute for the whole lane.
        package var tpm: Int?
        /// The lane's concurrency cap (the adaptive window never exceeds it).
        package var maxConcurrency: Int
        /// Refill time kept unused in every bucket, absorbing jitter between admission and arrival.
        package var headroom: Duration
        /// Calls in flight while no limit is known.
        package var initialWindow: Int
        /// Pause after a 429 without `retry-after` or an exhausted limit's reset.
        package var defaultPause: Duration

        package init(
            rpm: Int? = nil,
            tpm: Int? = nil,
            maxConcurrency: Int = 256,
            headroom: Duration = Settings.defaultHeadroom,
            initialWindow: Int = Settings.defaultInitialWindow,
            defaultPause: Duration = Settings.defaultPause
        ) {
            precondition(rpm.map { $0 > 0 } ?? true && tpm.map { $0 > 0 } ?? true, "rpm and tpm must be positive")
            precondition(maxConcurrency > 0 && initialWindow > 0, "concurrency must be positive")
            precondition(headroom >= .zero && defaultPause >= .zero, "durations must not be negative")
            self.rpm = rpm
            self.tpm = tpm
            self.maxConcurrency = maxConcurrency
            self.headroom = headroom
            self.initialWindow = initialWindow
            self.defaultPause = defaultPause
        }
    }

    /// The buckets of one scope (the lane, or one model).
    package struct Buckets: Sendable, Equatable {
        package var requests: TokenBucket?
        package var tokens: TokenBucket?

        package var isEmpty: Bool { requests == nil && tokens == nil }
    }

    /// What an admitted call holds until it settles.
    package struct Reservation: Sendable, Equatable {
        package var model: String
        /// Tokens taken from the token buckets.
        package var tokens: Int
        /// Whether the call counts against the adaptive window.
        package var adaptive: Bool
        /// Admissions (and reserved tokens) before this one, to tell how many went out after it.
        package var sequence: UInt64
        package var tokensBefore: Int
    }

    /// The answer to "may this call go now?".
    package enum Decision: Sendable, Equatable {
        case admitted(Reservation)
        /// Not yet: capacity returns after this long.
        case wait(Duration)
        /// Not yet: the adaptive window is full; capacity returns when a call settles.
        case waitForSettlement
    }

    /// How a call ended, for settlement.
    package struct Outcome: Sendable, Equatable {
        /// Whether the request went out.
        package var sent: Bool
        /// The HTTP status, when the provider answered.
        package var status: Int?
        /// The answer's rate-limit headers (empty when no answer).
        package var headers: RateLimitHeaders
        /// What the provider counted against its token limit, when it reported usage.
        package var chargedTokens: Int?

        package init(sent: Bool, status: Int? = nil, headers: RateLimitHeaders = .init(), chargedTokens: Int? = nil) {
            self.sent = sent
            self.status = status
            self.headers = headers
            self.chargedTokens = chargedTokens
        }

        /// The call was never made.
        package static var notSent: Outcome { Outcome(sent: false) }
    }

    package let settings: Settings
    package private(set) var lane: Buckets
    package private(set) var models: [String: Buckets] = [:]
    /// No call is admitted before this instant (set by a 429).
    package private(set) var pausedUntil: ContinuousClock.Instant?
    /// Calls allowed in flight while no limit is known.
    package private(set) var window: Int
    /// Admitted calls not yet settled, and those among them counted against the window.
    package private(set) var inFlight = 0
    package private(set) var adaptiveInFlight = 0
    private var admissions: UInt64 = 0
    private var tokensAdmitted = 0

    package init(settings: Settings, now: ContinuousClock.Instant) {
        self.settings = settings
        lane = Buckets(
            requests: settings.rpm.map { TokenBucket(perMinute: $0, now: now) },
            tokens: settings.tpm.map { TokenBucket(perMinute: $0, now: now) }
        )
        window = min(settings.initialWindow, settings.maxConcurrency)
    }

    /// Whether calls for `model` are governed by known limits (configured, or learned from headers).
    package func knowsLimits(for model: String) -> Bool {
        !lane.isEmpty || !(models[model]?.isEmpty ?? true)
    }

    private func reserve(of bucket: TokenBucket) -> Double {
        bucket.perSecond * settings.headroom.timeInterval
    }

    // MARK: Admission

    /// Admits a call for `model` costing an estimated `tokens`, or says how long to wait.
    package mutating func admit(model: String, tokens: Int, now: ContinuousClock.Instant) -> Decision {
        if let pausedUntil, pausedUntil > now { return .wait(pausedUntil - now) }
        let adaptive = !knowsLimits(for: model)
        if adaptive && adaptiveInFlight >= window { return .waitForSettlement }

        var wait = Duration.zero
        for buckets in [lane, models[model]].compactMap({ $0 }) {
            if let requests = buckets.requests {
                wait = max(wait, requests.waitTime(for: 1, reserve: reserve(of: requests), now: now))
            }
            if let bucket = buckets.tokens {
                wait = max(wait, bucket.waitTime(for: Double(tokens), reserve: reserve(of: bucket), now: now))
            }
        }
        guard wait == .zero else { return .wait(wait) }

        lane.requests?.take(1, now: now)
        lane.tokens?.take(Double(tokens), now: now)
        models[model]?.requests?.take(1, now: now)
        models[model]?.tokens?.take(Double(tokens), now: now)
        let reservation = Reservation(
            model: model, tokens: tokens, adaptive: adaptive, sequence: admissions, tokensBefore: tokensAdmitted
        )
        admissions += 1
        tokensAdmitted += tokens
        inFlight += 1
        if adaptive { adaptiveInFlight += 1 }
        return .admitted(reservation)
    }

    /// How many more jobs the lane should claim now, for calls estimated at `tokensPerCall` each, given
    /// `waiting` claimed jobs not admitted yet; and, when none, how long until one more could be (nil: until a
    /// call settles, or the waiting jobs are admitted). The lane still admits each job through `admit`; this only keeps jobs from piling up
    /// inside the lane (holding leases, and deciding fairness later than the claim).
    package func claimAllowance(
        tokensPerCall: Int,
        waiting: Int,
        now: ContinuousClock.Instant
    ) -> (count: Int, retryAfter: Duration?) {
        if let pausedUntil, pausedUntil > now { return (0, pausedUntil - now) }
        let learned = models.values.filter { !$0.isEmpty }
        if lane.isEmpty && learned.isEmpty {
            let count = window - adaptiveInFlight - waiting
            return count > 0 ? (count, nil) : (0, nil)
        }
        let tokens = Double(max(1, tokensPerCall))
        func allowance(_ buckets: Buckets) -> (count: Int, retryAfter: Duration) {
            var count = Int.max
            var retryAfter = Duration.zero
            if let requests = buckets.requests {
                let reserve = reserve(of: requests)
                count = min(count, requests.available(units: 1, reserve: reserve, now: now) - waiting)
                retryAfter = max(
                    retryAfter,
                    requests.waitTime(for: Double(waiting + 1), reserve: reserve, now: now)
                )
            }
            if let bucket = buckets.tokens {
                let reserve = reserve(of: bucket)
                count = min(count, bucket.available(units: tokens, reserve: reserve, now: now) - waiting)
                retryAfter = max(
                    retryAfter,
                    bucket.waitTime(for: tokens * Double(waiting + 1), reserve: reserve, now: now)
                )
            }
            return (count, retryAfter)
        }
        // The lane's buckets bind every call; among learned per-model buckets, the most generous one says how
        // much some model could take.
        var result = learned.map(allowance).max { $0.count < $1.count } ?? (Int.max, .zero)
        if !lane.isEmpty {
            let laneAllowance = allowance(lane)
            result = (min(result.count, laneAllowance.count), max(result.retryAfter, laneAllowance.retryAfter))
        }
        if result.count > 0 { return (result.count, nil) }
        // Zero means the jobs already waiting will use what is there: look again when a call settles.
        return (0, result.retryAfter > .zero ? result.retryAfter : nil)
    }

    // MARK: Settlement

    /// Settles an admitted call: learns from the answer's headers, pauses on a 429, adjusts the window, and gives
    /// back or charges tokens. Returns the pause the lane must observe when this answer started one.
    @discardableResult
    package mutating func settle(
        _ reservation: Reservation,
        outcome: Outcome,
        now: ContinuousClock.Instant
    ) -> Duration? {
        inFlight -= 1
        if reservation.adaptive { adaptiveInFlight -= 1 }
        let model = reservation.model

        guard outcome.sent else {
            // Never went out: everything comes back.
            forEachBucket(of: model) { $0.giveBack(1, now: now) } tokens: {
                $0.giveBack(Double(reservation.tokens), now: now)
            }
            return nil
        }
        learn(from: outcome.headers, reservation: reservation, now: now)

        // Tokens: settle to what the provider counted, or give the reservation back when no usage came.
        let difference = Double((outcome.chargedTokens ?? 0) - reservation.tokens)
        forEachBucket(of: model) { _ in } tokens: { bucket in
            if difference < 0 { bucket.giveBack(-difference, now: now) } else { bucket.charge(difference, now: now) }
        }

        if outcome.status == 429 {
            if !knowsLimits(for: model) { window = max(1, window / 2) }
            return pause(headers: outcome.headers, model: model, now: now)
        }
        if let status = outcome.status, (200..<300).contains(status), reservation.adaptive,
            !outcome.headers.announcesLimits
        {
            window = min(settings.maxConcurrency, window + 1)
        }
        return nil
    }

    /// Applies `body` to the lane's and the model's request buckets, and `tokens` to their token buckets.
    private mutating func forEachBucket(
        of model: String,
        requests body: (inout TokenBucket) -> Void,
        tokens: (inout TokenBucket) -> Void
    ) {
        if lane.requests != nil { body(&lane.requests!) }
        if lane.tokens != nil { tokens(&lane.tokens!) }
        if models[model]?.requests != nil { body(&models[model]!.requests!) }
        if models[model]?.tokens != nil { tokens(&models[model]!.tokens!) }
    }

    /// Adopts or adjusts the model's learned buckets from what the provider says.
    private mutating func learn(from headers: RateLimitHeaders, reservation: Reservation, now: ContinuousClock.Instant)
    {
        guard headers.announcesLimits else { return }
        var buckets = models[reservation.model] ?? Buckets()
        let requestsAfter = Double(admissions - reservation.sequence - 1)
        let tokensAfter = Double(tokensAdmitted - reservation.tokensBefore - reservation.tokens)
        Self.learn(headers.requests, into: &buckets.requests, sentAfter: requestsAfter, configured: settings.rpm, now)
        Self.learn(headers.tokens, into: &buckets.tokens, sentAfter: tokensAfter, configured: settings.tpm, now)
        models[reservation.model] = buckets
    }

    /// One limit: create the bucket at the stated level (less what we sent since), follow a changed limit, and
    /// lower the level to `remaining` when nothing went out after this call (so the figure is current).
    private static func learn(
        _ limit: RateLimitHeaders.Limit,
        into bucket: inout TokenBucket?,
        sentAfter: Double,
        configured: Int?,
        _ now: ContinuousClock.Instant
    ) {
        guard let perMinute = limit.limit, perMinute > 0 else { return }
        // A configured limit at or below the stated one already governs; a per-model copy would only repeat it.
        if let configured, configured <= perMinute, bucket == nil { return }
        let remaining = limit.remaining.map(Double.init)
        guard var current = bucket else {
            let level = (remaining ?? Double(perMinute)) - sentAfter
            bucket = TokenBucket(perMinute: perMinute, level: level, now: now)
            return
        }
        if current.perMinute != perMinute { current.resize(perMinute: perMinute, now: now) }
        if let remaining {
            if sentAfter <= 0 { current.lower(to: remaining, now: now) }
            if remaining <= 0 { current.lower(to: 0, now: now) }
        }
        bucket = current
    }

    /// Pauses the lane after a 429 and empties the buckets the provider says are exhausted.
    private mutating func pause(headers: RateLimitHeaders, model: String, now: ContinuousClock.Instant) -> Duration {
        var exhaustedReset: Duration?
        if headers.requests.remaining == 0 {
            if models[model]?.requests != nil { models[model]!.requests!.lower(to: 0, now: now) }
            lane.requests?.lower(to: 0, now: now)
            exhaustedReset = headers.requests.reset
        }
        if headers.tokens.remaining == 0 {
            if models[model]?.tokens != nil { models[model]!.tokens!.lower(to: 0, now: now) }
            lane.tokens?.lower(to: 0, now: now)
            exhaustedReset = max(exhaustedReset ?? .zero, headers.tokens.reset ?? .zero)
        }
        let duration = headers.retryAfter ?? exhaustedReset ?? settings.defaultPause
        let until = now + duration
        if let pausedUntil, pausedUntil >= until { return duration }
        pausedUntil = until
        return duration
    }
}
