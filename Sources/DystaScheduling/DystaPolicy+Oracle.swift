import DystaCore

/// Geometric buckets of isolated latency: bucket b holds the values in
/// (`edges[b − 1]`, `edges[b]`], edges growing by 1/32 from the smallest value covered.
public struct IsolatedBuckets: Sendable {
    /// Upper edge of each bucket (s), increasing.
    @usableFromInline var edges: [Double] = []

    /// Buckets covering [minimum, maximum] (none unless 0 < minimum ≤ maximum < ∞).
    init(minimum: Double, maximum: Double) {
        guard minimum > 0, maximum >= minimum, maximum.isFinite else { return }
        var edge = minimum
        repeat {
            edge *= 1 + 1.0 / 32
            edges.append(edge)
        } while edge < maximum
    }

    init() {}

    /// The first bucket whose upper edge is ≥ `isolated` (> 0), or nil above the last edge
    /// (a binary search: no logarithm per key).
    @usableFromInline func bucket(of isolated: Double) -> Int? {
        guard !edges.isEmpty, isolated.isFinite, isolated > 0 else { return nil }
        var low = 0, high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] < isolated { low = middle + 1 } else { high = middle }
        }
        return low < edges.count ? low : nil
    }
}

extension DystaPolicy {
    /// Lanes of `dysta-oracle`'s heaps: early requests, then a fallback, then one per bucket.
    enum OracleLane {
        static let early = 0
        static let fallback = 1
        static let firstBucket = 2
    }

    /// `dysta-oracle`'s selection through lower-bound heaps over every ready request (default
    /// semantics, long queues).
    ///
    /// The score is R + β · (max(0, D − t − R) + (t − lastRun) / I / n) with R the real
    /// remaining and I the real isolated latency of the request's own sample. Keys are lower
    /// bounds at every later decision while the queue holds at most `keyCount` requests:
    /// - early requests (D − t − R > 0): R + β · (D − R) − β · t, the urgency term alone
    ///   (still a lower bound once the request is late, when it is ≤ R);
    /// - late requests: R + slope · (t − lastRun) with slope = β / (edge · keyCount), where
    ///   edge ≥ I is the upper edge of the request's isolated-latency bucket (buckets grow
    ///   geometrically by 1/32, so a key's penalty is at most 3% below the real one);
    /// - anything else (I outside the buckets): the bound at the time of keying.
    /// Requests are visited in key order until the key exceeds the best score; the overall
    /// minimum of (score, arrival, id) runs.
    mutating func selectOracleIndexed(from ready: inout ReadyQueue, time: Double) -> Int {
        let readyCount = ready.count
        guard ready.startedHeapsPay(low: 16, high: 64) else { return scanArgmin(ready, at: time, readyCount: readyCount) }
        if let keyCount = ready.startedKeyCountToRebuild(readyCount: readyCount) {
            var minimum = Double.infinity
            var maximum = 0.0
            for index in ready.indices {
                let isolated = ready[index].realIsolated
                if isolated > 0 && isolated.isFinite {
                    minimum = min(minimum, isolated)
                    maximum = max(maximum, isolated)
                }
            }
            // Room for later arrivals a little outside the current range.
            oracleBuckets = IsolatedBuckets(minimum: minimum / 2, maximum: maximum * 2)
            var slopes = [-beta, 0]
            for edge in oracleBuckets.edges { slopes.append(beta / (edge * Double(keyCount))) }
            let buckets = oracleBuckets
            ready.rebuildStarted(count: keyCount, slopes: slopes) {
                oracleKey($0, at: time, keyCount: keyCount, slopes: slopes, buckets: buckets)
            }
        }
        let keyCount = ready.startedKeyCount
        let slopes = ready.startedSlopes
        let buckets = oracleBuckets
        var best = Candidate()
        ready.searchStarted(
            at: time,
            key: { oracleKey($0, at: time, keyCount: keyCount, slopes: slopes, buckets: buckets) },
            whileKeyAtMost: { best.empty ? .infinity : best.score }, holdsChanged: true
        ) { index, request in
            best.offer(
                score: score(request, at: time, readyCount: readyCount), arrival: request.arrival, id: request.id,
                index: index, group: -1, member: -1)
        }
        return max(best.index, 0)
    }

    /// The oracle's key of a request at `time` (see ``selectOracleIndexed(from:time:)``).
    func oracleKey(
        _ request: ReadyRequest, at time: Double, keyCount: Int, slopes: [Double], buckets: IsolatedBuckets
    ) -> StartedIndex.Key {
        let remaining = request.realRemaining
        let isolated = request.realIsolated
        if (request.deadline - time) - remaining > 0 {
            return StartedIndex.Key(lane: OracleLane.early, base: remaining + beta * (request.deadline - remaining))
        }
        if let bucket = buckets.bucket(of: isolated), request.lastRun <= time {
            let lane = OracleLane.firstBucket + bucket
            return StartedIndex.Key(lane: lane, base: remaining - slopes[lane] * request.lastRun)
        }
        guard isolated > 0 && request.lastRun <= time else {
            return StartedIndex.Key(lane: OracleLane.fallback, base: -.infinity)
        }
        return StartedIndex.Key(
            lane: OracleLane.fallback, base: remaining + beta * ((time - request.lastRun) / isolated / Double(keyCount)))
    }
}
