extension ReadyQueue {
    /// Searches the scanned requests for those whose upper bound `offset + slope · (t − start)`
    /// (from `line`) can reach `bound()`, through the ``StartedIndex``'s ``KineticTournament``;
    /// false when the queue keeps no such index (the caller scans).
    ///
    /// `line(request)` must not change while a request waits (it may read only fields the
    /// engine updates when the request runs a layer), and its value must be at least the
    /// policy's score at every later decision; ``KineticTournament/Line/always`` makes a
    /// request visited at every search. `visit` gets every request whose bound at `time`
    /// (with a 10⁻¹² relative margin) is at least `bound()`, re-read after every visit, with
    /// its index. Decision times must not decrease between rebuilds; an earlier time rebuilds
    /// the tournament (O(queue)), as does the first search after ``suspendStartedIndex()``.
    public mutating func searchStartedLines(
        at time: Double, offset: Double, line: (ReadyRequest) -> KineticTournament.Line,
        whileBoundAtLeast bound: () -> Double, visit: (Int, ReadyRequest) -> Void
    ) -> Bool {
        guard let started else { return false }
        let tournament: KineticTournament
        if let existing = started.tournament, existing.offset == offset {
            tournament = existing
        } else {
            tournament = KineticTournament(keys: started.slots.count, offset: offset)
            started.tournament = tournament
            started.keyCount = 0
        }
        if started.keyCount == 0 || time < tournament.time || tournament.count > 2 * elements.count + 64 {
            // (Re)build from every scanned request; changes are recorded from now on.
            for lane in started.lanes.indices { started.lanes[lane].removeAll(keepingCapacity: true) }
            started.entryCount = 0
            started.changed.removeAll(keepingCapacity: true)
            started.keyCount = 1
            tournament.reset(expectedCount: elements.count)
            for request in elements { tournament.set(request.position, line(request)) }
        } else {
            for position in started.changed {
                let slot = Int(started.slots[Int(position)])
                if slot >= 0 {
                    tournament.set(Int(position), line(elements[slot]))
                } else {
                    tournament.remove(Int(position))
                }
            }
            started.changed.removeAll(keepingCapacity: true)
        }
        tournament.advance(to: time)
        #if DYSTA_COUNTERS
            SearchCounters.searched(scanned: elements.count)
        #endif
        let slots = started.slots
        tournament.search(whileBoundAtLeast: bound, isLive: { slots[$0] >= 0 }) { position in
            #if DYSTA_COUNTERS
                SearchCounters.entries += 1
            #endif
            let slot = Int(slots[position])
            visit(slot, elements[slot])
        }
        return true
    }
}
