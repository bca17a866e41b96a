import Foundation

/// Parses `Double` values from UTF-8 bytes with exactly the results of `Double(String)`.
///
/// `Double(String)` on this platform rejects an empty text and one starting with whitespace
/// (bytes 9–13 and 32) or a NUL byte, reads `snan` (any case, optional sign) as a signaling NaN,
/// and otherwise takes what the C library's `strtod` in the C locale reads when it stops at
/// the end of the text or at a NUL byte inside it (hexadecimal floats, `inf`, `nan(…)`, and
/// out-of-range values as ±infinity or zero included). This parser does the same without
/// building a `String`: plain decimals with at most 19 significant digits, a mantissa up to
/// 2⁵³ and a decimal exponent within ±22 are computed exactly with one correctly rounded
/// multiplication or division (Clinger's fast path); everything else goes to `strtod`.
public enum DoubleParser {
    /// The value `Double(String(decoding: utf8, as: UTF8.self))` gives, or `nil` where it gives `nil`.
    public static func parse(_ utf8: some Collection<UInt8>) -> Double? {
        var bytes = [UInt8](utf8)
        let count = bytes.count
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return parse(base, from: 0, to: count)
        }
    }

    /// Parses `base[start..<end]`.
    ///
    /// The byte at `base[end]` must exist and must not continue a number for `strtod` (a NUL,
    /// comma, space, tab or line end), since the fallback reads up to where the number stops.
    static func parse(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        guard start < end else { return nil }
        switch base[start] {
        case 0, 9...13, 32: return nil
        default: break
        }
        if let value = exactDecimal(base, from: start, to: end) { return value }
        return libraryParse(base, from: start, to: end)
    }

    /// Powers of ten that are exact in a `Double`.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Clinger's fast path: `[+-]digits[.digits][(e|E)[+-]digits]` whose value is an exact
    /// integer up to 2⁵³ times or divided by an exact power of ten; `nil` for anything else.
    private static func exactDecimal(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        let zero = UInt8(ascii: "0")
        var index = start
        var negative = false
        if base[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        } else if base[index] == UInt8(ascii: "+") {
            index += 1
        }
        let integerStart = index
        // Leading zeros are not significant digits.
        while index < end && base[index] == zero { index += 1 }
        var mantissa: UInt64 = 0
        var significantStart = index
        while index < end {
            let digit = base[index] &- zero
            guard digit < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            index += 1
        }
        var significantDigits = index - significantStart
        var sawDigit = index > integerStart
        var exponent = 0
        if index < end && base[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            if mantissa == 0 {
                while index < end && base[index] == zero { index += 1 }
            }
            significantStart = index
            while index < end {
                let digit = base[index] &- zero
                guard digit < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                index += 1
            }
            significantDigits += index - significantStart
            exponent = fractionStart - index
            sawDigit = sawDigit || index > fractionStart
        }
        // More than 19 significant digits may have wrapped the mantissa; it is not used then.
        guard sawDigit, significantDigits <= 19 else { return nil }
        if index < end && (base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentNegative = false
            if index < end && base[index] == UInt8(ascii: "-") {
                exponentNegative = true
                index += 1
            } else if index < end && base[index] == UInt8(ascii: "+") {
                index += 1
            }
            let exponentStart = index
            var written = 0
            while index < end {
                let digit = base[index] &- zero
                guard digit < 10 else { break }
                written = written * 10 + Int(digit)
                guard written <= 10_000 else { return nil }
                index += 1
            }
            guard index > exponentStart else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard index == end, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        var value = Double(mantissa)
        if exponent >= 0 {
            value *= exactPowersOfTen[exponent]
        } else {
            value /= exactPowersOfTen[-exponent]
        }
        return negative ? -value : value
    }

    /// The C locale, created once (`nil` if the C library cannot create it). With no base
    /// locale, the categories outside the mask come from the C locale as well.
    nonisolated(unsafe) private static let cLocale: locale_t? = newlocale(LC_NUMERIC_MASK, "C", nil)

    /// What `Double(String)` does after its whitespace check: `snan`, else `strtod` in the C
    /// locale, accepted when it stops at the end of the text or at a NUL inside it.
    ///
    /// `strtod_l` is not visible from Swift on Glibc, so `strtod` runs with the C locale set
    /// for this thread only (`uselocale`) and the thread's locale is put back afterwards.
    private static func libraryParse(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        // The text as a C string ends at its first NUL byte.
        var textEnd = start
        while textEnd < end && base[textEnd] != 0 { textEnd += 1 }
        if isSignalingNaN(base, from: start, to: textEnd) { return Double.signalingNaN }
        guard let locale = cLocale, let previous = uselocale(locale) else {
            return Double(String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self))
        }
        defer { uselocale(previous) }
        return base.withMemoryRebound(to: CChar.self, capacity: end + 1) { chars -> Double? in
            var stop: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(chars + start, &stop)
            guard let stop, stop == UnsafeMutablePointer(mutating: chars + textEnd) else { return nil }
            return value
        }
    }

    /// Whether the bytes are `snan` in any case, optionally after one sign.
    private static func isSignalingNaN(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var index = start
        if index < end && (base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-")) { index += 1 }
        guard end - index == 4 else { return false }
        let lowercase: [UInt8] = [UInt8(ascii: "s"), UInt8(ascii: "n"), UInt8(ascii: "a"), UInt8(ascii: "n")]
        for offset in 0..<4 where base[index + offset] | 0x20 != lowercase[offset] { return false }
        return true
    }
}
