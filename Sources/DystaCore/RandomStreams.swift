/// SplitMix64: used to derive independent seeds; deterministic on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a 64-bit seed.
    public init(seed: UInt64) { state = seed }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the project's seeded generator (fast, 256-bit state, platform independent).
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// Seeds the four state words from SplitMix64, as the algorithm's authors recommend.
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// Uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0 ..< bound (unbiased, Lemire's method); `bound` must be positive.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }
}

/// What a random stream is used for; each purpose has its own independent stream.
public enum RandomPurpose: UInt64, CaseIterable, Sendable {
    case arrivals = 1
    case models = 2
    case priorities = 3
    case samples = 4
}

/// One seeded generator per purpose, so changing one setting does not shift the other draws.
///
/// Stream `p` of seed `s` is xoshiro256** seeded with SplitMix64 applied to `s` and `p`.
public struct RandomStreams: Sendable {
    /// The user-facing seed.
    public let seed: UInt64

    /// Creates the streams of one seed.
    public init(seed: UInt64) { self.seed = seed }

    /// The generator for one purpose (a fresh copy at its start each call).
    public func stream(_ purpose: RandomPurpose) -> Xoshiro256StarStar {
        var mixer = SplitMix64(seed: seed)
        let base = mixer.next()
        var purposeMixer = SplitMix64(seed: base ^ (purpose.rawValue &* 0xD1B5_4A32_D192_ED03))
        return Xoshiro256StarStar(seed: purposeMixer.next())
    }
}
