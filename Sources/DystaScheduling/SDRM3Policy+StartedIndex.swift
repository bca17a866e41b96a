import DystaCore

extension SDRM3Policy {
    /// SDRM3's selection through the queue's ``StartedIndex`` (default semantics, α > 0, long
    /// queues); nil when the caller must scan.
    ///
    /// MapScore = urgency + α · idle / c with urgency ≤ 1 and c = γ · (estimate of the next
    /// layer), which does not change while a request waits. So 1 + α · (t − lastRun) / c′ with
    /// c′ ≤ c is an upper bound of the score at every later time, linear in t with slope α / c′:
    /// requests with equal c′ share a heap ("lane") whose order never changes with time. The
    /// heaps are min-heaps, so keys are negated bounds. Without γ (plain `sdrm3`) c is the
    /// estimate of the request's next layer: one lane per (variant, layer), c′ = c exactly;
    /// requests with c = 0 are visited at every decision. `sdrm3-sparse` uses a kinetic
    /// tournament instead (`selectKinetic`).
    /// Requests are visited in bound order until the bound falls below the best score; the
    /// maximum of (score, earlier arrival, lower id) runs.
    mutating func selectIndexed(from ready: inout ReadyQueue, time: Double) -> Int? {
        // With γ the divisors are continuous: bucketed lanes leave a band of near-equal bounds
        // that processor-sharing-like queues fill, and the search was slower than the scan;
        // `sdrm3-sparse` keeps one line per request in a kinetic tournament (`selectKinetic`).
        guard !sparse, let fresh = ready.fresh, ready.tracksPositions, alpha > 0, alpha.isFinite else { return nil }
        guard ready.startedHeapsPay(low: 128, high: 256) else { return nil }
        if ready.startedKeyCount == 0 {
            laneLayout = Self.layerLayout(fresh.tables)
            ready.rebuildStarted(count: 1, slopes: laneLayout.slopes(alpha: alpha)) { laneLayout.key(of: $0, alpha: alpha) }
        }
        let layout = laneLayout
        var best = Candidate()  // by (−score, arrival, id): the largest score first
        ready.searchStarted(
            at: time, key: { layout.key(of: $0, alpha: alpha) }, whileKeyAtMost: { best.empty ? .infinity : best.score }
        ) { index, request in
            let score = mapScore(request, at: time, semantics: .default)
            guard !score.isNaN else { return }
            best.offer(score: -score, arrival: request.arrival, id: request.id, index: index, group: -1, member: -1)
        }
        return best.index >= 0 ? best.index : nil
    }

    /// Most heap lanes for which plain `sdrm3` searches lanes rather than the kinetic tournament.
    static var maximumLanes: Int { 256 }

    /// Whether plain `sdrm3` searches heap lanes on a workload: one lane per (variant, layer),
    /// at most ``maximumLanes`` of them.
    static func usesLanes(_ profile: WorkloadProfile) -> Bool {
        profile.variants.reduce(0) { $0 + $1.layerCount } <= maximumLanes
    }

    /// Lanes without γ: one per (variant, layer), c′ = the layer's estimate.
    static func layerLayout(_ tables: UnsafeMutableBufferPointer<VariantTables>) -> SDRM3Lanes {
        var layout = SDRM3Lanes()
        for table in tables {
            layout.firstLane.append(layout.divisors.count)
            for layer in 0..<table.layerCount { layout.divisors.append(table.estimate[layer]) }
        }
        return layout
    }
}

/// How SDRM3's requests are spread over heap lanes (see `SDRM3Policy.selectIndexed`).
public struct SDRM3Lanes: Sendable {
    /// Per lane: c′, a lower bound of the divisor c of its requests (the estimate of one
    /// variant's layer). The last lane (after these) holds requests visited at every decision.
    var divisors: [Double] = []
    /// The first lane of each variant (lane = first + next layer).
    var firstLane: [Int] = []

    /// Slopes of the negated bounds, then the always-visited lane.
    func slopes(alpha: Double) -> [Double] { divisors.map { -alpha / $0 } + [0] }

    /// The lane and negated bound base of a request.
    func key(of request: ReadyRequest, alpha: Double) -> StartedIndex.Key {
        let always = StartedIndex.Key(lane: divisors.count, base: -.infinity)
        let divisor = request.gamma * request.estimatedNextLayer
        guard divisor > 0, divisor.isFinite else { return always }
        guard request.variant < firstLane.count else { return always }
        let lane = firstLane[request.variant] + request.nextLayer
        guard lane < divisors.count && divisors[lane] <= divisor else { return always }
        // −(1 + α · (t − lastRun) / c′) = (−1 + α · lastRun / c′) − (α / c′) · t.
        return StartedIndex.Key(lane: lane, base: -1 + alpha * request.lastRun / divisors[lane])
    }
}
