import DystaCore
import Foundation

/// A deterministic mutation fuzzer for the file parsers: every mutated input must either load
/// or throw a `DystaError` — a trap or any other error fails the run.
///
/// `swift test` runs a short pass; set `DYSTA_FUZZ_ITERATIONS` (e.g. 100000) for a long one.
public struct Mutator {
    public var generator: Xoshiro256StarStar

    /// Creates a mutator from a seeded generator.
    public init(generator: Xoshiro256StarStar) { self.generator = generator }

    static let tokens = [
        "nan", "NaN", "inf", "-inf", "1e308", "-1", "-0", "0", "1e-320", "99999999999999999999", "", " ", "\"", "\"\"",
        ",", "\n", "\r\n", "\u{FEFF}", "é", "0x1p3", "1,5", "+3", ".", "e", "--", "bert", "null",
    ]

    mutating func pick(_ count: Int) -> Int { generator.nextInt(below: max(count, 1)) }

    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let rounds = 1 + pick(3)
        for _ in 0..<rounds {
            var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n")
            switch pick(12) {
            case 0: bytes = Array(bytes.prefix(pick(bytes.count + 1)))  // truncate
            case 1 where !lines.isEmpty:  // delete a column everywhere
                let column = pick(8)
                lines = lines.map { line in
                    var fields = line.components(separatedBy: ",")
                    if column < fields.count { fields.remove(at: column) }
                    return fields.joined(separator: ",")
                }
                bytes = Array(lines.joined(separator: "\n").utf8)
            case 2 where !lines.isEmpty:  // duplicate a column
                let column = pick(8)
                lines = lines.map { line in
                    var fields = line.components(separatedBy: ",")
                    if column < fields.count { fields.insert(fields[column], at: column) }
                    return fields.joined(separator: ",")
                }
                bytes = Array(lines.joined(separator: "\n").utf8)
            case 3 where !lines.isEmpty:  // replace a field with a hostile token
                let line = pick(lines.count)
                var fields = lines[line].components(separatedBy: ",")
                fields[pick(fields.count)] = Self.tokens[pick(Self.tokens.count)]
                lines[line] = fields.joined(separator: ",")
                bytes = Array(lines.joined(separator: "\n").utf8)
            case 4 where !lines.isEmpty:  // duplicate a line
                let line = pick(lines.count)
                lines.insert(lines[line], at: pick(lines.count))
                bytes = Array(lines.joined(separator: "\n").utf8)
            case 5 where lines.count > 1:  // delete a line
                lines.remove(at: pick(lines.count))
                bytes = Array(lines.joined(separator: "\n").utf8)
            case 6: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: pick(bytes.count + 1))  // random byte
            case 7: bytes = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
            case 8: bytes = [0xEF, 0xBB, 0xBF] + bytes
            case 9: bytes = []
            case 10 where !bytes.isEmpty: bytes[pick(bytes.count)] = [0xFF, 0xC3, 0x00, 0x22, 0x2C][pick(5)]
            default:  // negate or scale a number
                let line = pick(lines.count)
                var fields = lines[line].components(separatedBy: ",")
                let index = pick(fields.count)
                if let value = Double(fields[index]) { fields[index] = String([-value, value * 1e300, value / 1e300][pick(3)]) }
                lines[line] = fields.joined(separator: ",")
                bytes = Array(lines.joined(separator: "\n").utf8)
            }
        }
        return bytes
    }
}

/// Outcome counts of a fuzz run.
public struct FuzzTally: CustomStringConvertible {
    public var loaded = 0
    public var rejected = 0
    public var unexpected: [String] = []
    public var description: String { "loaded \(loaded), rejected \(rejected), unexpected \(unexpected.count)" }
}

/// Iterations of a fuzz target: `DYSTA_FUZZ_ITERATIONS` or `value`.
public func fuzzIterations(default value: Int) -> Int {
    Int(ProcessInfo.processInfo.environment["DYSTA_FUZZ_ITERATIONS"] ?? "") ?? value
}

/// Feeds `iterations` mutations of the corpus entries (round robin) to `body`, which writes and
/// parses them; a `DystaError` counts as a clean rejection, anything else as unexpected.
/// Prints the tally when `DYSTA_FUZZ_ITERATIONS` is set (the long run's record).
public func fuzz(
    _ name: String, corpus: [[UInt8]], seed: UInt64, iterations: Int, _ body: ([UInt8]) throws -> Void
) -> FuzzTally {
    var mutator = Mutator(generator: Xoshiro256StarStar(seed: seed))
    var tally = FuzzTally()
    for iteration in 0..<iterations {
        let input = mutator.mutate(corpus[iteration % corpus.count])
        do {
            try body(input)
            tally.loaded += 1
        } catch is DystaError {
            tally.rejected += 1
        } catch {
            tally.unexpected.append("\(error)")
        }
    }
    if ProcessInfo.processInfo.environment["DYSTA_FUZZ_ITERATIONS"] != nil {
        print("fuzz \(name): \(iterations) inputs, \(tally)")
    }
    return tally
}

