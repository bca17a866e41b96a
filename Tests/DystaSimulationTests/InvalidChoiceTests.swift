import DystaCore
import DystaScheduling
import DystaSimulation
import Testing

/// A user's policy that returns a fixed index once the clock passes `after` (s).
private struct FixedAnswer: SchedulingPolicy {
    var name: String { "fixed-answer" }
    var estimateSource: EstimateSource { .patternAware }
    var usesSparsityMonitor: Bool { false }
    let answer: Int
    let after: Double
    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        context.time > after ? answer : 0
    }
}

@Suite("A policy's invalid choice")
struct InvalidChoiceTests {
    @Test(arguments: [(Semantics.default, -1), (.default, 1_000), (.artifact, -7), (.artifact, 99)])
    func isANamedErrorNotATrap(semantics: Semantics, answer: Int) throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile, semantics: semantics).poisson(rate: 30, count: 200, sloMultiplier: 5, seed: 2)
        let simulator = try Simulator(profile: profile, configuration: EngineConfiguration(semantics: semantics))
        var policy = FixedAnswer(answer: answer, after: 0.5)
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: semantics)
        do {
            _ = try simulator.run(requests, policy: &policy, predictor: predictor)
            Issue.record("an out-of-range index was accepted")
        } catch let error as DystaError {
            #expect(error.message.hasPrefix("scheduler 'fixed-answer' chose index \(answer) at simulated time "))
            #expect(error.message.contains("but the ready queue holds"))
            let time = Double(error.message.split(separator: " ")[8]) ?? -1
            #expect(time > 0.5, "the decision's simulated time is named: \(error.message)")
        }
    }
}
