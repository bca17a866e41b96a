import DystaAccelerators
import DystaCore
import DystaTestSupport
import DystaTraces
import Foundation
import Testing

/// A deterministic mutation fuzzer for the file parsers: every mutated input must either load
/// or throw a `DystaError` — a trap or any other error fails the run.
///
/// `swift test` runs a short pass; set `DYSTA_FUZZ_ITERATIONS` (e.g. 100000) for a long one.
struct Mutator {
    var generator: Xoshiro256StarStar

    static let tokens = [
        "nan", "NaN", "inf", "-inf", "1e308", "-1", "-0", "0", "1e-320", "99999999999999999999", "", " ", "\"", "\"\"",
        ",", "\n", "\r\n", "\u{FEFF}", "é", "0x1p3", "1,5", "+3", ".", "e", "--", "bert", "null",
    ]

    mutating func pick(_ count: Int) -> Int { generator.nextInt(below: max(count, 1)) }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
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
struct FuzzTally {
    var loaded = 0
    var rejected = 0
    var unexpected: [String] = []
}

func fuzzIterations(default value: Int) -> Int {
    Int(ProcessInfo.processInfo.environment["DYSTA_FUZZ_ITERATIONS"] ?? "") ?? value
}

@Suite("Parser fuzzing")
struct FuzzTests {
    func seeds(_ directory: String) throws -> [(String, [UInt8])] {
        let url = Fixtures.url(directory)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().map {
            ($0, Array(try Data(contentsOf: url.appendingPathComponent($0))))
        }
    }

    @Test(arguments: [("artifact-sanger", ArtifactTraceKind.sanger), ("artifact-eyeriss", .eyeriss)])
    func artifactTraceParserNeverCrashes(directory: String, kind: ArtifactTraceKind) throws {
        let corpus = try seeds(directory)
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        var mutator = Mutator(generator: Xoshiro256StarStar(seed: kind == .sanger ? 1 : 2))
        var tally = FuzzTally()
        let file = scratch.appendingPathComponent("model_x.csv")
        for iteration in 0..<fuzzIterations(default: 1500) {
            let (_, seed) = corpus[iteration % corpus.count]
            try Data(mutator.mutate(seed)).write(to: file)
            do {
                let variant = try ArtifactTraceLoader.loadFile(file, kind: kind)
                // A loaded trace must also be costed without a trap.
                let model: any LatencyModel = kind == .sanger ? SangerModel() : TableModel()
                _ = try model.latencies(for: variant)
                tally.loaded += 1
            } catch is DystaError {
                tally.rejected += 1
            } catch {
                tally.unexpected.append("\(error)")
            }
        }
        #expect(tally.unexpected.isEmpty)
        #expect(tally.rejected > 0 && tally.loaded > 0, "the mutations should both break and keep files: \(tally)")
    }

    @Test func requestTableParserNeverCrashes() throws {
        let profile = try SangerModel().profile(Fixtures.sangerWorkload())
        let seed = Array("id,arrival,model,sample,priority,target\n0,0.1,bert,0,1,0.5\n1,0.2,gpt2,3,9,0.25\n2,0.3,bert,11,3,1e-3\n".utf8)
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("requests.csv")
        var mutator = Mutator(generator: Xoshiro256StarStar(seed: 3))
        var tally = FuzzTally()
        for _ in 0..<fuzzIterations(default: 1500) {
            try Data(mutator.mutate(seed)).write(to: file)
            do {
                _ = try RequestTableFile.read(file, profile: profile)
                tally.loaded += 1
            } catch is DystaError {
                tally.rejected += 1
            } catch {
                tally.unexpected.append("\(error)")
            }
        }
        #expect(tally.unexpected.isEmpty)
        #expect(tally.rejected > 0 && tally.loaded > 0, "\(tally)")
    }
}
