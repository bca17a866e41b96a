import DystaCore
import DystaExperiments
import DystaTestSupport
import Foundation
import Testing

@Suite("Reproduction", .serialized)
struct ReproduceTests {
    func produce(_ items: [String], into directory: URL) throws -> String {
        var reproduction = Reproduction(semantics: .default, output: directory, threads: 2)
        reproduction.requests = 150
        reproduction.seeds = [1, 2]
        reproduction.png = false
        let sections = try items.map { try reproduction.run($0) }
        return ResultsReport.markdown(sections: sections, command: "test", semantics: .default, figureDirectory: "figs")
    }

    @Test func itemsWriteTheSameBytesTwice() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        let first = try produce(["fig13", "fig9"], into: a)
        let second = try produce(["fig13", "fig9"], into: b)
        #expect(first == second)
        let files = try FileManager.default.contentsOfDirectory(atPath: a.path).sorted()
        #expect(files.contains("fig13-violation.svg") && files.contains("fig13-attention-summary.csv"))
        #expect(files.contains { $0.hasPrefix("fig9-cnn-") && $0.hasSuffix(".svg") })
        for file in files {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file)), "\(file)")
        }
        #expect(first.contains("![SLO violation rate (%)](figs/fig13-violation.svg)"))
    }

    @Test func paperRatesMapToLoadsKeepingTheirRatios() {
        #expect(Reproduction.load(paperRate: 30, workload: "attention") == 0.75)
        #expect(Reproduction.load(paperRate: 40, workload: "attention") == 1)
        #expect(Reproduction.load(paperRate: 4, workload: "cnn") == 0.8)
    }

    @Test func unknownItemIsAnError() throws {
        let reproduction = Reproduction(semantics: .default, output: try Fixtures.temporaryDirectory())
        #expect { try reproduction.run("fig99") } throws: { "\($0)".contains("unknown item 'fig99'") }
    }
}
