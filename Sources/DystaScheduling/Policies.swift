import DystaCore

/// First-come first-served: the earliest arrival runs.
public struct FCFSPolicy: SchedulingPolicy {
    public var name: String { "fcfs" }
    public var estimateSource: EstimateSource { .patternUnaware }
    public var usesSparsityMonitor: Bool { false }
    /// `select` has no side effect when one request is ready.
    public var skipsForcedDecisions: Bool { true }
    /// The earliest arrival wins outright.
    public var freshRanking: FreshRanking { .earliestFirst(byPriority: false) }
    /// Only an arrival can change the earliest arrival (and arrivals are never earlier).
    public var keepsChoiceUntilArrival: Bool { true }
    public init() {}

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        switch context.semantics {
        case .default: return argmin(ready) { $0.arrival }
        case .artifact: return firstArgmin(ready) { $0.arrival }
        }
    }
}

/// Shortest (estimated) job first: the smallest remaining estimate R runs.
///
/// `sjf` uses pattern-unaware estimates and γ ≡ 1; `sjf-sparse` pattern-aware ones and γ.
public struct SJFPolicy: SchedulingPolicy {
    public let sparse: Bool
    public var name: String { sparse ? "sjf-sparse" : "sjf" }
    public var estimateSource: EstimateSource { sparse ? .patternAware : .patternUnaware }
    public var usesSparsityMonitor: Bool { sparse }
    /// `select` has no side effect when one request is ready.
    public var skipsForcedDecisions: Bool { true }
    /// Fresh requests of one variant share R (γ = 1); the tie goes to the earliest.
    public var freshRanking: FreshRanking { .earliestFirst(byPriority: false) }
    /// Without γ a running request's R only falls and the others' stay: it keeps winning
    /// until something arrives. With γ its R can rise above another's.
    public var keepsChoiceUntilArrival: Bool { !sparse }
    public init(sparse: Bool) { self.sparse = sparse }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        switch context.semantics {
        case .default:
            // R changes only when a request runs a layer: a heap of R is exact.
            if let best = ready.argminOfInvariantKey({ $0.predictedRemaining }) { return best }
            return argmin(ready) { $0.predictedRemaining }
        case .artifact: return firstArgmin(ready) { $0.predictedRemaining }
        }
    }
}

/// PREMA (HPCA'20): priority tokens grow with normalised waiting; among the requests whose
/// token reaches the threshold, the shortest estimated job runs.
///
/// Default semantics: a token starts at the priority when the request is admitted and grows by
/// priority · (idle time) / estIso (γ · estIso for `prema-sparse`) — in closed form, so it does
/// not depend on how often decisions happen. The threshold is 9, 3 or 1 from the largest token
/// of all ready requests. Artifact semantics reproduce the artifact: new tokens are not counted
/// in the maximum, every decision adds the whole idle time since the last run again, and
/// `prema-sparse` scales every candidate by the γ of the last request in the queue.
public struct PREMAPolicy: SchedulingPolicy {
    public let sparse: Bool
    public var name: String { sparse ? "prema-sparse" : "prema" }
    public var estimateSource: EstimateSource { sparse ? .patternAware : .patternUnaware }
    public var usesSparsityMonitor: Bool { sparse }
    /// `select` has no side effect when one request is ready: freezing the token of a request
    /// whose own layer just ended adds nothing (its idle time is 0).
    public var skipsForcedDecisions: Bool { true }
    /// Within a (variant, priority) group the earliest admitted has the largest token and the
    /// same R as the others, so it is both the group's largest token and its best candidate.
    public var freshRanking: FreshRanking { .earliestFirst(byPriority: true) }
    /// A request's token as last brought up to date.
    public struct Token: Sendable, Equatable {
        /// The token's value at `since`.
        public var value = 0.0
        /// When `value` was last brought up to date.
        public var since = 0.0
        /// Whether the token was initialised (artifact semantics initialise it at a decision).
        public var started = false

        /// Creates a token state.
        @inlinable public init(value: Double = 0, since: Double = 0, started: Bool = false) {
            self.value = value
            self.since = since
            self.started = started
        }
    }
    /// Every request's token.
    public var tokens = PerRequestState(initial: Token())

    public init(sparse: Bool) { self.sparse = sparse }

    public mutating func prepare(for run: RunSetup) throws { tokens.reset(count: run.requests.count) }

    public mutating func admit(_ request: inout ReadyRequest, context: DecisionContext) {
        switch context.semantics {
        case .default: tokens[request] = Token(value: request.priority, since: context.time, started: true)
        case .artifact: tokens[request] = Token()
        }
    }

    @inlinable func normaliser(_ request: ReadyRequest) -> Double {
        sparse ? request.gamma * request.estimatedIsolated : request.estimatedIsolated
    }

    /// The token of a request at `time` (default semantics, closed form).
    @inlinable public func token(of request: ReadyRequest, at time: Double) -> Double {
        let token = tokens[request]
        let idleSince = max(token.since, request.lastRun)
        let idle = time - idleSince
        guard idle > 0 else { return token.value }
        return token.value + request.priority * idle / normaliser(request)
    }

    /// PREMA's threshold for the largest token.
    @inlinable public static func threshold(forMaxToken maxToken: Double) -> Double {
        maxToken >= 9 ? 9 : (maxToken >= 3 ? 3 : 1)
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        if context.semantics == .artifact { return selectArtifact(from: &ready, time: time) }
        if let chosen = selectIndexed(from: &ready, time: time) {
            freezeToken(of: ready[chosen], at: time)
            return chosen
        }
        var maxToken = -Double.infinity
        for index in ready.indices { maxToken = max(maxToken, token(of: ready[index], at: time)) }
        let threshold = Self.threshold(forMaxToken: maxToken)
        var best = -1
        var bestEstimate = 0.0
        for index in ready.indices where token(of: ready[index], at: time) >= threshold {
            let candidate = ready[index]
            let estimate = candidate.predictedRemaining
            if best < 0 || estimate < bestEstimate
                || (estimate == bestEstimate && candidate.winsTie(against: ready[best]))
            {
                best = index
                bestEstimate = estimate
            }
        }
        let chosen = max(best, 0)
        freezeToken(of: ready[chosen], at: time)
        return chosen
    }

    /// Brings the chosen request's token up to date: it stops waiting now.
    @inlinable public mutating func freezeToken(of request: ReadyRequest, at time: Double) {
        tokens[request] = Token(value: token(of: request, at: time), since: time, started: true)
    }

    mutating func selectArtifact(from ready: inout ReadyQueue, time: Double) -> Int {
        var maxToken = 0.0
        for index in ready.indices {
            let request = ready[index]
            var token = tokens[request]
            if !token.started {
                token.value = request.priority
                token.started = true
            } else {
                let idle = time - request.lastRun
                token.value += request.priority * (idle / normaliser(request))
                if maxToken < token.value { maxToken = token.value }
            }
            tokens[request] = token
        }
        let threshold = Self.threshold(forMaxToken: maxToken)
        // The artifact's candidate loop reuses the loop variable of the token loop: the γ of
        // the last request in the queue scales every candidate's estimate.
        let staleGamma = sparse ? ready[ready.count - 1].gamma : 1
        var best = -1
        var shortest = -1.0
        for index in ready.indices where tokens[ready[index]].value >= threshold {
            let estimate = staleGamma * ready[index].estimatedRemaining
            if best < 0 || shortest > estimate {
                best = index
                shortest = estimate
            }
        }
        return max(best, 0)
    }
}

/// Planaria (MICRO'20), temporal part only: the largest priority / slack runs.
///
/// Default semantics: a request whose slack is ≤ 0 is more urgent than any request with
/// positive slack; among those, the higher priority and then the earlier deadline runs.
/// Artifact semantics divide by the slack unguarded (a negative slack flips the sign).
public struct PlanariaPolicy: SchedulingPolicy {
    public var name: String { "planaria" }
    public var estimateSource: EstimateSource { .patternUnaware }
    public var usesSparsityMonitor: Bool { false }
    /// `select` has no side effect when one request is ready.
    public var skipsForcedDecisions: Bool { true }
    /// Within a priority and target, the earliest arrival has the earliest deadline.
    public var freshRanking: FreshRanking { .earliestFirst(byPriority: true) }
    public init() {}

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        if context.semantics == .artifact {
            return artifactArgmax(ready) { $0.priority / ($0.deadline - time) }
        }
        var best = 0
        for index in 1..<ready.count where prefers(ready[index], over: ready[best], at: time) {
            best = index
        }
        return best
    }

    @inlinable func prefers(_ a: ReadyRequest, over b: ReadyRequest, at time: Double) -> Bool {
        let slackA = a.deadline - time
        let slackB = b.deadline - time
        let expiredA = slackA <= 0
        let expiredB = slackB <= 0
        if expiredA != expiredB { return expiredA }
        if expiredA {
            if a.priority != b.priority { return a.priority > b.priority }
            if a.deadline != b.deadline { return a.deadline < b.deadline }
            return a.winsTie(against: b)
        }
        let scoreA = a.priority / slackA
        let scoreB = b.priority / slackB
        if scoreA != scoreB { return scoreA > scoreB }
        return a.winsTie(against: b)
    }
}

/// SDRM3 (arXiv'22): MapScore = urgency + α · fairness, the largest runs.
///
/// urgency = min(1, R / slack) (1 when slack ≤ 0 under default semantics); fairness = idle /
/// (estimate of the next layer, γ-scaled for `sdrm3-sparse`).
public struct SDRM3Policy: SchedulingPolicy {
    public let sparse: Bool
    public let alpha: Double
    public var name: String { sparse ? "sdrm3-sparse" : "sdrm3" }
    public var estimateSource: EstimateSource { sparse ? .patternAware : .patternUnaware }
    public var usesSparsityMonitor: Bool { sparse }
    /// `select` has no side effect when one request is ready.
    public var skipsForcedDecisions: Bool { true }
    /// Urgency and fairness both fall with arrival time within a group (for α ≥ 0).
    public var freshRanking: FreshRanking {
        alpha >= 0 && alpha.isFinite ? .earliestFirst(byPriority: false) : .scanAll
    }
    /// The heap lanes of the current search structure (see `selectIndexed`).
    var laneLayout = SDRM3Lanes()
    /// Whether plain SDRM3 searches heap lanes (few (variant, layer) pairs) rather than the
    /// kinetic tournament; set by `prepare` from the workload.
    var searchesLanes = true
    public init(sparse: Bool, alpha: Double = 1) {
        self.sparse = sparse
        self.alpha = alpha
    }

    public mutating func prepare(for run: RunSetup) throws { searchesLanes = !sparse && Self.usesLanes(run.profile) }

    /// The MapScore of a request at `time`.
    @inlinable public func mapScore(_ request: ReadyRequest, at time: Double, semantics: Semantics) -> Double {
        let slack = request.deadline - time
        let remaining = request.predictedRemaining
        let nextLayer = request.gamma * request.estimatedNextLayer
        let idle = time - request.lastRun
        switch semantics {
        case .artifact:
            let ratio = remaining / slack  // unguarded, as in the artifact
            let urgency = ratio > 1 ? 1 : ratio
            return urgency + alpha * (idle / nextLayer)
        case .default:
            let urgency = slack <= 0 ? 1 : min(1, remaining / slack)
            let fairness = nextLayer > 0 ? idle / nextLayer : (idle > 0 ? Double.greatestFiniteMagnitude : 0)
            return urgency + alpha * fairness
        }
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        switch context.semantics {
        case .artifact:
            return artifactArgmax(ready) { mapScore($0, at: time, semantics: .artifact) }
        case .default:
            // Plain SDRM3 keeps one heap lane per (variant, layer) while they are few; with many
            // (cnn: 50-layer models) the per-decision pass over the lanes costs more than the
            // kinetic tournament `sdrm3-sparse` uses, so it goes there too (same choices).
            if searchesLanes, let best = selectIndexed(from: &ready, time: time) { return best }
            if let best = selectKinetic(from: &ready, time: time) { return best }
            return argmin(ready) { -mapScore($0, at: time, semantics: .default) }
        }
    }
}

/// Dysta: min R + β · (urgency + penalty), urgency = max(0, slack − R), penalty = (idle / estIso) / n.
///
/// `dysta` uses pattern-aware estimates and γ; `dysta-naive` pattern-unaware estimates and
/// γ ≡ 1; `dysta-oracle` the real remaining latency and the real isolated latency.
public struct DystaPolicy: SchedulingPolicy {
    /// The three forms of Dysta.
    public enum Form: String, Sendable {
        case full, naive, oracle
    }
    public let form: Form
    public let beta: Double
    /// The oracle's isolated-latency buckets of its current heaps (see `selectOracleIndexed`).
    @usableFromInline var oracleBuckets = IsolatedBuckets()
    public var name: String {
        switch form {
        case .full: "dysta"
        case .naive: "dysta-naive"
        case .oracle: "dysta-oracle"
        }
    }
    public var estimateSource: EstimateSource { form == .naive ? .patternUnaware : .patternAware }
    public var usesSparsityMonitor: Bool { form == .full }
    /// `select` has no side effect when one request is ready.
    public var skipsForcedDecisions: Bool { true }
    /// `dysta` and `dysta-naive` search the fresh groups themselves (see `selectIndexed`);
    /// `dysta-oracle`'s remaining latency differs per sample, so it keeps every request scanned
    /// and searches them through lower-bound heaps (see `selectOracleIndexed`).
    public var freshRanking: FreshRanking {
        guard beta >= 0 && beta.isFinite else { return .scanAll }
        return form == .oracle ? .scannedWithKeys : .custom(byPriority: false)
    }
    public init(form: Form, beta: Double = 0.01) {
        self.form = form
        self.beta = beta
    }

    /// Dysta's score of a request (smaller runs first).
    @inlinable public func score(_ request: ReadyRequest, at time: Double, readyCount: Int) -> Double {
        if form == .oracle {
            return score(
                remaining: request.realRemaining, isolated: request.realIsolated, deadline: request.deadline,
                lastRun: request.lastRun, at: time, readyCount: readyCount)
        }
        return score(
            remaining: request.predictedRemaining, isolated: request.estimatedIsolated, deadline: request.deadline,
            lastRun: request.lastRun, at: time, readyCount: readyCount)
    }

    /// The index of the smallest score (ties: ``ReadyRequest/winsTie(against:)``), as
    /// `argmin` computes it, skipping the idle penalty's two divisions for a request whose
    /// score without it, R + β · urgency, already exceeds the best score: with β ≥ 0 and a
    /// penalty ≥ 0 every step of the score is a monotone floating-point operation, so that
    /// partial sum is a lower bound of the computed score.
    @inlinable func scanArgmin(_ ready: ReadyQueue, at time: Double, readyCount: Int) -> Int {
        var best = 0
        var bestScore = score(ready[0], at: time, readyCount: readyCount)
        let prunes = beta >= 0
        var index = 1
        while index < ready.count {
            let candidate = ready[index]
            index += 1
            if prunes {
                let oracle = form == .oracle
                let remaining = oracle ? candidate.realRemaining : candidate.predictedRemaining
                let isolated = oracle ? candidate.realIsolated : candidate.estimatedIsolated
                let lowerBound = remaining + beta * max(0, (candidate.deadline - time) - remaining)
                if lowerBound > bestScore && candidate.lastRun <= time && isolated > 0 { continue }
            }
            let value = score(candidate, at: time, readyCount: readyCount)
            if value < bestScore || (value == bestScore && candidate.winsTie(against: ready[best])) {
                best = index - 1
                bestScore = value
            }
        }
        return best
    }

    /// Dysta's score from its inputs: R + β · (max(0, slack − R) + (idle / isolated) / n).
    @inlinable public func score(
        remaining: Double, isolated: Double, deadline: Double, lastRun: Double, at time: Double, readyCount: Int
    ) -> Double {
        let slack = deadline - time
        let urgency = max(0, slack - remaining)
        let penalty = (time - lastRun) / isolated / Double(readyCount)
        return remaining + beta * (urgency + penalty)
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        let count = ready.totalCount
        switch context.semantics {
        case .default:
            if let fresh = ready.fresh, fresh.totalLive > 0 || ready.count > 64 || ready.startedKeyCount > 0 {
                return selectIndexed(from: &ready, context: context)
            }
            if form == .oracle && ready.tracksPositions && (ready.count > 64 || ready.startedKeyCount > 0) {
                return selectOracleIndexed(from: &ready, time: time)
            }
            return scanArgmin(ready, at: time, readyCount: count)
        case .artifact: return firstArgmin(ready) { score($0, at: time, readyCount: count) }
        }
    }
}
