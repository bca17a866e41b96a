/// The integer operations of the hardware, defined once (docs/hardware.md, "Arithmetic").
enum FixedPoint {
    /// Fractional bits of the Q·16 formats: β (Q8.16), the reciprocal tables (Q1.16), the
    /// penalty table (Q16.16) and the γ unit's reciprocal product.
    static let fractionBits = 16
    /// One in the Q·16 formats (2^16).
    static let one = Double(1 << fractionBits)
    /// Width of β, Q8.16.
    static let betaBits = 8 + fractionBits
    /// Width of the 1/n and 1/k reciprocal tables, Q1.16.
    static let reciprocalBits = 1 + fractionBits
    /// Width of the penalty table, Q16.16.
    static let penaltyBits = 16 + fractionBits
    /// Width of the monitor's non-zero count (saturating).
    static let countBits = 32
    /// Width of the γ mantissa.
    static let mantissaBits = 16

    /// The reciprocal-table entry 1/n (Q1.16).
    static func reciprocal(_ n: Int) -> UInt64 { round(one / Double(n), bits: reciprocalBits) }

    /// β as the Q8.16 register holds it.
    static func beta(_ beta: Double) -> UInt64 { round(beta * one, bits: betaBits) }

    /// 2^bits − 1.
    @inline(__always) static func maxValue(_ bits: Int) -> UInt64 { bits >= 64 ? .max : (UInt64(1) << UInt64(bits)) - 1 }

    /// min(x, 2^bits − 1).
    @inline(__always) static func saturate(_ value: UInt64, _ bits: Int) -> UInt64 { min(value, maxValue(bits)) }

    /// sat_bits((a · b) >> shift) with the product at full width (128 bits).
    @inline(__always) static func multiplyShiftSaturate(_ a: UInt64, _ b: UInt64, shift: Int, bits: Int) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        let limit = maxValue(bits)
        if shift == 0 { return high != 0 ? limit : min(low, limit) }
        // (high:low) >> shift, with shift in 1 … 63.
        let shiftedHigh = high >> UInt64(shift)
        if shiftedHigh != 0 { return limit }
        let shifted = (low >> UInt64(shift)) | (high << UInt64(64 - shift))
        return min(shifted, limit)
    }

    /// round(x) = ⌊x + 0.5⌋ of a non-negative Double, saturated to `bits`.
    static func round(_ x: Double, bits: Int) -> UInt64 {
        guard x.isFinite else { return x > 0 ? maxValue(bits) : 0 }
        guard x > 0 else { return 0 }
        let rounded = (x + 0.5).rounded(.down)
        if rounded >= Double(maxValue(bits)) { return maxValue(bits) }
        return UInt64(rounded)
    }
}
