import DystaCore
import DystaScheduling
import Foundation

/// The C callbacks through which a host language (the Python package) implements policies.
///
/// `create(policy, options)` makes a new policy instance for one run and returns its handle
/// (negative: the host raised; the run fails); `select(handle, count, time, doubles, integers,
/// capacity)` returns the index of the chosen request (anything outside `0..<count` fails the
/// run, naming the policy and the time); `release(handle)` drops an instance.
public struct ForeignHost: @unchecked Sendable {
    public typealias Create = @convention(c) (Int64, UnsafePointer<CChar>?) -> Int64
    public typealias Select = @convention(c) (Int64, Int64, Double, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Int64>?, Int64) -> Int64
    public typealias Release = @convention(c) (Int64) -> Void
    let create: Create
    let select: Select
    let release: Release
}

/// How a host policy declares itself (JSON from the host: docs/python.md).
struct ForeignPolicySpec: Decodable, Sendable {
    var name: String
    var summary: String
    var estimates: String
    var usesSparsityMonitor: Bool
    var skipsForcedDecisions: Bool
    var keepsChoiceUntilArrival: Bool

    enum CodingKeys: String, CodingKey {
        case name, summary, estimates, usesSparsityMonitor = "uses_sparsity_monitor"
        case skipsForcedDecisions = "skips_forced_decisions", keepsChoiceUntilArrival = "keeps_choice_until_arrival"
    }
}

/// The queue's columns as the host sees them: `doubles[field * capacity + i]`,
/// `integers[field * capacity + i]` for request `i` of the queue.
enum QueueColumns {
    /// Fields of the floating-point block, in order (seconds unless said).
    static let doubles = [
        "arrival", "deadline", "priority", "estimated_isolated", "estimated_remaining", "estimated_next_layer",
        "real_isolated", "real_remaining", "last_run", "gamma", "admitted_at", "predicted_remaining",
    ]
    /// Fields of the integer block, in order.
    static let integers = ["id", "position", "variant", "sample", "layer_count", "next_layer"]
}

/// One host instance's buffers; released with the instance.
final class ForeignInstance: @unchecked Sendable {
    let host: ForeignHost
    let handle: Int64
    var capacity = 0
    var doubles = UnsafeMutablePointer<Double>.allocate(capacity: 0)
    var integers = UnsafeMutablePointer<Int64>.allocate(capacity: 0)

    init(host: ForeignHost, handle: Int64) {
        self.host = host
        self.handle = handle
    }

    /// Makes room for `count` requests (doubling).
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        let newCapacity = max(64, capacity * 2, count)
        doubles.deallocate()
        integers.deallocate()
        doubles = .allocate(capacity: newCapacity * QueueColumns.doubles.count)
        integers = .allocate(capacity: newCapacity * QueueColumns.integers.count)
        capacity = newCapacity
    }

    deinit {
        doubles.deallocate()
        integers.deallocate()
        host.release(handle)
    }
}

/// A policy implemented by the host: every decision hands it the whole ready queue.
struct ForeignPolicy: SchedulingPolicy {
    let spec: ForeignPolicySpec
    let label: String
    let instance: ForeignInstance

    var name: String { label }
    var estimateSource: EstimateSource { spec.estimates == "pattern-unaware" ? .patternUnaware : .patternAware }
    var usesSparsityMonitor: Bool { spec.usesSparsityMonitor }
    var skipsForcedDecisions: Bool { spec.skipsForcedDecisions || spec.keepsChoiceUntilArrival }
    var keepsChoiceUntilArrival: Bool { spec.keepsChoiceUntilArrival }

    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let count = ready.count
        instance.reserve(count)
        let capacity = instance.capacity
        let d = instance.doubles
        let n = instance.integers
        for index in 0..<count {
            let request = ready[index]
            d[index] = request.arrival
            d[capacity + index] = request.deadline
            d[2 * capacity + index] = request.priority
            d[3 * capacity + index] = request.estimatedIsolated
            d[4 * capacity + index] = request.estimatedRemaining
            d[5 * capacity + index] = request.estimatedNextLayer
            d[6 * capacity + index] = request.realIsolated
            d[7 * capacity + index] = request.realRemaining
            d[8 * capacity + index] = request.lastRun
            d[9 * capacity + index] = request.gamma
            d[10 * capacity + index] = request.admittedAt
            d[11 * capacity + index] = request.predictedRemaining
            n[index] = Int64(request.id)
            n[capacity + index] = Int64(request.position)
            n[2 * capacity + index] = Int64(request.variant)
            n[3 * capacity + index] = Int64(request.sample)
            n[4 * capacity + index] = Int64(request.layerCount)
            n[5 * capacity + index] = Int64(request.nextLayer)
        }
        // The engine refuses an index outside the queue, naming the policy and the time.
        return Int(truncatingIfNeeded: instance.host.select(instance.handle, Int64(count), context.time, d, n, Int64(capacity)))
    }
}

extension PolicyRegistry {
    /// This registry plus the host's policies (each takes options in brackets, passed to `create`).
    func adding(foreign specs: [ForeignPolicySpec], host: ForeignHost) -> PolicyRegistry {
        var registry = self
        for (index, spec) in specs.enumerated() {
            registry = registry.addingParametric(spec.name, summary: spec.summary) { _, options in
                let handle = (options ?? "").withCString { host.create(Int64(index), options == nil ? nil : $0) }
                guard handle >= 0 else { throw DystaError("cannot create policy '\(spec.name)\(options.map { "[\($0)]" } ?? "")'") }
                let label = options.map { "\(spec.name)[\($0)]" } ?? spec.name
                return ForeignPolicy(spec: spec, label: label, instance: ForeignInstance(host: host, handle: handle))
            }
        }
        return registry
    }
}
