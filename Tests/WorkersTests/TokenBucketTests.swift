import Testing

@testable import Workers

@Suite struct TokenBucketTests {
    let start = ContinuousClock.now

    @Test func init_startsFull_andRefillsAtTheLimitPerMinute() {
        var bucket = TokenBucket(perMinute: 600, now: start)
        #expect(bucket.level == 600)
        bucket.take(600, now: start)
        #expect(bucket.level(at: start) == 0)
        #expect(bucket.level(at: start + .seconds(1)) == 10)
        #expect(bucket.level(at: start + .seconds(120)) == 600)
    }

    @Test func waitTime_whenEmpty_isTheTimeToRefillTheAmountAndTheReserve() {
        var bucket = TokenBucket(perMinute: 60, now: start)
        bucket.take(60, now: start)
        #expect(bucket.waitTime(for: 1, now: start) == .seconds(1))
        #expect(bucket.waitTime(for: 1, reserve: 1, now: start) == .seconds(2))
        #expect(bucket.waitTime(for: 1, now: start + .seconds(5)) == .zero)
    }

    @Test func waitTime_whenAmountExceedsTheCapacity_needsAFullBucket() {
        var bucket = TokenBucket(perMinute: 60, now: start)
        bucket.take(30, now: start)
        #expect(bucket.waitTime(for: 1_000, now: start) == .seconds(30))
    }

    @Test func available_countsWholeUnitsAboveTheReserve() {
        let bucket = TokenBucket(perMinute: 100, level: 10.5, now: start)
        #expect(bucket.available(units: 1, now: start) == 10)
        #expect(bucket.available(units: 1, reserve: 2, now: start) == 8)
        #expect(bucket.available(units: 4, now: start) == 2)
        #expect(bucket.available(units: 20, now: start) == 0)
    }

    @Test func giveBack_neverExceedsTheCapacity() {
        var bucket = TokenBucket(perMinute: 100, now: start)
        bucket.take(10, now: start)
        bucket.giveBack(50, now: start)
        #expect(bucket.level == 100)
    }

    @Test func charge_mayGoBelowZero_andRefillsFromThere() {
        var bucket = TokenBucket(perMinute: 60, level: 1, now: start)
        bucket.charge(3, now: start)
        #expect(bucket.level == -2)
        #expect(bucket.waitTime(for: 1, now: start) == .seconds(3))
    }

    @Test func resize_keepsTheUnitsInUse() {
        var bucket = TokenBucket(perMinute: 100, level: 40, now: start)
        bucket.resize(perMinute: 50, now: start)
        #expect(bucket.capacity == 50)
        #expect(bucket.level == -10)
        bucket.resize(perMinute: 200, now: start)
        #expect(bucket.level == 140)
    }

    @Test func lower_onlyEverLowers() {
        var bucket = TokenBucket(perMinute: 100, level: 40, now: start)
        bucket.lower(to: 60, now: start)
        #expect(bucket.level == 40)
        bucket.lower(to: 5, now: start)
        #expect(bucket.level == 5)
    }
}
