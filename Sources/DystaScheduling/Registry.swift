import DystaParsing
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
        /// Whether the name takes options in brackets, `name[…]`.
        public let takesOptions: Bool
        /// Builds the policy from the parameters and the text inside the brackets (nil without).
        public let build: @Sendable (PolicyParameters, String?) throws -> any SchedulingPolicy
        /// Whether the policy runs when a command names no schedulers (``PolicyRegistry/defaultNames``).
        public var listedByDefault = true
        /// One line per option of `name[…]`, `key=DEFAULT  what (values)` (from the policy's
        /// ``TypedOptions``), for `dysta list`.
        public var optionHelp: [String] = []

        /// Creates an entry without options.
        public init(name: String, summary: String, make: @escaping @Sendable (PolicyParameters) -> any SchedulingPolicy) {
            self.name = name
            self.summary = summary
            self.takesOptions = false
            self.build = { parameters, _ in make(parameters) }
        }

        /// Creates an entry without options, named by the policy itself (its ``SchedulingPolicy/name``
        /// with the default parameters): the name is written once, in the policy.
        public init(summary: String, make: @escaping @Sendable (PolicyParameters) -> any SchedulingPolicy) {
            self.init(name: make(PolicyParameters()).name, summary: summary, make: make)
        }

        /// Creates an entry whose name may carry options in brackets.
        public init(
            name: String, summary: String,
            makeWithOptions: @escaping @Sendable (PolicyParameters, String?) throws -> any SchedulingPolicy
        ) {
            self.name = name
            self.summary = summary
            self.takesOptions = true
            self.build = makeWithOptions
        }
    }

    /// Registered policies in registration order.
    public private(set) var entries: [Entry]

    /// The paper's policies (docs/semantics.md).
    public static let standard = PolicyRegistry(entries: [
        Entry(summary: "first come, first served") { _ in FCFSPolicy() },
        Entry(summary: "shortest estimated job first (pattern-unaware, γ ≡ 1)") { _ in SJFPolicy(sparse: false) },
        Entry(summary: "SJF with pattern-aware estimates and γ") { _ in SJFPolicy(sparse: true) },
        Entry(summary: "PREMA tokens + SJF among candidates (HPCA'20)") { _ in PREMAPolicy(sparse: false) },
        Entry(summary: "PREMA with pattern-aware estimates and γ") { _ in PREMAPolicy(sparse: true) },
        Entry(summary: "Planaria temporal scheduling: max priority / slack (MICRO'20)") { _ in PlanariaPolicy() },
        Entry(summary: "SDRM3 MapScore = urgency + α·fairness") { SDRM3Policy(sparse: false, alpha: $0.alpha) },
        Entry(summary: "SDRM3 with pattern-aware estimates and γ") { SDRM3Policy(sparse: true, alpha: $0.alpha) },
        Entry(summary: "Dysta: min R + β(urgency + penalty), pattern-aware, γ") { DystaPolicy(form: .full, beta: $0.beta) },
        Entry(summary: "Dysta without sparsity: pattern-unaware, γ ≡ 1") { DystaPolicy(form: .naive, beta: $0.beta) },
        Entry(summary: "Dysta with the real remaining latency (upper bound)") { DystaPolicy(form: .oracle, beta: $0.beta) },
    ])

    /// The paper's policies plus this project's own (`lax-srpt`, docs/semantics.md).
    public static let withProjectPolicies = standard.addingParametric(
        LaxSRPTPolicy.policyName, summary: "Smith's rule (R̂·Î) on the size-sparsity prediction while every request that can meet its deadline still does; the rest set aside by Moore–Hodgson (options: \(LaxSRPTPolicy.options.names))",
        optionHelp: LaxSRPTPolicy.options.helpLines(defaults: LaxSRPTPolicy())
    ) { _, options in try LaxSRPTPolicy.make(options: options) }

    /// Returns a registry with one more policy, named by the policy itself (replacing one of
    /// the same name).
    public func adding(summary: String, factory: @escaping @Sendable (PolicyParameters) -> any SchedulingPolicy) -> PolicyRegistry {
        adding(factory(PolicyParameters()).name, summary: summary, factory: factory)
    }

    /// Returns a registry with one more policy (replacing one of the same name).
    public func adding(
        _ name: String, summary: String, factory: @escaping @Sendable (PolicyParameters) -> any SchedulingPolicy
    ) -> PolicyRegistry {
        var copy = self
        copy.entries.removeAll { $0.name == name }
        copy.entries.append(Entry(name: name, summary: summary, make: factory))
        return copy
    }

    /// Returns a registry with one more policy whose name takes options, `name[option,…]`
    /// (replacing one of the same name); the factory gets the text inside the brackets.
    /// `optionHelp` lists the options for `dysta list` (e.g. ``TypedOptions/helpLines(defaults:)``).
    public func addingParametric(
        _ name: String, summary: String, optionHelp: [String] = [],
        factory: @escaping @Sendable (PolicyParameters, String?) throws -> any SchedulingPolicy
    ) -> PolicyRegistry {
        var copy = self
        copy.entries.removeAll { $0.name == name }
        var entry = Entry(name: name, summary: summary, makeWithOptions: factory)
        entry.optionHelp = optionHelp
        copy.entries.append(entry)
        return copy
    }

    /// Registered names in order.
    public var names: [String] { entries.map(\.name) }

    /// The policies a command runs when it names none: every registered one listed by default
    /// (all but `dysta-hw`, whose hardware options are a study of their own).
    public var defaultNames: [String] { entries.filter(\.listedByDefault).map(\.name) }

    /// Returns this registry with the named policy left out of ``defaultNames``.
    public func notListedByDefault(_ name: String) -> PolicyRegistry {
        var copy = self
        for index in copy.entries.indices where copy.entries[index].name == name { copy.entries[index].listedByDefault = false }
        return copy
    }

    /// Builds the named policy (`name` or `name[options]`); throws naming the known policies if
    /// unknown, or the problem with the options.
    public func make(_ name: String, parameters: PolicyParameters = PolicyParameters()) throws -> any SchedulingPolicy {
        var base = Substring(name)
        var options: String? = nil
        if let open = name.firstIndex(of: "["), name.hasSuffix("]") {
            base = name[..<open]
            options = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
        }
        guard let entry = entries.first(where: { $0.name == base }) else {
            throw DystaError("unknown scheduler '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        guard entry.takesOptions || options == nil else {
            throw DystaError("scheduler '\(base)' takes no options (got '\(name)')")
        }
        do { return try entry.build(parameters, options) } catch let error as DystaError {
            throw DystaError("scheduler '\(name)': \(error.message)")
        }
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
        Entry(name: "size-sparsity", summary: "remaining latency from the input size and the observed sparsity, fitted (cross-fitted halves)") { _ in
            SizeSparsityPredictor()
        },
    ])

    /// Returns a registry with one more predictor, named by the predictor itself.
    public func adding(summary: String, factory: @escaping @Sendable (Semantics) -> any SparsityPredictor) -> PredictorRegistry {
        adding(factory(.default).name, summary: summary, factory: factory)
    }

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
