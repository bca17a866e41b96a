import DystaCore
import DystaParsing
import Testing

private struct Knobs: Sendable, Equatable {
    enum Mode: String, CaseIterable, Sendable { case fast, exact }
    var weight = 1.5
    var limit = Double.infinity
    var count = 3
    var strict = false
    var mode = Mode.fast
}

private let knobs = TypedOptions<Knobs>(owner: "toy", [
    .number("weight", \.weight, help: "a weight"),
    .number("limit", \.limit, allowsInfinity: true, help: "a limit (s)"),
    .integer("count", \.count, in: 1...9, help: "how many"),
    .flag("strict", \.strict, help: "strict or not"),
    .choice("mode", \.mode, help: "how"),
])

@Suite("Typed options")
struct TypedOptionsTests {
    @Test func parsingSetsEachTypedValue() throws {
        let parsed = try knobs.parsing("weight=0.25,limit=inf,count=9,strict=true,mode=exact", into: Knobs())
        #expect(parsed == Knobs(weight: 0.25, limit: .infinity, count: 9, strict: true, mode: .exact))
        #expect(try knobs.parsing("", into: Knobs()) == Knobs())
    }

    @Test(arguments: [
        ("size=1", "toy has no option 'size' (known: weight, limit, count, strict, mode)"),
        ("weight=-1", "toy option 'weight': '-1' is not a number ≥ 0"),
        ("weight=inf", "toy option 'weight': 'inf' is not a number ≥ 0"),
        ("weight=nan", "toy option 'weight': 'nan' is not a number ≥ 0"),
        ("limit=x", "toy option 'limit': 'x' is not a number ≥ 0 or inf"),
        ("count=10", "toy option 'count': '10' is not an integer 1 … 9"),
        ("strict=yes", "toy option 'strict': 'yes' is not true or false"),
        ("mode=slow", "toy option 'mode': 'slow' is not one of fast, exact"),
        ("weight", "toy option 'weight': expected name=value"),
    ])
    func badValuesNameTheOptionAndWhatItTakes(text: String, message: String) {
        #expect(throws: DystaError(message)) { try knobs.parsing(text, into: Knobs()) }
    }

    @Test func helpLinesCarryDefaultsAndValues() {
        #expect(knobs.helpLines(defaults: Knobs()) == [
            "weight=1.5  a weight (a number ≥ 0)", "limit=inf  a limit (s) (a number ≥ 0 or inf)",
            "count=3  how many (an integer 1 … 9)", "strict=false  strict or not (true or false)",
            "mode=fast  how (one of fast, exact)",
        ])
    }
}
