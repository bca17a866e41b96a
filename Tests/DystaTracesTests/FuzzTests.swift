import DystaAccelerators
import DystaCore
import DystaTestSupport
import DystaTraces
import Foundation
import Testing

@Suite("Parser fuzzing")
struct FuzzTests {
    func corpus(_ directory: String) throws -> [[UInt8]] {
        let url = Fixtures.url(directory)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().filter { $0.hasSuffix(".csv") }.map {
            Array(try Data(contentsOf: url.appendingPathComponent($0)))
        }
    }

    @Test(arguments: [("artifact-sanger", ArtifactTraceKind.sanger), ("artifact-eyeriss", .eyeriss)])
    func artifactTraceParserNeverCrashes(directory: String, kind: ArtifactTraceKind) throws {
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("model_x.csv")
        let tally = fuzz(directory, corpus: try corpus(directory), seed: kind == .sanger ? 1 : 2, iterations: fuzzIterations(default: 1500)) { input in
            try Data(input).write(to: file)
            let variant = try ArtifactTraceLoader.loadFile(file, kind: kind)
            // A loaded trace must also be costed without a trap.
            let model: any LatencyModel = kind == .sanger ? SangerModel() : TableModel()
            _ = try model.latencies(for: variant)
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
        let tally = fuzz("request table", corpus: [seed], seed: 3, iterations: fuzzIterations(default: 1500)) { input in
            try Data(input).write(to: file)
            _ = try RequestTableFile.read(file, profile: profile)
        }
        #expect(tally.unexpected.isEmpty)
        #expect(tally.rejected > 0 && tally.loaded > 0, "\(tally)")
    }

    @Test func nativeTraceParserNeverCrashes() throws {
        let scratch = try directory(with: ["workload.json": manifest, "net_dense.csv": cells])
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Mutate the per-variant CSV and the manifest in turn.
        let csvTally = fuzz("native csv", corpus: [Array(cells.utf8)], seed: 4, iterations: fuzzIterations(default: 1000)) { input in
            try Data(input).write(to: scratch.appendingPathComponent("net_dense.csv"))
            let workload = try NativeTraceLoader.loadDirectory(scratch)
            _ = try EyerissV2Model().profile(workload)
        }
        try Data(cells.utf8).write(to: scratch.appendingPathComponent("net_dense.csv"))
        let jsonTally = fuzz("native manifest", corpus: [Array(manifest.utf8)], seed: 5, iterations: fuzzIterations(default: 1000)) { input in
            try Data(input).write(to: scratch.appendingPathComponent("workload.json"))
            let workload = try NativeTraceLoader.loadDirectory(scratch)
            _ = try EyerissV2Model().profile(workload)
        }
        #expect(csvTally.unexpected.isEmpty && jsonTally.unexpected.isEmpty)
        #expect(csvTally.rejected > 0 && csvTally.loaded > 0, "\(csvTally)")
        #expect(jsonTally.rejected > 0, "\(jsonTally)")
    }
}

@Suite("Large inputs")
struct LargeInputTests {
    /// A 10⁶-row artifact trace (1000 samples × 1000 layers) loads and is costed; in the short
    /// run 10⁵ rows, with `DYSTA_FUZZ_ITERATIONS` set (the long run) 10⁶.
    @Test func millionRowTraceLoads() throws {
        let long = ProcessInfo.processInfo.environment["DYSTA_FUZZ_ITERATIONS"] != nil
        let samples = long ? 1000 : 100
        let layers = 1000
        var text = "batch-indx,layer-indx,overall-sparsity,50%-skip\n"
        text.reserveCapacity(samples * layers * 24)
        for sample in 0..<samples {
            for layer in 0..<layers {
                text += "\(sample),\(layer),0.\(100 + (sample * 7 + layer * 13) % 800),0.\(500 + (sample + layer) % 400)\n"
            }
        }
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("big.csv")
        try Data(text.utf8).write(to: file)
        let clock = ContinuousClock()
        var variant: ModelVariant?
        let elapsed = try clock.measure { variant = try ArtifactTraceLoader.loadFile(file, kind: .sanger) }
        #expect(variant?.sampleCount == samples && variant?.layerCount == layers)
        _ = try SangerModel().latencies(for: variant!)
        if long { print("large input: \(samples * layers) rows loaded in \(elapsed)") }
    }
}
