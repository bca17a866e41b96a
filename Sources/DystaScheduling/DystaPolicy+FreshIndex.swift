import DystaCore

extension DystaPolicy {
    /// Dysta's selection with fresh requests held in ``ReadyQueue/fresh`` (default semantics).
    ///
    /// A fresh request of a group has R = estIso = E (the variant's estimate, γ = 1), lastRun =
    /// arrival and deadline = arrival + target, so its score depends only on its arrival `a`:
    /// - late (slack − E ≤ 0): E + β · ((t − a) / E) / n, non-increasing in `a` even after
    ///   rounding (every step is a monotone floating-point operation): the best is the first
    ///   member of the run of equal scores that ends at the newest late member — found by
    ///   binary search;
    /// - early (slack − E > 0): E + β · (a + T − t − E + ((t − a) / E) / n), affine in `a`, so
    ///   the best is at one end of the early members: the oldest, or the first of the newest
    ///   arrival time.
    /// Started requests come from the queue's ``StartedIndex`` keyed by a lower bound of their
    /// score (``startedKey(_:at:keyCount:slopes:tables:)``): they are visited in key order until the key
    /// exceeds the best score found, and re-keyed when visited. The overall minimum of
    /// (score, arrival, id) runs. The early case is exact in
    /// real arithmetic; two early requests whose computed scores differ only by rounding could
    /// be ranked differently from a full scan (see `docs/performance.md`).
    mutating func selectIndexed(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        let readyCount = ready.totalCount
        let index = ready.fresh!
        if index.totalLive == 0 && ready.count < 16 {
            ready.suspendStartedIndex()
            return argmin(ready) { score($0, at: time, readyCount: readyCount) }
        }
        var best = Candidate()
        for group in 0..<index.groups.count where index.liveCount[group] > 0 {
            let estimate = index.tables[index.groups[group].variant].estimatedRemaining[0]
            let memberCount = index.memberCount(group)
            func freshScore(_ request: Request) -> Double {
                score(
                    remaining: estimate, isolated: estimate, deadline: request.deadline, lastRun: request.arrival, at: time,
                    readyCount: readyCount)
            }
            func offer(_ member: Int) {
                let request = index.request(group, member)
                best.offer(
                    score: freshScore(request), arrival: request.arrival, id: request.id, index: -1, group: group,
                    member: member)
            }
            let boundary = index.partition(group, in: 0..<memberCount) { ($0.deadline - time) - estimate > 0 }
            if boundary > 0 {
                let newestLate = index.liveAtOrBefore(group, boundary - 1)
                if newestLate >= 0 {
                    let lowest = freshScore(index.request(group, newestLate))
                    // Usually the member before scores higher and the run is the newest alone (the
                    // partition's answer then, without its search).
                    let firstEqual =
                        newestLate == 0 || freshScore(index.request(group, newestLate - 1)) > lowest
                        ? newestLate : index.partition(group, in: 0..<newestLate) { freshScore($0) <= lowest }
                    offer(index.liveAtOrAfter(group, firstEqual))
                }
            }
            if boundary < memberCount {
                let oldestEarly = index.liveAtOrAfter(group, boundary)
                if oldestEarly < memberCount {
                    offer(oldestEarly)
                    let newest = index.liveAtOrBefore(group, memberCount - 1)
                    let newestArrival = index.request(group, newest).arrival
                    let firstOfArrival =
                        newest == oldestEarly || index.request(group, newest - 1).arrival < newestArrival
                        ? newest : index.partition(group, in: oldestEarly..<newest) { $0.arrival >= newestArrival }
                    offer(index.liveAtOrAfter(group, firstOfArrival))
                }
            }
        }
        // Started requests by a lower bound of their score at any later decision while the
        // ready count stays ≤ keyCount: R + β · (idle now / estIso / keyCount) (urgency ≥ 0).
        // Few started requests: a scan is cheaper than keeping the heap (hysteresis 16/64).
        if !ready.startedHeapsPay(low: 16, high: 64) {
            for index in ready.indices {
                let request = ready[index]
                // As `scanArgmin`: R + β · urgency is a lower bound of the score (β ≥ 0 here, the
                // penalty ≥ 0); a request it puts above the best cannot win or tie.
                if !best.empty && request.lastRun <= time && request.estimatedIsolated > 0 {
                    let remaining = request.predictedRemaining
                    if remaining + beta * max(0, (request.deadline - time) - remaining) > best.score { continue }
                }
                best.offer(
                    score: score(request, at: time, readyCount: readyCount), arrival: request.arrival, id: request.id,
                    index: index, group: -1, member: -1)
            }
            return finish(best, from: &ready, context: context)
        }
        // (Re)build the heaps when they were suspended or the queue outgrew the count their keys assume.
        if let keyCount = ready.startedKeyCountToRebuild(readyCount: readyCount) {
            let slopes = startedSlopes(tables: index.tables, keyCount: keyCount)
            ready.rebuildStarted(count: keyCount, slopes: slopes) {
                startedKey($0, at: time, keyCount: keyCount, slopes: slopes, tables: index.tables)
            }
        }
        let keyCount = ready.startedKeyCount
        let slopes = ready.startedSlopes
        ready.searchStarted(
            at: time,
            key: { startedKey($0, at: time, keyCount: keyCount, slopes: slopes, tables: index.tables) },
            whileKeyAtMost: { best.empty ? .infinity : best.score }, holdsChanged: true
        ) { index, request in
            best.offer(
                score: score(request, at: time, readyCount: readyCount), arrival: request.arrival, id: request.id,
                index: index, group: -1, member: -1)
        }
        return finish(best, from: &ready, context: context)
    }

    /// The index of the winner, promoting it from the fresh index when needed.
    mutating func finish(_ best: Candidate, from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        if best.index >= 0 { return best.index }
        let promoted = ready.promoteFresh(group: best.group, member: best.member)
        var entry = ready[promoted]
        admit(&entry, context: DecisionContext(time: entry.admittedAt, semantics: context.semantics))
        ready[promoted] = entry
        return promoted
    }

    /// The key slopes of the started-request lanes: one per variant, β / (E · keyCount) with E
    /// the variant's isolated estimate, then a last lane of slope 0.
    func startedSlopes(tables: UnsafeMutableBufferPointer<VariantTables>, keyCount: Int) -> [Double] {
        var slopes = tables.map { beta / $0.estimatedRemaining[0] / Double(keyCount) }
        slopes.append(0)
        return slopes
    }

    /// A started request's key: a lower bound of its score at `time` and any later decision with
    /// at most `keyCount` ready requests.
    ///
    /// The score is R + β · (urgency + (t − lastRun) / estIso / n) with urgency ≥ 0 and n ≤
    /// keyCount, so R + slope · (t − lastRun) is a lower bound for slope = β / (estIso ·
    /// keyCount): the request's variant lane, key base R − slope · lastRun (its order among the
    /// lane's keys never changes with time). A request whose estIso differs from its variant's
    /// goes to the last lane (slope 0) with the bound at `time`.
    @inlinable func startedKey(
        _ request: ReadyRequest, at time: Double, keyCount: Int, slopes: [Double],
        tables: UnsafeMutableBufferPointer<VariantTables>
    ) -> StartedIndex.Key {
        let remaining = request.predictedRemaining
        if request.variant < tables.count && request.estimatedIsolated == tables[request.variant].estimatedRemaining[0] {
            return StartedIndex.Key(lane: request.variant, base: remaining - slopes[request.variant] * request.lastRun)
        }
        let bound = remaining + beta * ((time - request.lastRun) / request.estimatedIsolated / Double(keyCount))
        return StartedIndex.Key(lane: slopes.count - 1, base: bound)
    }
}

/// The best request seen so far by (score, arrival, id).
struct Candidate {
    var score = Double.infinity
    var arrival = 0.0
    var id = 0
    var index = -1
    var group = -1
    var member = -1
    var empty = true

    mutating func offer(score: Double, arrival: Double, id: Int, index: Int, group: Int, member: Int) {
        let better =
            empty || score < self.score
            || (score == self.score && (arrival < self.arrival || (arrival == self.arrival && id < self.id)))
        guard better else { return }
        self = Candidate(score: score, arrival: arrival, id: id, index: index, group: group, member: member, empty: false)
    }
}
