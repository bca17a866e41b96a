/// The integer operations of the hardware, defined once (docs/hardware.md, "Arithmetic").
enum FixedPoint {
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
