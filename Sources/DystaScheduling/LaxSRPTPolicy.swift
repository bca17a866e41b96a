import DystaCore

/// `lax-srpt`: Smith's rule on predicted remaining time — the request with the smallest
/// R̂ · Î (remaining times isolated latency, which minimises mean slowdown, i.e. ANTT) runs —
/// with requests that can no longer meet their deadline demoted behind the others, and aging so
/// that none starves.
///
/// At decision time t, for every ready request: R̂ = its predicted remaining latency and Î its
/// predicted isolated latency (the `size-sparsity` model of docs/semantics.md: input size,
/// observed sparsity and the measured time of its executed layers, cross-fitted — never the
/// real remaining latency), laxity = deadline − t − R̂, waited = t − lastRun.
/// 1. A request is *live* when laxity ≥ 0 or it has waited more than `agingFactor` × Î; the
///    others are *hopeless*.
/// 2. The live request with the smallest R̂ · Î runs; with no live request, the smallest R̂ · Î
///    of all. (Option `guard=true` adds: if a live request's laxity is smaller than the chosen
///    request's next layer, the least-laxity live request runs instead; `demote=false` drops
///    rule 1; `smith=false` orders by R̂ alone.)
/// Ties: earlier arrival, then lower id. Defaults (aging 4, guard off, demote on, smith on)
/// were chosen on seeds 101–110 at load 0.9 of both workloads (docs/semantics.md), not on the
/// evaluation seeds 1–5.
public struct LaxSRPTPolicy: SchedulingPolicy {
    public var name: String { "lax-srpt" }
    public var estimateSource: EstimateSource { .patternAware }
    public var usesSparsityMonitor: Bool { false }
    /// Waiting time, in predicted isolated latencies, after which a hopeless request is live again.
    public let agingFactor: Double
    /// Whether a live request about to miss its deadline pre-empts the SRPT choice (rule 2).
    public let guardsDeadlines: Bool
    /// Whether hopeless requests wait behind live ones (rule 1); false: plain SRPT order.
    public let demotesHopeless: Bool
    /// Whether the order is R̂ · (predicted isolated latency) — Smith's rule for mean slowdown,
    /// which ANTT is — instead of R̂ alone.
    public let weighsBySize: Bool
    /// Predicted remaining latency per (variant, sample · (L+1) + executed layers).
    @usableFromInline var predicted: [[Double]] = []

    /// Creates the policy.
    public init(agingFactor: Double = 4, guardsDeadlines: Bool = false, demotesHopeless: Bool = true, weighsBySize: Bool = true) {
        self.agingFactor = agingFactor
        self.guardsDeadlines = guardsDeadlines
        self.demotesHopeless = demotesHopeless
        self.weighsBySize = weighsBySize
    }

    /// Builds the policy from `name=value` options (`aging`, `guard`, `demote`), as in
    /// `lax-srpt[aging=8,guard=false]`.
    public static func make(options: String?) throws -> LaxSRPTPolicy {
        var aging = 4.0, guards = false, demotes = true, weighs = true
        for item in (options ?? "").split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw DystaError("option '\(item)': expected name=value") }
            switch parts[0] {
            case "aging":
                guard let value = Double(parts[1]), value.isFinite, value >= 0 else { throw DystaError("aging=\(parts[1]): expected a number ≥ 0") }
                aging = value
            case "guard", "demote", "smith":
                guard let value = Bool(parts[1]) else { throw DystaError("\(parts[0])=\(parts[1]): expected true or false") }
                switch parts[0] {
                case "guard": guards = value
                case "demote": demotes = value
                default: weighs = value
                }
            default: throw DystaError("unknown option '\(parts[0])' (known: aging, guard, demote, smith)")
            }
        }
        return LaxSRPTPolicy(agingFactor: aging, guardsDeadlines: guards, demotesHopeless: demotes, weighsBySize: weighs)
    }

    public mutating func prepare(for run: RunSetup) throws {
        predicted = run.profile.variants.map { variant in
            let models = SizeSparsityPredictor.crossFitted(variant)
            let layers = variant.layerCount
            var table = [Double](repeating: 0, count: variant.sampleCount * (layers + 1))
            for sample in 0..<variant.sampleCount {
                for executed in 0...layers {
                    table[sample * (layers + 1) + executed] = models[sample % 2].remaining(variant: variant, sample: sample, executed: executed)
                }
            }
            return table
        }
    }

    /// R̂ of a ready request (its own estimate when the policy runs without `prepare`).
    @inlinable func remaining(_ request: ReadyRequest) -> Double {
        guard request.variant < predicted.count else { return request.estimatedRemaining }
        return predicted[request.variant][request.sample * (request.layerCount + 1) + request.nextLayer]
    }

    @inlinable func isolated(_ request: ReadyRequest) -> Double {
        guard request.variant < predicted.count else { return request.estimatedIsolated }
        return predicted[request.variant][request.sample * (request.layerCount + 1)]
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        var shortest = -1, shortestValue = 0.0
        var leastLaxity = -1, leastLaxityValue = 0.0
        var anyShortest = 0, anyShortestValue = Double.infinity
        for index in ready.indices {
            let request = ready[index]
            let estimate = remaining(request)
            let order = weighsBySize ? estimate * isolated(request) : estimate
            if order < anyShortestValue || (order == anyShortestValue && request.winsTie(against: ready[anyShortest])) {
                anyShortest = index
                anyShortestValue = order
            }
            let laxity = request.deadline - time - estimate
            let live = !demotesHopeless || laxity >= 0 || time - request.lastRun > agingFactor * isolated(request)
            guard live else { continue }
            if shortest < 0 || order < shortestValue || (order == shortestValue && request.winsTie(against: ready[shortest])) {
                shortest = index
                shortestValue = order
            }
            if laxity >= 0, leastLaxity < 0 || laxity < leastLaxityValue || (laxity == leastLaxityValue && request.winsTie(against: ready[leastLaxity])) {
                leastLaxity = index
                leastLaxityValue = laxity
            }
        }
        guard shortest >= 0 else { return anyShortest }
        if guardsDeadlines && leastLaxity >= 0 && leastLaxity != shortest {
            let candidate = ready[shortest]
            // The predicted time of c's next layer: R̂ now minus R̂ after it.
            let nextLayer =
                predicted.indices.contains(candidate.variant)
                ? remaining(candidate) - predicted[candidate.variant][candidate.sample * (candidate.layerCount + 1) + candidate.nextLayer + 1]
                : candidate.estimatedNextLayer
            if leastLaxityValue < nextLayer { return leastLaxity }
        }
        return shortest
    }
}
