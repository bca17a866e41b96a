import DystaCore

extension PREMAPolicy {
    /// Lanes of the queue's ``StartedIndex`` while PREMA uses it.
    enum TokenLane {
        /// Waiting for the token to reach 9, keyed by (a little before) the time it will.
        static let rising = 0
        /// Token ≥ 9, keyed by the estimate R.
        static let candidate = 1
    }

    /// The top threshold of PREMA's token (the largest of 9, 3, 1).
    static var topThreshold: Double { 9 }

    /// PREMA's selection through the queue's ``StartedIndex`` (default semantics, long queues);
    /// nil when the caller must scan.
    ///
    /// A waiting request's token only grows, and while any token is ≥ 9 the threshold is 9: the
    /// candidates are then exactly the requests whose token reached 9, and the winner is the one
    /// with the smallest R (ties: earlier arrival, then lower id). Each request sits in one of
    /// two heaps — "rising", keyed by a lower bound of the time its token reaches 9, and
    /// "candidate", keyed by R (which does not change while it waits) — and moves from the
    /// first to the second when that time comes (checked with the exact token formula). When
    /// no token has reached 9 the caller scans, which only happens while tokens are young.
    mutating func selectIndexed(from ready: inout ReadyQueue, time: Double) -> Int? {
        guard ready.startedHeapsPay(low: 24, high: 48), let started = ready.started else { return nil }
        if ready.startedKeyCount == 0 {
            ready.rebuildStarted(count: 1, slopes: [0, 0]) { tokenKey($0, at: time) }
        } else {
            ready.pushChangedRequests { tokenKey($0, at: time) }
        }
        // Move the requests whose token has reached 9 by now.
        started.scratch.removeAll(keepingCapacity: true)
        while let top = started.lanes[TokenLane.rising].first, top.base <= time {
            _ = started.popMin(lane: TokenLane.rising)
            guard started.isCurrent(top) else { continue }
            let request = ready.elements[Int(started.slots[Int(top.position)])]
            if token(of: request, at: time) >= Self.topThreshold {
                var moved = top
                moved.base = ReadyQueue.heapKey(request.predictedRemaining)
                started.push(moved, lane: TokenLane.candidate)
            } else {
                // Rounding put the bound at or before now: look again at the next later decision.
                var later = top
                later.base = time.nextUp
                started.scratch.append((TokenLane.rising, later))
            }
        }
        for (lane, entry) in started.scratch { started.push(entry, lane: lane) }
        // The smallest current candidate.
        while let top = started.lanes[TokenLane.candidate].first {
            guard started.isCurrent(top) else {
                _ = started.popMin(lane: TokenLane.candidate)
                continue
            }
            let slot = Int(started.slots[Int(top.position)])
            // A NaN estimate sorts first here but never wins a scan: let the caller scan.
            if ready.elements[slot].predictedRemaining.isNaN {
                ready.suspendStartedIndex()
                return nil
            }
            return slot
        }
        return nil
    }

    /// The lane and key of `request` at `time`: a candidate (token ≥ 9) keyed by R, or rising,
    /// keyed by a little before the time its token reaches 9.
    func tokenKey(_ request: ReadyRequest, at time: Double) -> StartedIndex.Key {
        let token = token(of: request, at: time)
        if token >= Self.topThreshold { return StartedIndex.Key(lane: TokenLane.candidate, base: request.predictedRemaining) }
        // token + priority · (t − idleSince) / normaliser reaches 9 at this time (real
        // arithmetic); the margin keeps the key at or before the first time the computed token does.
        let idleSince = max(tokens[request].since, request.lastRun)
        let reaches = max(idleSince, time) + (Self.topThreshold - token) * normaliser(request) / request.priority
        let key = reaches.isNaN ? -Double.infinity : (reaches.isFinite ? reaches - 1e-9 * (abs(reaches) + 1) : reaches)
        return StartedIndex.Key(lane: TokenLane.rising, base: key)
    }
}
