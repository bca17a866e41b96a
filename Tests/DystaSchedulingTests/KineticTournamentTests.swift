import DystaCore
import DystaScheduling
import Testing

/// The kinetic tournament against brute force: after random insertions, changes and removals
/// (growing the tree past its first 256 leaves) and time steps (some of length 0), its leader
/// has the largest value, and a search reaches every line whose value is at least the
/// threshold (and only lines within the margin of it).
@Suite("Kinetic tournament equals brute force")
struct KineticTournamentTests {
    @Test(arguments: 1...4)
    func leaderAndSearchMatchBruteForce(seed: Int) throws {
        var generator = Xoshiro256StarStar(seed: UInt64(300 + seed))
        let keys = 1000
        let tournament = KineticTournament(keys: keys, offset: 1)
        var lines = [KineticTournament.Line?](repeating: nil, count: keys)
        var time = 0.0
        func value(_ line: KineticTournament.Line) -> Double { 1 + line.slope * (time - line.start) }
        func randomLine() -> KineticTournament.Line {
            if generator.nextInt(below: 200) == 0 { return .always }
            // Coarse slopes and starts make equal values common, and close slopes make
            // crossings a few steps ahead common.
            let slope = [0.5, 1e4][generator.nextInt(below: 2)] * (1 + Double(generator.nextInt(below: 16)) / 16)
            return KineticTournament.Line(start: time - 0.001 * Double(generator.nextInt(below: 20)), slope: slope)
        }
        for step in 0..<3000 {
            // Changes: many at first, then at one step in eight (a change replays its path
            // to the root, so quiet steps are where a late certificate would show).
            let changes = step < 100 ? 10 : (generator.nextInt(below: 8) == 0 ? 1 + generator.nextInt(below: 3) : 0)
            for _ in 0..<changes {
                let key = generator.nextInt(below: keys)
                if lines[key] != nil && generator.nextInt(below: 3) == 0 {
                    lines[key] = nil
                    tournament.remove(key)
                } else {
                    let line = randomLine()
                    lines[key] = line
                    tournament.set(key, line)
                }
            }
            time += generator.nextInt(below: 4) == 0 ? 0 : 0.00002 * generator.nextUnit()
            tournament.advance(to: time)
            let present = lines.indices.filter { lines[$0] != nil }
            #expect(tournament.count == present.count)
            guard let leader = tournament.leader else {
                #expect(present.isEmpty)
                continue
            }
            let largest = present.map { value(lines[$0]!) }.max()!
            let leaderValue = value(try #require(lines[leader]))
            #expect(
                leaderValue == largest || abs(leaderValue - largest) <= 1e-12 * largest,
                "seed \(seed) step \(step): leader \(leaderValue), largest \(largest)")
            // Thresholds at the exact values of lines near the top (as a search for the best
            // score meets them): each such line, and every line above, must be reached.
            let finite = present.map { value(lines[$0]!) }.filter(\.isFinite).sorted(by: >)
            for rank in 0..<min(finite.count, 12) {
                let threshold = finite[rank]
                var visited = Set<Int>()
                tournament.search(whileBoundAtLeast: { threshold }, isLive: { _ in true }) { visited.insert($0) }
                for key in present {
                    let lineValue = value(lines[key]!)
                    if lineValue >= threshold {
                        #expect(visited.contains(key), "seed \(seed) step \(step): missed \(key) (\(lineValue) ≥ \(threshold))")
                    } else if visited.contains(key) {
                        #expect(lineValue >= threshold - 1e-9 * threshold, "seed \(seed) step \(step): visited \(key) far below")
                    }
                }
            }
        }
    }

    /// Keys a search finds departed are removed, not visited.
    @Test func departedKeysAreRemoved() {
        let tournament = KineticTournament(keys: 10, offset: 0)
        for key in 0..<10 { tournament.set(key, KineticTournament.Line(start: 0, slope: Double(key + 1))) }
        tournament.advance(to: 1)
        var visited: [Int] = []
        tournament.search(whileBoundAtLeast: { -.infinity }, isLive: { $0 % 2 == 0 }) { visited.append($0) }
        #expect(Set(visited) == [0, 2, 4, 6, 8])
        #expect(visited.first == 8, "the leader first")
        #expect(tournament.count == 5)
        #expect((0..<10).allSatisfy { tournament.contains($0) == ($0 % 2 == 0) })
        tournament.advance(to: 2)
        #expect(tournament.leader == 8)
    }
}
