import DystaParsing
import DystaCore
import Foundation
import Testing

@Suite("DoubleParser: the same numbers as Double(String)")
struct DoubleParserTests {
    /// Both accept or both reject, and accepted values have the same bits (NaN payloads too).
    private func expectSameAsDouble(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Double(text)
        let parsed = DoubleParser.parse(Array(text.utf8))
        #expect(
            parsed?.bitPattern == expected?.bitPattern,
            "\(text.debugDescription): Double(String) \(expected.map { "\($0)" } ?? "nil"), parser \(parsed.map { "\($0)" } ?? "nil")",
            sourceLocation: sourceLocation)
    }

    @Test func parserAcceptsWhatDoubleAccepts() {
        let cases = [
            "1e5", "-0.5", ".5", "5.", "0x1p3", "inf", "nan", "1_0", " 1", "+1", "1 ", "\t1", "\u{B}1", "\u{C}1",
            "", "-", "+", ".", "-.", "+-1", "--1", "0", "-0", "+0", "0.0", "-0.0", "00012", "0012.50",
            "1e", "1e+", "1e-", "e5", ".e5", "1.e5", "1.5E-3", "1E+05", "-1.5e-2x", "1,5", "1.2.3",
            "0x", "0X1P-3", "0x.8", "0x1.8p1", "-0x10", "0x1g", "infinity", "-Infinity", "INF", "infx", "i",
            "NaN", "-nan", "nan(123)", "nan()", "nan(abc_1)", "nan(", "snan", "-SNaN", "+snan", "snanx",
            "1e400", "-1e400", "1e-400", "4.9e-324", "2e-324", "2.4703282292062328e-324", "1e-310",
            "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
            "9007199254740992", "9007199254740993", "9007199254740994", "18014398509481985",
            "1e22", "1e23", "1e-22", "1e-23", "123456789012345678", "1234567890123456789",
            "12345678901234567890", "0.1234567890123456789", "0.12345678901234567891",
            "0.000000000000000000000000001", "1000000000000000000000000", "99999999999999999999e-20",
            "0.30000000000000004", "2.2250738585072011e-308", "2.2250738585072014e-308",
            "1\u{0}abc", "\u{0}1", "1\u{0}", "1e5\u{0}x", "snan\u{0}z", "١", "1é", "٫5",
            "0.439318", "86188800", "1031184640", "1e99999", "1e-99999", "0e99999", "-0e-5",
        ]
        for text in cases { expectSameAsDouble(text) }
    }

    @Test func parserMatchesDoubleOnRandomDecimals() {
        var generator = Xoshiro256StarStar(seed: 20_261_122)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(generator.nextInt(below: 10))) })
        }
        for _ in 0..<4000 {
            var text = ["", "", "-", "+"][generator.nextInt(below: 4)]
            text += digits(generator.nextInt(below: 12))
            if generator.nextInt(below: 3) > 0 { text += "." + digits(generator.nextInt(below: 14)) }
            if generator.nextInt(below: 3) == 0 {
                text += ["e", "E"][generator.nextInt(below: 2)] + ["", "-", "+"][generator.nextInt(below: 3)]
                text += String(generator.nextInt(below: generator.nextInt(below: 2) == 0 ? 30 : 400))
            }
            expectSameAsDouble(text)
        }
        // Doubles as Swift and C print them (shortest round trip, 17 digits, exponent form).
        for _ in 0..<2000 {
            let value = Double(bitPattern: generator.next())
            expectSameAsDouble("\(value)")
            expectSameAsDouble(String(format: "%.17g", value))
            let unit = generator.nextUnit() * pow(10, Double(generator.nextInt(below: 40) - 20))
            expectSameAsDouble("\(unit)")
            expectSameAsDouble(String(format: "%.*f", Int32(generator.nextInt(below: 12)), unit))
        }
        // Short junk from the characters that matter to strtod.
        let alphabet = Array("0123456789.eE+-xXpPinfatyINFAsS_( )\t\u{0}")
        for _ in 0..<4000 {
            let length = 1 + generator.nextInt(below: 8)
            expectSameAsDouble(String((0..<length).map { _ in alphabet[generator.nextInt(below: alphabet.count)] }))
        }
    }
}
