import DystaCore
import Foundation
import Testing

@Suite("Core: random streams, errors, tables")
struct CoreTests {
    @Test func xoshiroIsDeterministicAndPinned() {
        var a = Xoshiro256StarStar(seed: 1)
        var b = Xoshiro256StarStar(seed: 1)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        // Pinned values: any change of the generator changes every published result.
        var mixer = SplitMix64(seed: 0)
        #expect(mixer.next() == 0xE220_A839_7B1D_CDAF)
        #expect(mixer.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func uniformIntegersStayInRangeAndCoverIt() {
        var generator = Xoshiro256StarStar(seed: 7)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { $0 > 9_000 && $0 < 11_000 })
        for _ in 0..<1000 {
            let unit = generator.nextUnit()
            #expect(unit >= 0 && unit < 1)
        }
    }

    @Test func streamsPerPurposeDiffer() {
        let streams = RandomStreams(seed: 3)
        var arrivals = streams.stream(.arrivals)
        var models = streams.stream(.models)
        #expect(arrivals.next() != models.next())
        var again = RandomStreams(seed: 3).stream(.arrivals)
        var arrivalsCopy = streams.stream(.arrivals)
        #expect(again.next() == arrivalsCopy.next())
    }

    @Test func errorDescriptionIsOneLineWithLocation() {
        let error = DystaError("bad\nvalue", file: "a.csv", line: 4, column: "x")
        #expect(error.description == "a.csv:4: column 'x': bad value")
        #expect(DystaError("plain").description == "plain")
        #expect(DystaError("m", line: 2).description == "line 2: m")
    }

    @Test func staticTableSuffixSumsAndWeightedAverage() {
        let lut = StaticLUT(averageLatency: [1, 2, 3], averageZeroFraction: [0.5, 0.5, 0.5], meanIsolated: 6, sampleCount: 2)
        #expect(lut.remainingFromLayer == [6, 5, 3, 0])
        let other = StaticLUT(averageLatency: [3, 2, 1], averageZeroFraction: [0.2, 0.2, 0.2], meanIsolated: 6, sampleCount: 6)
        let merged = StaticLUT.weightedAverage([lut, other])
        #expect(merged.averageLatency == [2.5, 2, 1.5])
        #expect(abs(merged.averageZeroFraction[0] - 0.275) < 1e-15)
        #expect(merged.sampleCount == 8)
    }

    @Test func traceTableRejectsWrongSizes() {
        #expect(throws: DystaError.self) { try TraceTable(sampleCount: 2, layerCount: 2, columns: [.zeroFraction: [0, 0, 0]]) }
        #expect(throws: DystaError.self) { try TraceTable(sampleCount: 0, layerCount: 2, columns: [:]) }
    }

    @Test func workloadRejectsDuplicateNamesAndSortsVariants() throws {
        func variant(_ name: String) throws -> ModelVariant {
            let trace = try TraceTable(sampleCount: 1, layerCount: 1, columns: [.zeroFraction: [0.1], .latency: [0.01]])
            return try ModelVariant(name: name, architecture: name, layers: [LayerSpec(name: "l", kind: .opaque)], trace: trace)
        }
        let workload = try Workload(name: "w", kind: .cnn, defaultAccelerator: "table", variants: [variant("b"), variant("a")])
        #expect(workload.variants.map(\.name) == ["a", "b"])
        #expect(throws: DystaError.self) {
            try Workload(name: "w", kind: .cnn, defaultAccelerator: "table", variants: [variant("a"), variant("a")])
        }
    }
}

@Suite("Portable math")
struct PortableMathTests {
    @Test func logMatchesTheSystemLogToAnUlp() {
        var generator = Xoshiro256StarStar(seed: 5)
        var worst = 0.0
        for _ in 0..<100_000 {
            let x = 1 - generator.nextUnit()  // (0, 1], as the arrival generator uses it
            let reference = Foundation.log(x)
            let mine = PortableMath.log(x)
            let ulps = abs(mine - reference) / max(reference.ulp, Double.leastNormalMagnitude)
            worst = max(worst, ulps)
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        for x in [1.0, 2, 0.5, 1e-300, 1e300, 3.0, 0.1, Double.leastNonzeroMagnitude, 1.4142135623730951] {
            #expect(abs(PortableMath.log(x) - Foundation.log(x)) <= 2 * Foundation.log(x).ulp + 1e-300, "\(x)")
        }
        #expect(PortableMath.log(1) == 0)
    }
}
