/// A hash that is the same in every process and on every run (Swift's `Hasher` is seeded per process),
/// so mock answers and vectors are reproducible across restarts. FNV-1a, 64 bits.
///
/// - SeeAlso: http://www.isthe.com/chongo/tech/comp/fnv/index.html
struct StableHash {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value: UInt64 = StableHash.offsetBasis

    init() {}

    /// Mixes in the UTF-8 bytes of `text`, followed by a separator so that ("ab","c") ≠ ("a","bc").
    mutating func combine(_ text: String) {
        for byte in text.utf8 { combine(byte: byte) }
        combine(byte: 0xff)
    }

    /// Mixes in the eight little-endian bytes of `number`.
    mutating func combine(_ number: UInt64) {
        var rest = number
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: rest))
            rest >>= 8
        }
    }

    private mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* StableHash.prime
    }

    /// The hash of one string.
    static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text)
        return hash.value
    }
}

/// SplitMix64: a tiny, fast, seedable generator whose output depends only on its seed.
///
/// - SeeAlso: https://prng.di.unimi.it/splitmix64.c
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A double uniformly distributed in `0..<1` (53 random bits).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

extension UInt64 {
    /// The value as exactly 16 lowercase hex digits.
    var paddedHex: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
