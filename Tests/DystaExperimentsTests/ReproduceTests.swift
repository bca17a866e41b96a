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

    /// Each figure says what its axes are: only ANTT axes are logarithmic (and say so), Fig. 12's
    /// ANTT axis too, Fig. 9 labels both axes and explains its grey rows and columns.
    @Test func figuresSayWhatTheirAxesAre() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try produce(["fig9", "fig12", "fig15"], into: root)
        func texts(_ file: String) throws -> [String] {
            let svg = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            return try #require(SVGInspector.inspect(svg), "\(file)").texts
        }
        for workload in ["attention", "cnn"] {
            let violation = try texts("fig15-\(workload)-violation.svg").joined(separator: " ")
            #expect(!violation.contains("logarithmic") && !violation.contains("log scale"), "\(violation)")
            let antt = try texts("fig15-\(workload)-antt.svg")
            #expect(antt.contains("ANTT (log scale)") && antt.joined(separator: " ").contains("The ANTT axis is logarithmic."))
        }
        let fig12 = try texts("fig12-cnn-rate4.svg")
        #expect(fig12.contains("ANTT (log scale)") && fig12.joined(separator: " ").contains("The ANTT axis is logarithmic."))
        // ResNet's classifier never outputs a zero: its row and column are grey, and said why.
        let fig9 = try texts("fig9-cnn-resnet50-thin.svg")
        #expect(fig9.filter { $0 == "layer" }.count == 2, "both axes are labelled")
        #expect(fig9.contains("undefined"))
        #expect(fig9.joined(separator: " ").contains("Grey (undefined): layer 53 fc_nsfw never outputs a zero"), "\(fig9)")
        let vgg = try texts("fig9-cnn-vgg16-hed.svg")
        #expect(!vgg.contains("undefined") && !vgg.joined(separator: " ").contains("Grey"))
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
