import DystaCore

extension SDRM3Policy {
    /// `sdrm3-sparse`'s selection through a kinetic tournament of score bounds (default
    /// semantics, α > 0, long queues); nil when the caller must scan.
    ///
    /// MapScore = urgency + α · idle / c with urgency ≤ 1 and c = γ · (estimate of the next
    /// layer), which does not change while a request waits; so 1 + (α / c) · (t − lastRun) is
    /// an upper bound of the score at every later time (computed with the same monotone
    /// floating-point steps, up to the rounding of α / c that the search's margin covers), a
    /// line in t — exact for late requests. With γ the slopes α / c are all different, so
    /// instead of heap lanes of equal slope (plain `sdrm3`) the lines go into one
    /// ``KineticTournament``: a search descends only into subtrees whose largest bound can
    /// still reach the best exact score found so far, and the maximum of (score, earlier
    /// arrival, lower id) runs — the scan's choice. Requests with c ≤ 0 or a non-finite
    /// bound are visited at every decision; a NaN score makes the caller scan.
    mutating func selectKinetic(from ready: inout ReadyQueue, time: Double) -> Int? {
        guard ready.fresh != nil, ready.tracksPositions, alpha > 0, alpha.isFinite else { return nil }
        guard ready.startedHeapsPay(low: 128, high: 256) else { return nil }
        let alpha = self.alpha
        var best = Candidate()  // by (−score, arrival, id): the largest score first
        var sawNaN = false
        let searched = ready.searchStartedLines(
            at: time, offset: 1, line: { Self.boundLine(of: $0, alpha: alpha) },
            whileBoundAtLeast: { best.empty ? -.infinity : -best.score }
        ) { index, request in
            let score = mapScore(request, at: time, semantics: .default)
            guard !score.isNaN else {
                sawNaN = true
                return
            }
            best.offer(score: -score, arrival: request.arrival, id: request.id, index: index, group: -1, member: -1)
        }
        // A NaN score never wins a scan's comparisons but can win its first place: scan.
        if sawNaN {
            ready.suspendStartedIndex()
            return nil
        }
        return searched && best.index >= 0 ? best.index : nil
    }

    /// The bound line of a request: growth α / c from its last run, or visited always when
    /// c ≤ 0 (its fairness is then a constant) or a value is not finite.
    static func boundLine(of request: ReadyRequest, alpha: Double) -> KineticTournament.Line {
        let divisor = request.gamma * request.estimatedNextLayer
        guard divisor > 0, request.lastRun.isFinite else { return .always }
        let slope = alpha / divisor
        guard slope.isFinite else { return .always }
        return KineticTournament.Line(start: request.lastRun, slope: slope)
    }
}
