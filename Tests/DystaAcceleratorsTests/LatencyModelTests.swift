import DystaAccelerators
import DystaCore
import Testing

@Suite("Sanger latency model")
struct SangerTests {
    /// The published check values at Lq = 512, H = 768 (given there to the µs), and the formula's
    /// exact values worked by hand from the same expression (docs/accelerators.md).
    @Test(arguments: [
        (0.05, 0.9, 0.916, 0.915_481_283_950_617_3), (0.1, 0.8, 0.959, 0.958_464),
        (0.2, 0.7, 1.077, 1.077_331_591_836_734_8), (0.4, 0.6, 1.467, 1.467_278_222_222_222_3),
    ])
    func checkValues(density: Double, balance: Double, milliseconds: Double, exact: Double) throws {
        let latency = try SangerModel().latency(density: density, loadBalance: balance, sequenceLength: 512, hidden: 768)
        #expect(abs(latency * 1000 - milliseconds) <= 0.001, "got \(latency * 1000) ms")
        #expect(abs(latency * 1000 - exact) < 1e-12, "got \(latency * 1000) ms")
    }

    @Test func monotoneInDensityAndLength() throws {
        let model = SangerModel()
        var previous = 0.0
        for step in 1...20 {
            let value = try model.latency(density: Double(step) / 20, loadBalance: 0.7, sequenceLength: 128, hidden: 384)
            #expect(value > previous)
            previous = value
        }
        #expect(try model.latency(density: 0.2, loadBalance: 0.7, sequenceLength: 64, hidden: 768)
            < model.latency(density: 0.2, loadBalance: 0.7, sequenceLength: 128, hidden: 768))
    }

    @Test func invalidValuesAndParameters() throws {
        let model = SangerModel()
        #expect(throws: DystaError.self) { try model.latency(density: 0, loadBalance: 0.5, sequenceLength: 512, hidden: 768) }
        #expect(throws: DystaError.self) { try model.latency(density: 1.2, loadBalance: 0.5, sequenceLength: 512, hidden: 768) }
        #expect(throws: DystaError.self) { try model.latency(density: 0.2, loadBalance: 0, sequenceLength: 512, hidden: 768) }
        #expect(throws: DystaError.self) { try model.latency(density: 0.2, loadBalance: 0.5, sequenceLength: 0, hidden: 768) }
        #expect { try SangerModel(overrides: ["clock_hz=0"]) } throws: { "\($0)".contains("clock_hz=0: sanger needs a positive number") }
        #expect { try SangerModel(overrides: ["tile_height=-4"]) } throws: { "\($0)".contains("positive integer") }
        #expect { try SangerModel(overrides: ["warp=9"]) } throws: { "\($0)".contains("no parameter 'warp'") }
        #expect { try SangerModel(overrides: ["clock_hz"]) } throws: { "\($0)".contains("expected key=value") }
        let faster = try SangerModel(overrides: ["clock_hz=2e9", "seq_len=256"])
        #expect(faster.clockHz == 2e9 && faster.sequenceLength == 256)
    }
}

@Suite("Eyeriss-V2 latency model")
struct EyerissTests {
    func shape(
        c: Int, m: Int, r: Int, stride: Int = 1, padding: Int? = nil, groups: Int = 1, w: Int
    ) -> ConvShape {
        let pad = padding ?? r / 2
        let out = (w + 2 * pad - r) / stride + 1
        return ConvShape(
            inputChannels: c, outputChannels: m, kernelHeight: r, kernelWidth: r, stride: stride, padding: pad,
            groups: groups, inputHeight: w, inputWidth: w, outputHeight: out, outputWidth: out)
    }

    @Test func mappingOfA3x3Layer() throws {
        // The worked example: C=64, M=64, W=56, 3×3.
        let mapping = try EyerissV2Model().mapping(for: shape(c: 64, m: 64, r: 3, w: 56))
        #expect([mapping.c0, mapping.c1, mapping.c2] == [4, 8, 2])
        #expect([mapping.f0, mapping.f1, mapping.f2] == [16, 3, 2])
        #expect([mapping.m0, mapping.m1, mapping.m2] == [32, 2, 1])
        #expect([mapping.s1, mapping.s2] == [3, 1])
    }

    @Test func mappingOf7x7Stride2FirstLayer() throws {
        let corrected = try EyerissV2Model().mapping(for: shape(c: 3, m: 64, r: 7, stride: 2, padding: 3, w: 224))
        // C0 = C = 3; F0 = 2^⌊log2⌊96000/(112·7·3·8)⌋⌋ = 4; F1 = 4; F2 = ⌈112/16⌉ = 7; S1 = 3, S2 = 3.
        #expect([corrected.c0, corrected.c1, corrected.c2] == [3, 1, 1])
        #expect([corrected.f0, corrected.f1, corrected.f2, corrected.rows] == [4, 4, 7, 112])
        #expect([corrected.s1, corrected.s2, corrected.m1, corrected.m2] == [3, 3, 2, 1])
        #expect(corrected.addressChecks == 2 * 4 * 1 * 3 * 1 * 7 * 1 * 3 * 112 * 4)
        // The artifact maps the input size (224): F0 = 2^⌊log2⌊96000/(224·7·3·8)⌋⌋ = 2.
        let artifact = try EyerissV2Model(variant: .artifact).mapping(for: shape(c: 3, m: 64, r: 7, stride: 2, padding: 3, w: 224))
        #expect([artifact.f0, artifact.f1, artifact.f2, artifact.rows] == [2, 4, 28, 224])
    }

    @Test func mappingOf1x1DepthwiseAndLinear() throws {
        let pointwise = try EyerissV2Model().mapping(for: shape(c: 256, m: 64, r: 1, w: 56))
        #expect([pointwise.c0, pointwise.c1, pointwise.c2] == [16, 8, 2])
        #expect(pointwise.f0 == 8)  // ⌊96000/(56·1·16·8)⌋ = 13 → 8
        let depthwise = try EyerissV2Model().mapping(for: shape(c: 32, m: 32, r: 3, groups: 32, w: 112))
        #expect([depthwise.m0, depthwise.m1, depthwise.m2] == [1, 1, 1])
        #expect(depthwise.c0 == 4)
        let linear = ConvShape(inputChannels: 1280, outputChannels: 1000, kernelHeight: 1, kernelWidth: 1,
                               inputHeight: 1, inputWidth: 1, outputHeight: 1, outputWidth: 1)
        let fc = try EyerissV2Model().mapping(for: linear)
        #expect([fc.c0, fc.c1, fc.c2, fc.f0, fc.f1, fc.f2, fc.m0, fc.m1, fc.m2] == [16, 8, 10, 1, 1, 1, 32, 2, 16])
    }

    @Test func cyclesFormulaAndMonotonicity() throws {
        let model = EyerissV2Model()
        let mapping = try model.mapping(for: shape(c: 64, m: 64, r: 3, w: 56))
        let cycles = model.cycles(mapping: mapping, effectualMACs: 1_000_000, nonEmptyColumns: 5000)
        let expected = ((4 * 1_000_000 + mapping.addressChecks + 2 * 2 * 3 * 1 * 1 * 5000) / 192).rounded(.down)
        #expect(cycles == expected)
        var previous = -1.0
        for macs in stride(from: 0.0, through: 2e7, by: 1e6) {
            let value = model.cycles(mapping: mapping, effectualMACs: macs, nonEmptyColumns: 100)
            #expect(value >= previous)
            previous = value
        }
    }

    @Test func shapesThatCannotBePlacedAndBadParameters() throws {
        // R = 17 does not fit the 16-entry scratch pad.
        #expect(throws: DystaError.self) { try EyerissV2Model().mapping(for: shape(c: 8, m: 8, r: 17, w: 32)) }
        // 112 rows × R=7 × C0=2 × 8 bits · F0 ≥ 1 > 96000? 112·7·2·8 = 12544 fits; use a huge row count.
        #expect(throws: DystaError.self) { try EyerissV2Model().mapping(for: shape(c: 16, m: 16, r: 3, w: 5000)) }
        #expect { try EyerissV2Model(variant: .corrected, overrides: ["cluster_rows=0"]) } throws: { "\($0)".contains("positive integer") }
        #expect { try EyerissV2Model(variant: .corrected, overrides: ["clock_hz=0"]) } throws: { "\($0)".contains("positive number") }
        #expect { try EyerissV2Model(variant: .artifact, overrides: ["iact_spad=32"]) } throws: { "\($0)".contains("re-extract") }
    }
}
