import DystaParsing
import DystaCore

/// `lax-srpt`: Smith's rule on predicted remaining time — the request with the smallest
/// R̂ · Î (remaining times isolated latency, which minimises mean slowdown, i.e. ANTT) runs —
/// as long as every request that can still meet its deadline keeps meeting it; when not all
/// can, Moore–Hodgson's rule sets aside the fewest, longest ones.
///
/// At decision time t, for every ready request: R̂ = its predicted remaining latency and Î its
/// predicted isolated latency (the `size-sparsity` model of docs/semantics.md: input size,
/// observed sparsity and the measured time of its executed layers, cross-fitted — never the
/// real remaining latency); δ = the predicted time of its next layer (R̂ now minus R̂ after it,
/// at least the static table's time of that layer); m = `margin`.
/// 1. *Accepted set* — Moore–Hodgson on the ready requests in deadline order with times R̂:
///    when a request's completion in that order would pass its deadline, the longest accepted
///    request so far is set aside. The rest meets every deadline in deadline order (predicted).
/// 2. *Candidates* — the accepted requests, and set-aside requests that have waited (t −
///    lastRun) more than `aging` × Î. A candidate may run its next layer only if (1 + m) · δ
///    fits in the slack of every accepted request before it in deadline order (of all accepted
///    requests, for a set-aside candidate), slack = deadline − t − (1 + m) · (R̂ of it and of
///    the accepted requests before it). The earliest-deadline accepted request always may.
///    With k accelerators the checks assume one (conservative); with `pool=true` they treat
///    them as one k-times-faster machine — completion = max(cumulative R̂ / k, own R̂), a layer
///    costs δ / k.
/// 3. The allowed candidate with the smallest R̂ · Î runs; with no candidate, the smallest
///    R̂ · Î of all (nothing can be saved; keep the slowdowns low). With a finite `cap`, a
///    request whose (t − arrival) / Î exceeds it runs before all of this (the longest-waiting
///    first). The unchecked Smith choice s runs instead of the allowed one g when swapping the
///    two costs more normalised turnaround, R̂(g)/Î(s) − R̂(s)/Î(g), than p × g's deadline
///    window / Î(g), p = `price` (∞: never), or min(`price`, `overloadprice`) (0.05) at a
///    decision where rule 1 set a request aside — when not every deadline can be met,
///    protecting one is worth only a bounded ANTT cost.
/// Ties: earlier arrival, then lower id. Options: `aging`, `margin`, `price`, `overloadprice`, `cap`, `pool=true` (see
/// rule 2), `guard=false` (no check in rule 2), `demote=false` (no request set aside), `smith=false` (order by R̂ alone).
/// Defaults (aging 0, margin 0.4, price ∞, overloadprice 0.05, cap ∞, no pool) were chosen on seeds 101–120, never on the
/// evaluation seeds 1–5 (docs/semantics.md).
public struct LaxSRPTPolicy: SchedulingPolicy {
    /// The name users select it by (the registry reads it from here).
    public static let policyName = "lax-srpt"
    public var name: String { Self.policyName }
    public var estimateSource: EstimateSource { .patternAware }
    public var usesSparsityMonitor: Bool { false }
    /// `select` has no side effect when one request is ready (it returns at once).
    public var skipsForcedDecisions: Bool { true }
    /// Every request stays scanned; the queue tracks positions and changes for the deadline
    /// split (``LaxSRPTSplit``).
    public var freshRanking: FreshRanking { .scannedWithKeys }
    /// Waiting time, in predicted isolated latencies, after which a set-aside request is a
    /// candidate again (0: at once, whenever it fits in the accepted requests' slack).
    public var agingFactor: Double
    /// Relative safety margin on the predicted times in the deadline check of rule 2 (0.4 = 40%).
    public var margin: Double
    /// How much normalised turnaround, in units of the protected request's deadline window over
    /// its Î, the check of rule 2 may cost before the unchecked Smith choice runs instead
    /// (infinity: always protect).
    public var price: Double
    /// ``price`` at decisions where Moore–Hodgson sets a request aside (not every deadline can
    /// be met: protecting one is then worth only a bounded ANTT cost); the smaller of the two
    /// applies there.
    public var overloadPrice: Double
    /// Normalised waiting time (t − arrival) / Î above which a request runs before everything
    /// else, the longest-waiting first (infinity: never).
    public var starvationCap: Double
    /// Whether the checks treat k accelerators as one k-times-faster machine (else as one
    /// accelerator: conservative).
    public var poolsAccelerators: Bool
    /// Whether a candidate's next layer must keep the accepted requests on time (rule 2).
    public var guardsDeadlines: Bool
    /// Whether requests that cannot all be served in time are set aside (rule 1).
    public var demotesHopeless: Bool
    /// Whether the order is R̂ · (predicted isolated latency) — Smith's rule for mean slowdown,
    /// which ANTT is — instead of R̂ alone.
    public var weighsBySize: Bool
    /// Predicted remaining latency R̂ per (variant, sample, executed layers), row after row.
    @usableFromInline var predicted: [Double] = []
    /// Per request position (``RunSetup/requests``): where its sample's row begins in `predicted`.
    @usableFromInline var requestRow: [Int] = []
    /// Accelerators sharing the queue (k): the checks treat them as one k-times-faster machine,
    /// except that no request finishes sooner than its own remaining time.
    @usableFromInline var accelerators = 1
    /// Per-decision working storage, one entry per queue index (kept between decisions so a
    /// decision allocates nothing).
    @usableFromInline var work: [Entry] = []
    /// The structures of the deadline split (`LaxSRPTPolicy+DeadlineSplit.swift`).
    var split = LaxSRPTSplit()
    /// Decisions of the last run answered through the deadline split instead of a full pass
    /// (for tests and benchmarks).
    public internal(set) var splitDecisions = 0

    /// What rule 1–3 read about one ready request, plus two per-rank slots.
    @usableFromInline struct Entry: Sendable {
        /// R̂.
        @usableFromInline var time = 0.0
        @usableFromInline var deadline = 0.0
        /// Rule 3's order key.
        @usableFromInline var key = 0.0
        /// The least slack of the accepted requests before it in deadline order.
        @usableFromInline var bound = Double.infinity
        @usableFromInline var accepted = true
        /// The queue index at this deadline rank.
        @usableFromInline var order = 0
        /// Moore–Hodgson's heap slot.
        @usableFromInline var heap = 0
        @usableFromInline init() {}

        /// A request's entry before rules 1–2: accepted, no bound yet.
        @usableFromInline init(time: Double, deadline: Double, key: Double, order: Int) {
            self.time = time
            self.deadline = deadline
            self.key = key
            self.order = order
        }
    }

    /// Creates the policy.
    public init(agingFactor: Double = 0, margin: Double = 0.4, price: Double = .infinity, overloadPrice: Double = 0.05, starvationCap: Double = .infinity, poolsAccelerators: Bool = false, guardsDeadlines: Bool = true, demotesHopeless: Bool = true, weighsBySize: Bool = true) {
        self.agingFactor = agingFactor
        self.margin = margin
        self.price = price
        self.overloadPrice = overloadPrice
        self.starvationCap = starvationCap
        self.poolsAccelerators = poolsAccelerators
        self.guardsDeadlines = guardsDeadlines
        self.demotesHopeless = demotesHopeless
        self.weighsBySize = weighsBySize
    }

    /// The options of `lax-srpt[name=value,…]`, declared once: parsing, errors and the help of
    /// `dysta list` come from here (docs/semantics.md explains each).
    public static let options = TypedOptions<LaxSRPTPolicy>(owner: "lax-srpt", [
        .number("aging", \.agingFactor, help: "waiting, in predicted isolated latencies, after which a set-aside request is a candidate again"),
        .number("margin", \.margin, help: "relative safety margin on predicted times in the deadline check"),
        .number("price", \.price, allowsInfinity: true, help: "normalised-turnaround cost the deadline check may add (units of window / Î)"),
        .number("overloadprice", \.overloadPrice, allowsInfinity: true, help: "the price at decisions where a request is set aside"),
        .number("cap", \.starvationCap, allowsInfinity: true, help: "normalised waiting above which a request runs first"),
        .flag("pool", \.poolsAccelerators, help: "treat k accelerators as one k-times-faster machine in the checks"),
        .flag("guard", \.guardsDeadlines, help: "a candidate's next layer must keep the accepted requests on time"),
        .flag("demote", \.demotesHopeless, help: "set aside, by Moore–Hodgson, the requests that cannot all be on time"),
        .flag("smith", \.weighsBySize, help: "order by R̂·Î (Smith's rule for ANTT) instead of R̂"),
    ])

    /// Builds the policy from `name=value` options (``options``), as in
    /// `lax-srpt[aging=8,guard=false]`.
    public static func make(options text: String?) throws -> LaxSRPTPolicy {
        try options.parsing(text ?? "", into: LaxSRPTPolicy())
    }

    public mutating func prepare(for run: RunSetup) throws {
        var rowStart: [Int] = []  // per (variant, sample): where its row of R̂ begins in `predicted`
        var variantStart: [Int] = []
        predicted = []
        for variant in run.profile.variants {
            let models = SizeSparsityPredictor.crossFitted(variant)
            variantStart.append(rowStart.count)
            for sample in 0..<variant.sampleCount {
                rowStart.append(predicted.count)
                predicted += models[sample % 2].remainingRow(variant: variant, sample: sample)
            }
        }
        requestRow = run.requests.map { rowStart[variantStart[$0.variant] + $0.sample] }
        accelerators = poolsAccelerators ? max(run.accelerators, 1) : 1
        prepareSplit(for: run, rowStart: rowStart, variantStart: variantStart)
        splitDecisions = 0
    }

    /// Whether `prepare` filled the tables for this request.
    @inlinable func prepared(_ request: ReadyRequest) -> Bool { request.position < requestRow.count }

    /// R̂ of a ready request (its own estimate when the policy runs without `prepare`).
    @inlinable func remaining(_ request: ReadyRequest) -> Double {
        guard prepared(request) else { return request.estimatedRemaining }
        return predicted[requestRow[request.position] + request.nextLayer]
    }

    /// Î of a ready request: R̂ before its first layer.
    @inlinable func isolated(_ request: ReadyRequest) -> Double {
        guard prepared(request) else { return request.estimatedIsolated }
        return predicted[requestRow[request.position]]
    }

    /// The predicted time of a request's next layer: R̂ now minus R̂ after it, but at least the
    /// static table's time of that layer (the fitted R̂ need not fall layer by layer).
    @inlinable func nextLayer(_ request: ReadyRequest) -> Double {
        guard prepared(request) else { return request.estimatedNextLayer }
        let base = requestRow[request.position] + request.nextLayer
        return max(predicted[base] - predicted[base + 1], request.estimatedNextLayer)
    }

    /// The order key of rule 3 (smaller runs first).
    @inlinable func order(_ request: ReadyRequest) -> Double {
        weighsBySize ? remaining(request) * isolated(request) : remaining(request)
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let count = ready.count
        if count == 1 { return 0 }
        // Borrow the storage out of `self` so `choose` may read the policy meanwhile.
        var storage: [Entry] = []
        swap(&storage, &work)
        if storage.count < count { storage.append(contentsOf: repeatElement(Entry(), count: count - storage.count)) }
        let choice = storage.withUnsafeMutableBufferPointer { entries in
            if let split = chooseSplit(&ready, count: count, now: context.time, entries) {
                splitDecisions += 1
                return split
            }
            return choose(ready, count: count, now: context.time, entries)
        }
        swap(&storage, &work)
        let effectivePrice = choice.overloaded ? min(price, overloadPrice) : price
        if choice.guarded >= 0 && choice.free != choice.guarded && effectivePrice.isFinite {
            // Swapping the two whole requests: the free choice finishes R̂(guarded) later, the
            // guarded one R̂(free) earlier, in units of their isolated latencies.
            let guarded = ready[choice.guarded], unguarded = ready[choice.free]
            let cost = remaining(guarded) / isolated(unguarded) - remaining(unguarded) / isolated(guarded)
            if cost > effectivePrice * (guarded.deadline - guarded.arrival) / isolated(guarded) { return choice.free }
        }
        return choice.guarded >= 0 ? choice.guarded : choice.any
    }

    /// Rules 1–3 over `entries` (at least `count` long): the allowed choice (or −1), the
    /// unchecked Smith choice among the candidates (or −1) and the Smith choice of all.
    @inlinable func choose(_ ready: ReadyQueue, count: Int, now: Double, _ entries: UnsafeMutableBufferPointer<Entry>) -> (guarded: Int, free: Int, any: Int, overloaded: Bool) {
        let stretch = 1 + margin
        // One pass over the queue: everything the rules read, cached by queue index.
        let share = 1 / Double(accelerators)
        var anyBest = 0, totalTime = 0.0, longest = 0.0, earliestDeadline = Double.infinity
        var starving = -1, starvingWait = starvationCap
        let capsStarvation = starvationCap.isFinite
        for index in 0..<count {
            let request = ready[index]
            let remaining = remaining(request)
            let isolated = isolated(request)
            let key = weighsBySize ? remaining * isolated : remaining
            if capsStarvation {
                let wait = (now - request.arrival) / isolated
                if wait > starvingWait || (starving >= 0 && wait == starvingWait && request.winsTie(against: ready[starving])) {
                    starving = index
                    starvingWait = wait
                }
            }
            entries[index] = Entry(time: remaining, deadline: request.deadline, key: key, order: index)
            totalTime += remaining
            longest = max(longest, remaining)
            earliestDeadline = min(earliestDeadline, request.deadline)
            if index > 0 && Self.comesFirst(index, key, before: anyBest, entries, ready) { anyBest = index }
        }
        if starving >= 0 { return (starving, starving, starving, false) }
        // Shortcut with the same answer: when all the work, stretched, and the Smith choice's
        // next layer fit before the earliest deadline, nobody is set aside and every bound
        // admits that choice.
        if earliestDeadline - now - stretch * max(share * totalTime, longest) >= stretch * share * nextLayer(ready[anyBest]) {
            return (anyBest, anyBest, anyBest, false)
        }
        var allAcceptedBound = Double.infinity
        var overloaded = false
        if demotesHopeless || guardsDeadlines {
            // Deadline order (insertion sort: the queue is mostly in arrival order already).
            for rank in 1..<count {
                let index = entries[rank].order
                let deadline = entries[index].deadline
                var slot = rank
                while slot > 0 {
                    let before = entries[slot - 1].order
                    let other = entries[before].deadline
                    guard deadline < other || (deadline == other && ready[index].winsTie(against: ready[before])) else { break }
                    entries[slot].order = before
                    slot -= 1
                }
                entries[slot].order = index
            }
            // Moore–Hodgson with a max-heap of the accepted times; while nobody has been set
            // aside, the same pass computes the bounds of rule 2.
            var total = 0.0, heapCount = 0, setAside = false
            for rank in 0..<count {
                let index = entries[rank].order
                let time = entries[index].time
                total += time
                if demotesHopeless {
                    // The heap is built only once it is needed, by the same pushes in the same order.
                    if setAside { Self.pushHeap(index, &heapCount, entries) }
                    if max(share * total, time) > entries[index].deadline - now {
                        if !setAside {
                            for earlier in 0...rank { Self.pushHeap(entries[earlier].order, &heapCount, entries) }
                        }
                        let longest = Self.popHeap(&heapCount, entries)
                        entries[longest].accepted = false
                        total -= entries[longest].time
                        setAside = true
                    }
                }
                if guardsDeadlines && !setAside {
                    entries[index].bound = allAcceptedBound
                    allAcceptedBound = min(allAcceptedBound, entries[index].deadline - now - stretch * max(share * total, time))
                }
            }
            overloaded = setAside
            if guardsDeadlines && setAside {
                allAcceptedBound = .infinity
                var completion = 0.0
                for rank in 0..<count {
                    let index = entries[rank].order
                    guard entries[index].accepted else { continue }
                    entries[index].bound = allAcceptedBound
                    completion += entries[index].time
                    allAcceptedBound = min(allAcceptedBound, entries[index].deadline - now - stretch * max(share * completion, entries[index].time))
                }
            }
        }
        var best = -1, free = -1
        for index in 0..<count {
            let key = entries[index].key
            let bound: Double
            if entries[index].accepted {
                bound = entries[index].bound
            } else if now - ready[index].lastRun > agingFactor * isolated(ready[index]) {
                bound = allAcceptedBound
            } else {
                continue
            }
            if free < 0 || Self.comesFirst(index, key, before: free, entries, ready) { free = index }
            if guardsDeadlines && bound < .infinity && stretch * share * nextLayer(ready[index]) > bound { continue }
            if best < 0 || Self.comesFirst(index, key, before: best, entries, ready) { best = index }
        }
        return (best, free, anyBest, overloaded)
    }

    /// Whether queue index `index` (order key `key`) comes before `other` in rule 3's order.
    @inlinable static func comesFirst(_ index: Int, _ key: Double, before other: Int, _ entries: UnsafeMutableBufferPointer<Entry>, _ ready: ReadyQueue) -> Bool {
        let otherKey = entries[other].key
        return key < otherKey || (key == otherKey && ready[index].winsTie(against: ready[other]))
    }

    /// Pushes a queue index onto the max-heap of accepted times (in the entries' heap slots).
    @inlinable static func pushHeap(_ index: Int, _ heapCount: inout Int, _ entries: UnsafeMutableBufferPointer<Entry>) {
        var child = heapCount
        entries[child].heap = index
        heapCount += 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[entries[parent].heap].time < entries[entries[child].heap].time else { break }
            let swap = entries[parent].heap
            entries[parent].heap = entries[child].heap
            entries[child].heap = swap
            child = parent
        }
    }

    /// Removes and returns the queue index with the largest accepted time.
    @inlinable static func popHeap(_ heapCount: inout Int, _ entries: UnsafeMutableBufferPointer<Entry>) -> Int {
        let top = entries[0].heap
        heapCount -= 1
        if heapCount > 0 {
            entries[0].heap = entries[heapCount].heap
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < heapCount && entries[entries[left].heap].time > entries[entries[largest].heap].time { largest = left }
                if right < heapCount && entries[entries[right].heap].time > entries[entries[largest].heap].time { largest = right }
                guard largest != parent else { break }
                let swap = entries[parent].heap
                entries[parent].heap = entries[largest].heap
                entries[largest].heap = swap
                parent = largest
            }
        }
        return top
    }
}
