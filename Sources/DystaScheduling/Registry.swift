import DystaCore

/// The policies selectable by name, each built from ``PolicyParameters``.
///
/// A value type; ``adding(_:summary:factory:)`` returns a registry with one more policy.
public struct PolicyRegistry: Sendable {
    /// One registered policy.
    public struct Entry: Sendable {
        /// The name users select it by.
        public let name: String
        /// One line saying what it does.
        public let summary: String
        /// Builds the policy.
        public let make: @Sendable (PolicyParameters) -> any SchedulingPolicy
    }

    /// Registered policies in registration order.
    public private(set) var entries: [Entry]

    /// The paper's policies: the 11 names of SPEC §5.
    public static let standard = PolicyRegistry(entries: [
        Entry(name: "fcfs", summary: "first come, first served") { _ in FCFSPolicy() },
        Entry(name: "sjf", summary: "shortest estimated job first (pattern-unaware, γ ≡ 1)") { _ in SJFPolicy(sparse: false) },
        Entry(name: "sjf-sparse", summary: "SJF with pattern-aware estimates and γ") { _ in SJFPolicy(sparse: true) },
        Entry(name: "prema", summary: "PREMA tokens + SJF among candidates (HPCA'20)") { _ in PREMAPolicy(sparse: false) },
        Entry(name: "prema-sparse", summary: "PREMA with pattern-aware estimates and γ") { _ in PREMAPolicy(sparse: true) },
        Entry(name: "planaria", summary: "Planaria temporal scheduling: max priority / slack (MICRO'20)") { _ in PlanariaPolicy() },
        Entry(name: "sdrm3", summary: "SDRM3 MapScore = urgency + α·fairness") { SDRM3Policy(sparse: false, alpha: $0.alpha) },
        Entry(name: "sdrm3-sparse", summary: "SDRM3 with pattern-aware estimates and γ") { SDRM3Policy(sparse: true, alpha: $0.alpha) },
        Entry(name: "dysta", summary: "Dysta: min R + β(urgency + penalty), pattern-aware, γ") { DystaPolicy(form: .full, beta: $0.beta) },
        Entry(name: "dysta-naive", summary: "Dysta without sparsity: pattern-unaware, γ ≡ 1") { DystaPolicy(form: .naive, beta: $0.beta) },
        Entry(name: "dysta-oracle", summary: "Dysta with the real remaining latency (upper bound)") { DystaPolicy(form: .oracle, beta: $0.beta) },
    ])

    /// Returns a registry with one more policy (replacing one of the same name).
    public func adding(
        _ name: String, summary: String, factory: @escaping @Sendable (PolicyParameters) -> any SchedulingPolicy
    ) -> PolicyRegistry {
        var copy = self
        copy.entries.removeAll { $0.name == name }
        copy.entries.append(Entry(name: name, summary: summary, make: factory))
        return copy
    }

    /// Registered names in order.
    public var names: [String] { entries.map(\.name) }

    /// Builds the named policy; throws naming the known policies if unknown.
    public func make(_ name: String, parameters: PolicyParameters = PolicyParameters()) throws -> any SchedulingPolicy {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw DystaError("unknown scheduler '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return entry.make(parameters)
    }
}

/// The sparsity predictors selectable by name.
public struct PredictorRegistry: Sendable {
    /// One registered predictor.
    public struct Entry: Sendable {
        /// The name users select it by.
        public let name: String
        /// One line saying what it does.
        public let summary: String
        /// Builds the predictor for the given semantics.
        public let make: @Sendable (Semantics) -> any SparsityPredictor
    }

    /// Registered predictors in registration order.
    public private(set) var entries: [Entry]

    /// The built-in predictors.
    public static let standard = PredictorRegistry(entries: [
        Entry(name: "avg-ratio", summary: "mean of (1−s)/(1−avgS) over executed layers (artifact default)") { _ in AverageRatioPredictor() },
        Entry(name: "last-one", summary: "ratio of the last executed layer (the paper's RTL)") { _ in LastOnePredictor() },
        Entry(name: "last-n", summary: "mean of the last 3 ratios (artifact: always divided by 3)") {
            LastNPredictor(window: 3, divideByWindow: $0 == .artifact)
        },
    ])

    /// Returns a registry with one more predictor.
    public func adding(
        _ name: String, summary: String, factory: @escaping @Sendable (Semantics) -> any SparsityPredictor
    ) -> PredictorRegistry {
        var copy = self
        copy.entries.removeAll { $0.name == name }
        copy.entries.append(Entry(name: name, summary: summary, make: factory))
        return copy
    }

    /// Registered names in order.
    public var names: [String] { entries.map(\.name) }

    /// Builds the named predictor; throws naming the known predictors if unknown.
    public func make(_ name: String, semantics: Semantics) throws -> any SparsityPredictor {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw DystaError("unknown predictor '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        return entry.make(semantics)
    }
}
