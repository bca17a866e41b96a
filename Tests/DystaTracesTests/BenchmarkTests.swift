import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaTraces
import Foundation
import Testing

/// The shipped benchmark: schema, invariants and provenance of every workload.
@Suite("Shipped benchmark traces")
struct BenchmarkTests {
    @Test func theExpectedWorkloadsAreShipped() {
        let names = Benchmark.workloadNames
        for name in ["attention", "attention-fixed", "cnn"] { #expect(names.contains(name), "missing workload \(name)") }
    }

    @Test(arguments: Benchmark.workloadNames)
    func workloadLoadsWithProvenanceAndValidCells(name: String) throws {
        let workload = try Benchmark.load(name)
        let provenance = try #require(workload.provenance)
        #expect(provenance.contains("sha256"), "provenance must record weight hashes")
        for variant in workload.variants {
            let zero = try #require(variant.trace.values(.zeroFraction))
            #expect(zero.allSatisfy { $0 >= 0 && $0 < 1 })
            switch workload.kind {
            case .attention:
                #expect(variant.sampleCount >= 300, "\(variant.name)")
                let seqLen = try #require(variant.trace.values(.seqLen))
                let realLen = try #require(variant.trace.values(.realLen))
                #expect(seqLen.allSatisfy { $0.truncatingRemainder(dividingBy: 64) == 0 }, "\(variant.name)")
                #expect(zip(realLen, seqLen).allSatisfy { $0 <= $1 && $0 >= 1 }, "\(variant.name)")
                // Within a sample, the sequence length is the same for every layer.
                for sample in 0..<variant.sampleCount {
                    let row = seqLen[(sample * variant.layerCount)..<((sample + 1) * variant.layerCount)]
                    #expect(Set(row).count == 1)
                }
                for layer in variant.layers {
                    guard case .attention = layer.kind else { Issue.record("\(variant.name): non-attention layer"); break }
                }
            case .cnn:
                #expect(variant.sampleCount >= 200, "\(variant.name)")
                let macs = try #require(variant.trace.values(.macs))
                let macsStride1 = try #require(variant.trace.values(.macsStride1))
                #expect(macs.allSatisfy { $0 == $0.rounded() })
                for (layerIndex, layer) in variant.layers.enumerated() {
                    let shape = try #require(layer.convShape, "\(variant.name) layer \(layerIndex) has no shape")
                    #expect(shape.weightNonzeros <= shape.weightTotal)
                    // Effectual MACs can never exceed the dense MAC count of the layer.
                    let dense = Double(shape.outputChannels) * Double(shape.inputChannels / shape.groups)
                        * Double(shape.kernelHeight * shape.kernelWidth) * Double(shape.outputHeight * shape.outputWidth)
                    for sample in 0..<variant.sampleCount {
                        #expect(macs[sample * variant.layerCount + layerIndex] <= dense, "\(variant.name) layer \(layerIndex)")
                    }
                    if shape.stride == 1 && layer.convShape?.kernelHeight == 1 {
                        #expect(macs[layerIndex] == macsStride1[layerIndex], "\(variant.name) 1×1 layer \(layerIndex)")
                    }
                }
            }
        }
        // Every latency model that belongs to the kind costs every cell.
        let models: [any LatencyModel] =
            workload.kind == .attention ? [SangerModel()] : [EyerissV2Model(variant: .corrected), EyerissV2Model(variant: .artifact)]
        for model in models {
            let profile = try model.profile(workload)
            #expect(profile.variants.allSatisfy { $0.isolated.allSatisfy { $0 > 0 && $0.isFinite } }, "\(model.name)")
        }
    }
}
