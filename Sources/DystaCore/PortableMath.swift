/// Elementary functions computed with IEEE-754 `+ − × ÷` only, so they give the same bits on
/// every platform (the C library's `log` may differ in the last bit between systems).
public enum PortableMath {
    /// Natural logarithm of a positive finite `x`, accurate to about 1 ulp.
    ///
    /// x = m · 2^e with m in [√½, √2); log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716,
    /// by its odd series to s^25; log x = e · ln 2 + log m with ln 2 split in two parts.
    public static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log needs a positive finite number")
        var exponent = Double(x.exponent)
        var mantissa = x.significand  // in [1, 2)
        if mantissa > 1.4142135623730951 {
            mantissa /= 2
            exponent += 1
        }
        let s = (mantissa - 1) / (mantissa + 1)
        let s2 = s * s
        // Horner form of s2/3 + s2²/5 + … + s2¹²/25 (innermost, smallest terms first).
        var series = 1.0 / 25
        var odd = 23.0
        while odd >= 3 {
            series = 1 / odd + s2 * series
            odd -= 2
        }
        series *= s2
        let logMantissa = 2 * s + 2 * s * series
        let ln2High = 6.93147180369123816490e-01
        let ln2Low = 1.90821492927058770002e-10
        return exponent * ln2High + (logMantissa + exponent * ln2Low)
    }
}
