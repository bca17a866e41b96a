import DystaCore
import DystaScheduling
import DystaTestSupport
import Testing

/// Builds a ready request for hand-made situations.
func ready(
    id: Int, arrival: Double, deadline: Double, priority: Double = 1, estimatedRemaining: Double,
    estimatedIsolated: Double? = nil, nextLayer estimateNext: Double = 0.001, gamma: Double = 1,
    lastRun: Double? = nil, realRemaining: Double? = nil, realIsolated: Double? = nil, admittedAt: Double = 0
) -> ReadyRequest {
    var request = ReadyRequest(
        id: id, position: id, arrival: arrival, deadline: deadline, priority: priority, variant: 0, sample: 0,
        layerCount: 4, estimatedIsolated: estimatedIsolated ?? estimatedRemaining, estimatedNextLayer: estimateNext,
        realIsolated: realIsolated ?? estimatedIsolated ?? estimatedRemaining, admittedAt: admittedAt)
    request.estimatedRemaining = estimatedRemaining
    request.realRemaining = realRemaining ?? estimatedRemaining
    request.gamma = gamma
    request.lastRun = lastRun ?? arrival
    return request
}

func queue(_ requests: [ReadyRequest]) -> ReadyQueue {
    var queue = ReadyQueue()
    for request in requests { queue.append(request) }
    return queue
}

func choose(_ policy: some SchedulingPolicy, _ requests: [ReadyRequest], at time: Double, semantics: Semantics = .default) -> Int {
    var policy = policy
    var ready = queue(requests)
    return ready[policy.select(from: &ready, context: DecisionContext(time: time, semantics: semantics))].id
}

@Suite("Policy choices on hand-built situations")
struct PolicyChoiceTests {
    @Test func fcfsPicksEarliestArrivalAndBreaksTiesByID() {
        let requests = [
            ready(id: 7, arrival: 0.2, deadline: 9, estimatedRemaining: 1),
            ready(id: 3, arrival: 0.1, deadline: 9, estimatedRemaining: 5),
            ready(id: 2, arrival: 0.1, deadline: 9, estimatedRemaining: 5),
        ]
        #expect(choose(FCFSPolicy(), requests, at: 1) == 2)
    }

    @Test func sjfUsesGammaOnlyInSparseForm() {
        // Request 1 has the smaller raw estimate, request 2 the smaller γ-scaled one.
        let requests = [
            ready(id: 1, arrival: 0, deadline: 9, estimatedRemaining: 1.0, gamma: 1.5),
            ready(id: 2, arrival: 0.1, deadline: 9, estimatedRemaining: 1.2, gamma: 1.0),
        ]
        // The engine sets γ = 1 for policies that do not use the monitor; here we hand the same
        // queue to both to check the formula R = γ · estimate.
        #expect(choose(SJFPolicy(sparse: true), requests, at: 1) == 2)
        var flat = requests
        for index in flat.indices { flat[index].gamma = 1 }
        #expect(choose(SJFPolicy(sparse: false), flat, at: 1) == 1)
    }

    @Test func sjfTieGoesToEarlierArrivalThenLowerID() {
        let requests = [
            ready(id: 5, arrival: 0.3, deadline: 9, estimatedRemaining: 1),
            ready(id: 9, arrival: 0.2, deadline: 9, estimatedRemaining: 1),
            ready(id: 4, arrival: 0.2, deadline: 9, estimatedRemaining: 1),
        ]
        #expect(choose(SJFPolicy(sparse: false), requests, at: 1) == 4)
    }

    @Test func planariaPicksMaxPriorityOverSlack() {
        let requests = [
            ready(id: 1, arrival: 0, deadline: 2.0, priority: 1, estimatedRemaining: 1),  // 1/1 = 1
            ready(id: 2, arrival: 0, deadline: 4.0, priority: 9, estimatedRemaining: 1),  // 9/3 = 3
            ready(id: 3, arrival: 0, deadline: 1.5, priority: 1, estimatedRemaining: 1),  // 1/0.5 = 2
        ]
        #expect(choose(PlanariaPolicy(), requests, at: 1) == 2)
    }

    @Test func planariaTreatsExpiredRequestsAsMostUrgent() {
        let requests = [
            ready(id: 1, arrival: 0, deadline: 1.0001, priority: 9, estimatedRemaining: 1),  // huge score
            ready(id: 2, arrival: 0, deadline: 0.5, priority: 1, estimatedRemaining: 1),  // expired
            ready(id: 3, arrival: 0, deadline: 1.0, priority: 1, estimatedRemaining: 1),  // slack 0: expired, later deadline
        ]
        #expect(choose(PlanariaPolicy(), requests, at: 1) == 2)
        // Artifact semantics divide unguarded: the expired request's score is negative, so the
        // running maximum goes negative and the next request in the queue replaces it.
        #expect(choose(PlanariaPolicy(), Array(requests[0...1]), at: 1, semantics: .artifact) == 1)
        #expect(choose(PlanariaPolicy(), [requests[1], requests[0]], at: 1, semantics: .artifact) == 1)
    }

    @Test func sdrm3MapScoreAndGuards() {
        // urgency: id1 = min(1, 1/4)=0.25, fairness = 0.5/0.1 = 5 → 5.25
        //          id2 = min(1, 3/1)=1,    fairness = 0.1/0.1 = 1 → 2
        let requests = [
            ready(id: 1, arrival: 0, deadline: 5, estimatedRemaining: 1, nextLayer: 0.1, lastRun: 0.5),
            ready(id: 2, arrival: 0, deadline: 2, estimatedRemaining: 3, nextLayer: 0.1, lastRun: 0.9),
        ]
        #expect(choose(SDRM3Policy(sparse: false, alpha: 1), requests, at: 1) == 1)
        // With α = 0 only urgency counts.
        #expect(choose(SDRM3Policy(sparse: false, alpha: 0), requests, at: 1) == 2)
        let policy = SDRM3Policy(sparse: false, alpha: 1)
        let expired = ready(id: 3, arrival: 0, deadline: 0.5, estimatedRemaining: 1, nextLayer: 0.1, lastRun: 1)
        #expect(policy.mapScore(expired, at: 1, semantics: .default) == 1)
        // Artifact: R / slack with negative slack flips the sign.
        #expect(policy.mapScore(expired, at: 1, semantics: .artifact) == -2)
    }

    @Test func dystaScoreFollowsTheFormula() {
        let policy = DystaPolicy(form: .full, beta: 0.01)
        let request = ready(
            id: 1, arrival: 0, deadline: 10, estimatedRemaining: 2, estimatedIsolated: 4, gamma: 0.5, lastRun: 1)
        // R = 1; urgency = max(0, (10-3) - 1) = 6; penalty = (3-1)/4/2 = 0.25
        #expect(abs(policy.score(request, at: 3, readyCount: 2) - (1 + 0.01 * 6.25)) < 1e-12)
        let oracle = DystaPolicy(form: .oracle, beta: 0.01)
        let withReal = ready(
            id: 1, arrival: 0, deadline: 10, estimatedRemaining: 2, estimatedIsolated: 4, gamma: 0.5, lastRun: 1,
            realRemaining: 3, realIsolated: 8)
        // R = 3; urgency = 7 - 3 = 4; penalty = 2/8/2 = 0.125
        #expect(abs(oracle.score(withReal, at: 3, readyCount: 2) - (3 + 0.01 * 4.125)) < 1e-12)
    }

    @Test func dystaPrefersShortJobsUnlessSlackDiffers() {
        let requests = [
            ready(id: 1, arrival: 0, deadline: 100, estimatedRemaining: 1.0),
            ready(id: 2, arrival: 0, deadline: 1.6, estimatedRemaining: 1.5),
        ]
        // β(urgency) of request 1 = 0.01·(99−1) ≈ 0.98 → 1.98 > 1.5 + 0.01·(0.6−1.5→0) = 1.5
        #expect(choose(DystaPolicy(form: .full), requests, at: 0) == 2)
        #expect(choose(DystaPolicy(form: .full, beta: 0), requests, at: 0) == 1)
    }

    @Test func dystaTieBreaksByArrival() {
        let requests = [
            ready(id: 8, arrival: 0.5, deadline: 3, estimatedRemaining: 1),
            ready(id: 6, arrival: 0.5, deadline: 3, estimatedRemaining: 1),
        ]
        #expect(choose(DystaPolicy(form: .naive), requests, at: 1) == 6)
    }

    @Test func premaThresholdAndCandidates() {
        // Default semantics: tokens are priority + priority · idle / estIso.
        var policy = PREMAPolicy(sparse: false)
        var queue = ReadyQueue()
        let context0 = DecisionContext(time: 0, semantics: .default)
        var low = ready(id: 1, arrival: 0, deadline: 9, priority: 1, estimatedRemaining: 0.1)
        var high = ready(id: 2, arrival: 0, deadline: 9, priority: 3, estimatedRemaining: 1.0)
        policy.admit(&low, context: context0)
        policy.admit(&high, context: context0)
        queue.append(low)
        queue.append(high)
        // At t=0 the max token is 3 → threshold 3 → only the priority-3 request is a candidate.
        #expect(queue[policy.select(from: &queue, context: context0)].id == 2)
        #expect(policy.token(of: queue[0], at: 0.2) == 1 + 1 * 0.2 / 0.1)
        #expect(PREMAPolicy.threshold(forMaxToken: 2.9) == 1)
        #expect(PREMAPolicy.threshold(forMaxToken: 3) == 3)
        #expect(PREMAPolicy.threshold(forMaxToken: 9.5) == 9)
    }

    @Test func perRequestStateIsKeptByPositionAndResetByPrepare() throws {
        var state = PerRequestState(initial: -1.0)
        let first = ready(id: 3, arrival: 0, deadline: 1, estimatedRemaining: 1)
        let second = ready(id: 40, arrival: 0, deadline: 1, estimatedRemaining: 1)
        #expect(state[first] == -1)
        state[first] = 2
        state[second] = 5  // beyond the end: grows
        #expect(state[first] == 2 && state[second] == 5)
        state.reset(count: 8)
        #expect(state[first] == -1 && state[second] == -1)
        // PREMA's tokens live there: a prepared policy forgets a previous run's tokens.
        var policy = PREMAPolicy(sparse: false)
        var request = first
        policy.admit(&request, context: DecisionContext(time: 0, semantics: .default))
        #expect(policy.tokens[request].value == 1 && policy.tokens[request].started)
        let profile = try Fixtures.handProfile([(name: "a_x", latency: [[0.01]], zero: nil)])
        try policy.prepare(for: RunSetup(profile: profile, requests: [], semantics: .default, accelerators: 1))
        #expect(policy.tokens[request] == PREMAPolicy.Token())
    }

    @Test func premaArtifactAccumulatesWholeIdleTimeEachDecision() {
        var policy = PREMAPolicy(sparse: false)
        var queue = ReadyQueue()
        var request = ready(id: 1, arrival: 0, deadline: 9, priority: 1, estimatedRemaining: 1, lastRun: 0)
        policy.admit(&request, context: DecisionContext(time: 0, semantics: .artifact))
        queue.append(request)
        for time in [0.0, 1.0, 2.0] {
            _ = policy.select(from: &queue, context: DecisionContext(time: time, semantics: .artifact))
        }
        // First decision initialises to 1; then +1·(1−0)/1 and +1·(2−0)/1: quadratic growth.
        #expect(policy.tokens[queue[0]].value == 4)
        // The closed form of the default semantics adds only the idle time once: 1 + 2/1 = 3.
        var fresh = ready(id: 1, arrival: 0, deadline: 9, priority: 1, estimatedRemaining: 1, lastRun: 0)
        policy.admit(&fresh, context: DecisionContext(time: 0, semantics: .default))
        #expect(policy.token(of: fresh, at: 2) == 3)
    }

    @Test func premaSparseArtifactUsesStaleGamma() {
        // Both candidates; by their own γ request 1 is shorter (0.5·2 = 1 < 1.5·1 = 1.5), but the
        // artifact scales both by the γ of the last request (1.5): 3 vs 1.5 → request 2.
        let requests = [
            ready(id: 1, arrival: 0, deadline: 9, priority: 1, estimatedRemaining: 2, gamma: 0.5),
            ready(id: 2, arrival: 0, deadline: 9, priority: 1, estimatedRemaining: 1, gamma: 1.5),
        ]
        #expect(choose(PREMAPolicy(sparse: true), requests, at: 0, semantics: .artifact) == 2)
        var policy = PREMAPolicy(sparse: true)
        var ready = queue(requests)
        for index in ready.indices { policy.admit(&ready[index], context: DecisionContext(time: 0, semantics: .default)) }
        #expect(ready[policy.select(from: &ready, context: DecisionContext(time: 0, semantics: .default))].id == 1)
    }
}

@Suite("lax-srpt and the size-sparsity predictor")
struct LaxSRPTTests {
    /// Loose deadlines: Smith's rule (smallest R̂ · Î), ties to the earlier arrival, then the lower id.
    @Test func smithOrderAndTies() {
        let loose = [
            ready(id: 1, arrival: 0, deadline: 100, estimatedRemaining: 2, estimatedIsolated: 2),  // R̂·Î = 4
            ready(id: 2, arrival: 0, deadline: 100, estimatedRemaining: 1, estimatedIsolated: 8),  // 8
            ready(id: 3, arrival: 0, deadline: 100, estimatedRemaining: 3, estimatedIsolated: 3),  // 9
        ]
        #expect(choose(LaxSRPTPolicy(), loose, at: 0) == 1)
        // Plain SRPT picks the smallest R̂.
        #expect(choose(LaxSRPTPolicy(weighsBySize: false), loose, at: 0) == 2)
        let tied = [
            ready(id: 7, arrival: 0.2, deadline: 100, estimatedRemaining: 2, estimatedIsolated: 2),
            ready(id: 5, arrival: 0.1, deadline: 100, estimatedRemaining: 1, estimatedIsolated: 4),
            ready(id: 4, arrival: 0.1, deadline: 100, estimatedRemaining: 4, estimatedIsolated: 1),
        ]
        #expect(choose(LaxSRPTPolicy(), tied, at: 1) == 4)
        #expect(choose(LaxSRPTPolicy(), Array(tied.prefix(1)) + [tied[1]], at: 1) == 5)
    }

    /// Rule 2: the Smith choice may run its next layer only if the requests before it in
    /// deadline order keep (1 + margin) · their remaining time of slack.
    @Test func guardProtectsADeadlineWithTheMargin() {
        // Request 2: deadline 3.2, R̂ 2 → slack 0.2 at t = 1 with margin 0, 0.2 − 0.8 < 0 with 0.4.
        let requests = [
            ready(id: 1, arrival: 0, deadline: 100, estimatedRemaining: 1, estimatedIsolated: 1, nextLayer: 0.15),
            ready(id: 2, arrival: 0, deadline: 3.2, estimatedRemaining: 2, estimatedIsolated: 2),
        ]
        #expect(choose(LaxSRPTPolicy(margin: 0), requests, at: 1) == 1)  // 0.15 fits in 0.2
        #expect(choose(LaxSRPTPolicy(margin: 0), requests, at: 1.1) == 2)  // 0.15 > 0.1
        #expect(choose(LaxSRPTPolicy(), requests, at: 1) == 2)  // margin 0.4: slack 3.2 − 1 − 2.8 < 0.21
        #expect(choose(LaxSRPTPolicy(guardsDeadlines: false), requests, at: 1.1) == 1)
        // A price: protecting request 2 costs R̂(2)/Î(1) − R̂(1)/Î(2) = 2 − 0.5 = 1.5 normalised
        // turnaround; request 2's window over its Î is 3.2 / 2 = 1.6, so price 1 allows up to 1.6.
        #expect(choose(LaxSRPTPolicy(price: 1), requests, at: 1) == 2)
        #expect(choose(LaxSRPTPolicy(price: 0.9), requests, at: 1) == 1)
    }

    /// Rule 1 sets aside the request that cannot make its deadline; aging decides when it may
    /// run again, and then only inside the accepted requests' slack.
    @Test func hopelessRequestIsSetAsideAndAges() {
        func requests(hopelessNext: Double) -> [ReadyRequest] {
            [
                ready(id: 1, arrival: 0, deadline: 1.5, estimatedRemaining: 1, estimatedIsolated: 1),  // R̂·Î = 1
                // Alone it needs 0.6 s before 0.5: hopeless, although its R̂·Î = 0.36 is smaller.
                ready(id: 2, arrival: 0, deadline: 0.5, estimatedRemaining: 0.6, estimatedIsolated: 0.6, nextLayer: hopelessNext),
            ]
        }
        // Not setting it aside: request 2 heads the deadline order and wins on R̂·Î.
        #expect(choose(LaxSRPTPolicy(demotesHopeless: false), requests(hopelessNext: 0.5), at: 0) == 2)
        // Set aside and not waited yet (aging 0 needs waited > 0): request 1 runs.
        #expect(choose(LaxSRPTPolicy(), requests(hopelessNext: 0.05), at: 0) == 1)
        // Waited: it may run when its next layer fits in request 1's slack, 1.5 − 0.01 − 1.4 = 0.09.
        #expect(choose(LaxSRPTPolicy(), requests(hopelessNext: 0.05), at: 0.01) == 2)  // 0.07 ≤ 0.09
        #expect(choose(LaxSRPTPolicy(overloadPrice: .infinity), requests(hopelessNext: 0.5), at: 0.01) == 1)  // 0.7 > 0.09
        // A request was set aside, so the overload price applies: protecting request 1 costs
        // R̂(1)/Î(2) − R̂(2)/Î(1) = 1/0.6 − 0.6 ≈ 1.07 normalised turnaround, more than
        // 0.05 × its window 1.5 / Î 1 = 0.075, so the Smith choice (request 2) runs anyway.
        #expect(choose(LaxSRPTPolicy(), requests(hopelessNext: 0.5), at: 0.01) == 2)
        #expect(choose(LaxSRPTPolicy(overloadPrice: 0.8), requests(hopelessNext: 0.5), at: 0.01) == 1)  // 1.2 ≥ 1.07
        // With aging 4 it waits 4 × Î = 2.4 s (request 1 with a later deadline stays accepted).
        var later = requests(hopelessNext: 0.05)
        later[0] = ready(id: 1, arrival: 0, deadline: 10, estimatedRemaining: 1, estimatedIsolated: 1)
        #expect(choose(LaxSRPTPolicy(agingFactor: 4), later, at: 0.01) == 1)
        #expect(choose(LaxSRPTPolicy(agingFactor: 4), later, at: 2.3) == 1)
        #expect(choose(LaxSRPTPolicy(agingFactor: 4), later, at: 2.5) == 2)
        // Nothing accepted and nothing aged: the smallest R̂·Î of all runs.
        #expect(choose(LaxSRPTPolicy(agingFactor: 4), requests(hopelessNext: 0.05), at: 2.3) == 2)
    }

    /// Moore–Hodgson sets aside the longest request of an overfull deadline prefix — the fewest
    /// violations — not the one whose deadline overflows.
    @Test func mooreHodgsonSetsAsideTheLongest() {
        let tight = [
            ready(id: 1, arrival: 0, deadline: 2, estimatedRemaining: 1.5, estimatedIsolated: 1.5, nextLayer: 0.1),
            ready(id: 2, arrival: 0, deadline: 2.5, estimatedRemaining: 0.5, estimatedIsolated: 0.5, nextLayer: 0.1),
            ready(id: 3, arrival: 0, deadline: 2.4, estimatedRemaining: 0.6, estimatedIsolated: 3, nextLayer: 0.1),
        ]
        // Deadline order 1 (d 2), 3 (d 2.4), 2 (d 2.5): completions 1.5, 2.1, 2.6 > 2.5, so the
        // longest, request 1, is set aside (not 2, whose deadline overflowed). Smith prefers 2
        // (R̂·Î 0.25); request 3 before it keeps slack 2.4 − 0.6 = 1.8 ≥ 0.1, so 2 runs.
        #expect(choose(LaxSRPTPolicy(margin: 0), tight, at: 0) == 2)
        // Request 2 with a long next layer (0.55): still fits in 1.8 once request 1 is set aside.
        var crowded = tight
        crowded[1] = ready(id: 2, arrival: 0, deadline: 2.5, estimatedRemaining: 0.5, estimatedIsolated: 0.5, nextLayer: 0.55)
        #expect(choose(LaxSRPTPolicy(margin: 0), crowded, at: 0) == 2)
        // Without setting aside, 2's bound = min(2 − 1.5, 2.4 − 2.1) = 0.3 < 0.55 → not allowed;
        // 3 (bound 0.5 ≥ 0.1, R̂·Î 1.8) beats 1 (2.25).
        #expect(choose(LaxSRPTPolicy(margin: 0, demotesHopeless: false), crowded, at: 0) == 3)
        #expect(throws: DystaError("lax-srpt has no option 'x' (known: aging, margin, price, overloadprice, cap, pool, guard, demote, smith)")) { try LaxSRPTPolicy.make(options: "x=1") }
        #expect(throws: DystaError("lax-srpt option 'margin': '-1' is not a number ≥ 0")) { try LaxSRPTPolicy.make(options: "margin=-1") }
        #expect((try? LaxSRPTPolicy.make(options: "price=inf,aging=2"))?.agingFactor == 2)
    }

    /// `cap`: a request that has waited more than cap × Î since arrival runs first, whatever
    /// the other rules say; without a cap it waits.
    @Test func starvationCapRunsTheLongestWaiting() {
        let requests = [
            ready(id: 2, arrival: 0, deadline: 0.5, estimatedRemaining: 5, estimatedIsolated: 5),  // hopeless, R̂·Î 25
            ready(id: 3, arrival: 28, deadline: 100, estimatedRemaining: 1, estimatedIsolated: 1),  // R̂·Î 1
            ready(id: 4, arrival: 29, deadline: 100, estimatedRemaining: 0.5, estimatedIsolated: 0.5),  // R̂·Î 0.25
        ]
        // At t = 30 they have waited 6, 2 and 2 of their isolated latencies.
        #expect(choose(LaxSRPTPolicy(), requests, at: 30) == 4)
        #expect(choose(LaxSRPTPolicy(starvationCap: 10), requests, at: 30) == 4)
        #expect(choose(LaxSRPTPolicy(starvationCap: 5), requests, at: 30) == 2)
        // Above the cap, the longest-waiting one first.
        #expect(choose(LaxSRPTPolicy(starvationCap: 1), requests, at: 30) == 2)
        #expect(choose(LaxSRPTPolicy(starvationCap: 1), Array(requests.dropFirst()), at: 30) == 3)
    }

    @Test func sizeModelFitsAQuadraticInTheSizeExactly() throws {
        // Layer latency a + b·x + c·x² per sample with size x: the fit recovers it, so the
        // remaining estimate before the first layer is exact for held-out samples.
        let sizes: [Double] = [64, 128, 192, 256, 320, 384]
        var latency: [Double] = []
        for x in sizes { latency += [0.001 + 2e-6 * x + 1e-8 * x * x, 0.002 + 1e-8 * x * x] }
        let variant = VariantProfile(
            name: "m", architectureIndex: 0, sampleCount: sizes.count, layerCount: 2, latency: latency,
            zeroFraction: Array(repeating: 0.5, count: latency.count), inputSize: sizes)
        let model = RemainingLatencyModel(variant: variant, samples: [0, 2, 4])
        for sample in [1, 3, 5] {
            let real = variant.realRemaining[sample * 3]
            #expect(abs(model.remaining(variant: variant, sample: sample, executed: 0) - real) < 1e-12 * 1000)
            // The whole row at once gives the same values as one call per executed-layer count.
            #expect(model.remainingRow(variant: variant, sample: sample) == (0...2).map { model.remaining(variant: variant, sample: sample, executed: $0) })
        }
    }
}
