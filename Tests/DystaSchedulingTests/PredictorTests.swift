import DystaScheduling
import Testing

/// γ of a predictor for measured and average zero fractions of the executed layers.
func gamma(_ predictor: some SparsityPredictor, measured: [Double], average: [Double], executed: Int) -> Double {
    let ratios = zip(measured, average).map { (1 - $0) / (1 - $1) }
    var prefix = [0.0]
    for ratio in ratios { prefix.append(prefix.last! + ratio) }
    return ratios.withUnsafeBufferPointer { r in
        prefix.withUnsafeBufferPointer { p in
            measured.withUnsafeBufferPointer { m in
                average.withUnsafeBufferPointer { a in
                    predictor.gamma(SparsityHistory(executed: executed, ratios: r, prefix: p, measured: m, average: a))
                }
            }
        }
    }
}

@Suite("Sparsity predictors")
struct PredictorTests {
    // ratios: (1-0.6)/(1-0.5) = 0.8, (1-0.2)/(1-0.6) = 2, (1-0.5)/(1-0.75) = 2, (1-0.9)/(1-0.8) = 0.5
    let measured = [0.6, 0.2, 0.5, 0.9]
    let average = [0.5, 0.6, 0.75, 0.8]

    @Test func averageRatio() {
        #expect(abs(gamma(AverageRatioPredictor(), measured: measured, average: average, executed: 1) - 0.8) < 1e-12)
        #expect(abs(gamma(AverageRatioPredictor(), measured: measured, average: average, executed: 3) - 4.8 / 3) < 1e-12)
    }

    @Test func lastOne() {
        #expect(abs(gamma(LastOnePredictor(), measured: measured, average: average, executed: 2) - 2) < 1e-12)
        #expect(abs(gamma(LastOnePredictor(), measured: measured, average: average, executed: 4) - 0.5) < 1e-12)
    }

    @Test func lastNDividesByRatiosPresentByDefault() {
        let corrected = LastNPredictor(window: 3, divideByWindow: false)
        let artifact = LastNPredictor(window: 3, divideByWindow: true)
        #expect(abs(gamma(corrected, measured: measured, average: average, executed: 2) - 1.4) < 1e-12)
        #expect(abs(gamma(artifact, measured: measured, average: average, executed: 2) - 2.8 / 3) < 1e-12)
        #expect(abs(gamma(corrected, measured: measured, average: average, executed: 4) - 4.5 / 3) < 1e-12)
        #expect(abs(gamma(artifact, measured: measured, average: average, executed: 4) - 4.5 / 3) < 1e-12)
    }

    @Test func registryBuildsArtifactLastNUnderArtifactSemantics() throws {
        let predictor = try PredictorRegistry.standard.make("last-n", semantics: .artifact)
        #expect(abs(gamma(predictor, measured: measured, average: average, executed: 1) - 0.8 / 3) < 1e-12)
        #expect(throws: (any Error).self) { try PredictorRegistry.standard.make("psychic", semantics: .default) }
    }

    @Test func registryKnowsThePapersPolicies() throws {
        let paper = [
            "fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3", "sdrm3-sparse", "dysta",
            "dysta-naive", "dysta-oracle",
        ]
        // By name: a registry may hold more policies than the paper's.
        #expect(paper.allSatisfy(PolicyRegistry.standard.names.contains))
        for name in paper {
            #expect(try PolicyRegistry.standard.make(name).name == name)
        }
        let error = #expect(throws: (any Error).self) { try PolicyRegistry.standard.make("lottery") }
        #expect("\(error!)".contains("unknown scheduler 'lottery'"))
    }
}
