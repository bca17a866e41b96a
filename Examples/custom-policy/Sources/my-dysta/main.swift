// A user's own `dysta`: every subcommand of Dysta (simulate, sweep, bench, list, …) with one
// more policy and one more predictor. Nothing in Dysta's sources changes.
import DystaCLI
import DystaRegistries
import DystaScheduling

/// Least laxity first: the ready request with the smallest slack − R runs (R = γ · remaining
/// estimate), so a request that can still make its deadline only if it runs now goes first.
struct LeastLaxityFirst: SchedulingPolicy {
    var name: String { "llf" }
    var estimateSource: EstimateSource { .patternAware }
    var usesSparsityMonitor: Bool { true }

    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        argmin(ready) { ($0.deadline - context.time) - $0.predictedRemaining }
    }
}

/// γ from the two most recent layers only (the mean of their ratios).
struct LastTwoPredictor: SparsityPredictor {
    var name: String { "last-two" }
    func gamma(_ history: SparsityHistory) -> Double {
        let k = history.executed
        return k == 1 ? history.ratio(0) : (history.ratio(k - 1) + history.ratio(k - 2)) / 2
    }
}

var registries = Registries.standard
registries.policies = registries.policies.adding(summary: "least laxity first: min slack − R (example package)") { _ in
    LeastLaxityFirst()
}
registries.predictors = registries.predictors.adding(summary: "mean ratio of the last two layers (example package)") { _ in
    LastTwoPredictor()
}
DystaCommandLine.main(registries: registries)
