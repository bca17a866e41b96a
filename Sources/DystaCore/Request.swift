/// One inference request: one model variant on one input sample, with a priority and a target.
public struct Request: Hashable, Sendable {
    /// Identifier, unique in a request table.
    public var id: Int
    /// Arrival time (s).
    public var arrival: Double
    /// Index of the variant in the workload (sorted by name).
    public var variant: Int
    /// Index of the input sample in the variant's trace.
    public var sample: Int
    /// Priority (1, 3 or 9 by default; larger is more important).
    public var priority: Int
    /// Target latency (s): the deadline is `arrival + target`.
    public var target: Double

    /// Creates a request.
    public init(id: Int, arrival: Double, variant: Int, sample: Int, priority: Int, target: Double) {
        self.id = id
        self.arrival = arrival
        self.variant = variant
        self.sample = sample
        self.priority = priority
        self.target = target
    }

    /// Absolute deadline (s).
    public var deadline: Double { arrival + target }
}

extension Array where Element == Request {
    /// The requests in the engine's order: by arrival, then by id.
    public func sortedForSimulation() -> [Request] {
        sorted { ($0.arrival, $0.id) < ($1.arrival, $1.id) }
    }

    /// Whether the requests are already in simulation order (arrival, then id).
    public var isSortedForSimulation: Bool {
        var index = 1
        while index < count {
            let previous = self[index - 1], next = self[index]
            if previous.arrival > next.arrival || (previous.arrival == next.arrival && previous.id >= next.id) {
                return false
            }
            index += 1
        }
        return true
    }
}

/// Which rules the engine and the policies follow.
public enum Semantics: String, Sendable, CaseIterable {
    /// The corrected rules of the specification (docs/semantics.md).
    case `default`
    /// The paper artifact's exact rules, bugs included (docs/semantics.md).
    case artifact
}
