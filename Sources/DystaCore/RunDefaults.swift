/// The defaults of a run, declared once: every front end (the `dysta` commands, experiment
/// files, ``RunDescription`` in DystaExperiments, the Python package) reads them from here.
///
/// They are the paper's settings (docs/semantics.md, docs/experiments.md).
public enum RunDefaults {
    /// SLO multiplier: target latency = multiplier × mean isolated latency of the architecture.
    public static let sloMultiplier = 10.0
    /// SDRM3's fairness weight α.
    public static let alpha = 1.0
    /// Dysta's weight β of urgency and preemption penalty.
    public static let beta = 0.01
    /// The sparsity predictor turning measured sparsity into γ.
    public static let predictor = "avg-ratio"
    /// Requests per seed.
    public static let requests = 1000
    /// Seeds of generated streams (one stream per seed).
    public static let seeds: [UInt64] = [1, 2, 3, 4, 5]
    /// ``seeds`` as the `--seeds` flag writes them (`1-5`).
    public static var seedsText: String { "\(seeds.first ?? 1)-\(seeds.last ?? 1)" }
    /// The seed that labels a replayed table (a replay is one stream).
    public static let replaySeed: UInt64 = 1
    /// Identical accelerators sharing the ready queue.
    public static let accelerators = 1
    /// Context-switch cost (s).
    public static let switchCost = 0.0
    /// Engine rules.
    public static let semantics = Semantics.default

    /// The Poisson arrival rate in requests/s when neither a rate nor a load is given: the
    /// paper's Fig. 13 rates, 30 req/s for attention workloads and 3 req/s for CNNs.
    public static func rate(for kind: WorkloadKind) -> Double { kind == .attention ? 30 : 3 }
}
