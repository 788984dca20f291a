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
/// A call is admitted when every bucket that applies has a request and the estimated tokens to spare on top of
/// what the calls in flight hold (keeping the headroom), the lane is not paused, and — while no limit is known
/// for its model — the adaptive window has room. Admission *holds* one request and the estimate; settlement
/// releases the hold and charges the bucket what the provider counted: one request and
/// `TokenEstimate.providerCharge(for:)` tokens, or no tokens when no usage came (the request stays counted: the
/// provider saw it); a call that was never sent is charged nothing. Charging at settlement keeps the buckets'
/// clipping at capacity in step with the provider's, so a burst that reaches the provider slowly cannot make us
/// run ahead of it.
///
/// Unknown limits (no `rpm`/`tpm` configured and no headers seen yet for the model): the lane starts with
/// `initialWindow` calls in flight; the first answer that carries rate-limit headers hands the model over to
/// learned buckets (level synchronised to `remaining`). The lane's first answer that is a success or a 429 decides
/// whether the provider announces its limits (`announcement`): real providers (OpenAI, Anthropic) send rate-limit
/// headers on every answer, self-hosted OpenAI-compatible servers (vLLM, llama.cpp, Ollama) send none. When that
/// first answer is a success without any rate-limit header, the window opens to `maxConcurrency` at once (a slow
/// ramp would only cost round trips against a server that enforces nothing); when it is a 429 without headers it
/// halves as below. After that, while answers carry no headers, every success widens the window by one (doubling
/// per round trip) up to `maxConcurrency`, and every 429 halves it (AIMD).
///
/// A 429 pauses the whole lane until `retry-after` (else the reset of an exhausted limit, else `defaultPause`)
/// and empties the bucket the provider says is exhausted. Hintless pauses back off: each 429 without a hint that
/// starts a new pause doubles the previous one (1 s, 2 s, 4 s … up to `maxPause`, 60 s); a 2xx resets the streak.
/// A hintless 429 that arrives while the lane is already paused (a call sent before the pause) leaves it as is.
package struct LaneRateLimits: Sendable {
    /// Tunables, all with defaults.
    package struct Settings: Sendable, Equatable {
        /// Default headroom: 100 ms of refill is kept unused in every bucket.
        package static let defaultHeadroom: Duration = .milliseconds(100)
        /// Default calls in flight while a lane's limits are unknown: 4.
        package static let defaultInitialWindow = 4
        /// Default pause after a 429 that says nothing about when to retry: 1 s.
        package static let defaultPause: Duration = .seconds(1)
        /// Default longest pause after repeated 429s that say nothing about when to retry: 60 s.
        package static let defaultMaxPause: Duration = .seconds(60)

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
        /// Pause after a 429 without `retry-after` or an exhausted limit's reset; it doubles for each further such
        /// 429 until a success.
        package var defaultPause: Duration
        /// The longest the doubling makes a hintless pause.
        package var maxPause: Duration

        package init(
            rpm: Int? = nil,
            tpm: Int? = nil,
            maxConcurrency: Int = 256,
            headroom: Duration = Settings.defaultHeadroom,
            initialWindow: Int = Settings.defaultInitialWindow,
            defaultPause: Duration = Settings.defaultPause,
            maxPause: Duration = Settings.defaultMaxPause
        ) {
            precondition(rpm.map { $0 > 0 } ?? true && tpm.map { $0 > 0 } ?? true, "rpm and tpm must be positive")
            precondition(maxConcurrency > 0 && initialWindow > 0, "concurrency must be positive")
            precondition(headroom >= .zero && defaultPause >= .zero, "durations must not be negative")
            precondition(maxPause >= defaultPause, "maxPause must not be below defaultPause")
            self.rpm = rpm
            self.tpm = tpm
            self.maxConcurrency = maxConcurrency
            self.headroom = headroom
            self.initialWindow = initialWindow
            self.defaultPause = defaultPause
            self.maxPause = maxPause
        }
    }

    /// The buckets of one scope (the lane, or one model), and what the calls in flight hold of them.
    package struct Buckets: Sendable, Equatable {
        package var requests: TokenBucket?
        package var tokens: TokenBucket?
        package var heldRequests: Double = 0
        package var heldTokens: Double = 0

        package var isEmpty: Bool { requests == nil && tokens == nil }

        /// How long until a call of `tokens` fits (zero: now; nil: only when a call in flight settles).
        func waitTime(tokens: Int, headroom: Duration, now: ContinuousClock.Instant) -> Duration? {
            var wait: Duration = .zero
            if let requests {
                let reserve = requests.perSecond * headroom.timeInterval
                guard let time = requests.waitTime(for: 1, held: heldRequests, reserve: reserve, now: now) else {
                    return nil
                }
                wait = max(wait, time)
            }
            if let bucket = self.tokens {
                let reserve = bucket.perSecond * headroom.timeInterval
                guard let time = bucket.waitTime(for: Double(tokens), held: heldTokens, reserve: reserve, now: now)
                else { return nil }
                wait = max(wait, time)
            }
            return wait
        }

        /// Holds one request and `tokens` in the buckets that exist; returns which it held in.
        mutating func hold(tokens: Int) -> (requests: Bool, tokens: Bool) {
            if requests != nil { heldRequests += 1 }
            if self.tokens != nil { heldTokens += Double(tokens) }
            return (requests != nil, self.tokens != nil)
        }

        /// Releases a hold, then charges what the provider counted.
        mutating func settle(
            held: (requests: Bool, tokens: Bool),
            tokens: Int,
            charge: (requests: Double, tokens: Double),
            now: ContinuousClock.Instant
        ) {
            if held.requests { heldRequests = max(0, heldRequests - 1) }
            if held.tokens { heldTokens = max(0, heldTokens - Double(tokens)) }
            if charge.requests != 0 { requests?.charge(charge.requests, now: now) }
            if charge.tokens != 0 { self.tokens?.charge(charge.tokens, now: now) }
        }
    }

    /// What an admitted call holds until it settles.
    package struct Reservation: Sendable, Equatable {
        package var model: String
        /// Tokens held in the token buckets.
        package var tokens: Int
        /// Whether the call counts against the adaptive window.
        package var adaptive: Bool
        /// Which of the model's learned buckets existed (and so hold the call) at admission.
        var modelHeld: (requests: Bool, tokens: Bool)

        package static func == (lhs: Reservation, rhs: Reservation) -> Bool {
            lhs.model == rhs.model && lhs.tokens == rhs.tokens && lhs.adaptive == rhs.adaptive
                && lhs.modelHeld == rhs.modelHeld
        }
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
    /// Hintless 429s that started a pause since the last success: the next such pause is
    /// `defaultPause · 2^streak`, capped at `maxPause`.
    package private(set) var hintlessPauses = 0
    /// Calls allowed in flight while no limit is known.
    package private(set) var window: Int
    /// What the lane's first answers said about the provider's limits.
    package enum Announcement: Sendable, Equatable {
        /// No success or 429 has come back yet.
        case unknown
        /// An answer carried rate-limit headers: the provider publishes its limits, which are learned per model.
        case announced
        /// The first success or 429 carried no rate-limit header at all: the provider does not announce limits.
        case silent
    }

    /// Whether the provider announces its limits, decided by the lane's first success or 429.
    package private(set) var announcement: Announcement = .unknown
    /// Admitted calls not yet settled, and those among them counted against the window.
    package private(set) var inFlight = 0
    package private(set) var adaptiveInFlight = 0

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

    // MARK: Admission

    /// Admits a call for `model` costing an estimated `tokens`, or says how long to wait.
    package mutating func admit(model: String, tokens: Int, now: ContinuousClock.Instant) -> Decision {
        if let pausedUntil, pausedUntil > now { return .wait(pausedUntil - now) }
        let adaptive = !knowsLimits(for: model)
        if adaptive && adaptiveInFlight >= window { return .waitForSettlement }

        var wait = Duration.zero
        for buckets in [lane, models[model]].compactMap({ $0 }) {
            guard let time = buckets.waitTime(tokens: tokens, headroom: settings.headroom, now: now) else {
                return .waitForSettlement
            }
            wait = max(wait, time)
        }
        guard wait == .zero else { return .wait(wait) }

        _ = lane.hold(tokens: tokens)
        let modelHeld = models[model]?.hold(tokens: tokens) ?? (false, false)
        inFlight += 1
        if adaptive { adaptiveInFlight += 1 }
        return .admitted(Reservation(model: model, tokens: tokens, adaptive: adaptive, modelHeld: modelHeld))
    }

    /// How many more jobs the lane should claim now, for calls estimated at `tokensPerCall` each, given
    /// `waiting` claimed jobs not admitted yet; and, when none, how long until one more could be (nil: until a
    /// call settles, or the waiting jobs are admitted). The lane still admits each job through `admit`; this only
    /// keeps jobs from piling up inside the lane (holding leases, and deciding fairness later than the claim).
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
        let headroom = settings.headroom.timeInterval
        func allowance(_ buckets: Buckets) -> (count: Int, retryAfter: Duration?) {
            var count = Int.max
            var retryAfter: Duration? = .zero
            func wait(_ time: Duration?) {
                guard let current = retryAfter else { return }
                retryAfter = time.map { max(current, $0) }
            }
            if let requests = buckets.requests {
                let reserve = requests.perSecond * headroom
                let held = buckets.heldRequests
                count = min(count, requests.available(units: 1, held: held, reserve: reserve, now: now) - waiting)
                wait(requests.waitTime(for: Double(waiting + 1), held: held, reserve: reserve, now: now))
            }
            if let bucket = buckets.tokens {
                let reserve = bucket.perSecond * headroom
                let held = buckets.heldTokens
                count = min(count, bucket.available(units: tokens, held: held, reserve: reserve, now: now) - waiting)
                wait(bucket.waitTime(for: tokens * Double(waiting + 1), held: held, reserve: reserve, now: now))
            }
            return (count, retryAfter)
        }
        // The lane's buckets bind every call; among learned per-model buckets, the most generous one says how
        // much some model could take.
        var result: (count: Int, retryAfter: Duration?) =
            learned.map(allowance).max { $0.count < $1.count } ?? (Int.max, .zero)
        if !lane.isEmpty {
            let laneAllowance = allowance(lane)
            let retryAfter: Duration? =
                if let mine = result.retryAfter, let theirs = laneAllowance.retryAfter { max(mine, theirs) } else {
                    nil
                }
            result = (min(result.count, laneAllowance.count), retryAfter)
        }
        if result.count > 0 { return (result.count, nil) }
        // Zero (or nil): the jobs waiting or in flight use what is there; look again when a call settles.
        guard let retryAfter = result.retryAfter, retryAfter > .zero else { return (0, nil) }
        return (0, retryAfter)
    }

    // MARK: Settlement

    /// Settles an admitted call: releases its hold, charges what the provider counted, learns from the answer's
    /// headers, pauses on a 429 and adjusts the window. Returns the pause the lane must observe when this answer
    /// started one.
    @discardableResult
    package mutating func settle(
        _ reservation: Reservation,
        outcome: Outcome,
        now: ContinuousClock.Instant
    ) -> Duration? {
        inFlight -= 1
        if reservation.adaptive { adaptiveInFlight -= 1 }
        let model = reservation.model
        // Sent: the request counts, and the tokens the provider reported (none when it reported no usage).
        let charge = outcome.sent ? (requests: 1.0, tokens: Double(outcome.chargedTokens ?? 0)) : (0, 0)
        lane.settle(
            held: (lane.requests != nil, lane.tokens != nil),
            tokens: reservation.tokens,
            charge: charge,
            now: now
        )
        if models[model] != nil {
            models[model]!.settle(held: reservation.modelHeld, tokens: reservation.tokens, charge: charge, now: now)
        }
        guard outcome.sent else { return nil }
        learn(from: outcome.headers, model: model, now: now)
        if outcome.headers.announcesLimits {
            announcement = .announced
        } else if announcement == .unknown, let status = outcome.status, status == 429 || (200..<300).contains(status),
            outcome.headers.requests.isEmpty && outcome.headers.tokens.isEmpty
        {
            announcement = .silent
            // A server that enforces nothing: no ramp. A 429 (below) halves the window as usual.
            if status != 429 { window = settings.maxConcurrency }
        }

        if outcome.status == 429 {
            if !knowsLimits(for: model) { window = max(1, window / 2) }
            return pause(headers: outcome.headers, model: model, now: now)
        }
        if let status = outcome.status, (200..<300).contains(status) { hintlessPauses = 0 }
        if let status = outcome.status, (200..<300).contains(status), reservation.adaptive,
            !outcome.headers.announcesLimits
        {
            window = min(settings.maxConcurrency, window + 1)
        }
        return nil
    }

    /// Adopts or adjusts the model's learned buckets from what the provider says.
    private mutating func learn(from headers: RateLimitHeaders, model: String, now: ContinuousClock.Instant) {
        guard headers.announcesLimits else { return }
        var buckets = models[model] ?? Buckets()
        Self.learn(
            headers.requests,
            into: &buckets.requests,
            heldByOthers: buckets.heldRequests,
            configured: settings.rpm,
            now
        )
        Self.learn(
            headers.tokens,
            into: &buckets.tokens,
            heldByOthers: buckets.heldTokens,
            configured: settings.tpm,
            now
        )
        models[model] = buckets
    }

    /// One limit. A new bucket starts at `remaining` (the provider's level once it counted this call). An existing
    /// one follows a changed limit, and is lowered when the provider has less left than we think even if every
    /// call still in flight had already reached it (`remaining + heldByOthers`): another client shares the key.
    private static func learn(
        _ limit: RateLimitHeaders.Limit,
        into bucket: inout TokenBucket?,
        heldByOthers: Double,
        configured: Int?,
        _ now: ContinuousClock.Instant
    ) {
        guard let perMinute = limit.limit, perMinute > 0 else { return }
        // A configured limit at or below the stated one already governs; a per-model copy would only repeat it.
        if let configured, configured <= perMinute, bucket == nil { return }
        let remaining = limit.remaining.map(Double.init)
        guard var current = bucket else {
            bucket = TokenBucket(perMinute: perMinute, level: remaining ?? Double(perMinute), now: now)
            return
        }
        if current.perMinute != perMinute { current.resize(perMinute: perMinute, now: now) }
        if let remaining { current.lower(to: remaining + heldByOthers, now: now) }
        bucket = current
    }

    /// The next hintless pause: `defaultPause` doubled once per earlier hintless pause since the last success,
    /// capped at `maxPause`.
    private func hintlessPause() -> Duration {
        guard hintlessPauses < 32 else { return settings.maxPause }
        return min(settings.maxPause, settings.defaultPause * (1 << hintlessPauses))
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
        let duration: Duration
        if let hint = headers.retryAfter ?? exhaustedReset {
            duration = hint
        } else {
            // Sent before the current pause began: the same burst, not a sign the pause was too short.
            if let pausedUntil, pausedUntil > now { return pausedUntil - now }
            duration = hintlessPause()
            hintlessPauses += 1
        }
        let until = now + duration
        if let pausedUntil, pausedUntil >= until { return duration }
        pausedUntil = until
        return duration
    }
}
