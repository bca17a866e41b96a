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
    /// score (``startedKey(_:at:keyCount:)``): they are visited in key order until the key
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
                    let firstEqual = index.partition(group, in: 0..<newestLate) { freshScore($0) <= lowest }
                    offer(index.liveAtOrAfter(group, firstEqual))
                }
            }
            if boundary < memberCount {
                let oldestEarly = index.liveAtOrAfter(group, boundary)
                if oldestEarly < memberCount {
                    offer(oldestEarly)
                    let newest = index.liveAtOrBefore(group, memberCount - 1)
                    let newestArrival = index.request(group, newest).arrival
                    let firstOfArrival = index.partition(group, in: oldestEarly..<newest) { $0.arrival >= newestArrival }
                    offer(index.liveAtOrAfter(group, firstOfArrival))
                }
            }
        }
        // Started requests by a lower bound of their score at any later decision while the
        // ready count stays ≤ keyCount: R + β · (idle now / estIso / keyCount) (urgency ≥ 0).
        // Few started requests: a scan is cheaper than keeping the heap (hysteresis 16/64).
        if ready.count < 16 || (ready.count <= 64 && ready.startedKeyCount == 0) {
            ready.suspendStartedIndex()
            for index in ready.indices {
                let request = ready[index]
                best.offer(
                    score: score(request, at: time, readyCount: readyCount), arrival: request.arrival, id: request.id,
                    index: index, group: -1, member: -1)
            }
            return finish(best, from: &ready, context: context)
        }
        // (Re)build the heap when it was suspended or the queue outgrew the count its keys assume.
        if ready.startedKeyCount == 0 || readyCount > ready.startedKeyCount {
            let keyCount = 2 * readyCount
            ready.rebuildStarted(count: keyCount) { startedKey($0, at: time, keyCount: keyCount) }
        }
        let keyCount = ready.startedKeyCount
        ready.searchStarted(
            key: { startedKey($0, at: time, keyCount: keyCount) },
            whileKeyAtMost: { best.empty ? .infinity : best.score }
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

    /// A lower bound of a started request's score at `time` and any later decision with at
    /// most `keyCount` ready requests (every step is a monotone floating-point operation).
    @inlinable func startedKey(_ request: ReadyRequest, at time: Double, keyCount: Int) -> Double {
        request.predictedRemaining + beta * ((time - request.lastRun) / request.estimatedIsolated / Double(keyCount))
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
