import DystaCore

/// The outcome of every request of a run, in id order, built on access from what the engine
/// keeps per request: its finish time and real isolated latency (16 bytes) next to the request
/// table the run already holds — instead of one 64-byte record per request.
///
/// Metrics read it in id order (so sums do not depend on how the records are stored) and per-
/// request output materialises ``CompletedRequest`` values only when asked for.
public struct CompletedRequests: RandomAccessCollection, Sendable, Equatable {
    /// The requests in the engine's order (arrival, then id).
    let requests: [Request]
    /// Finish time (s) by engine position.
    let finish: [Double]
    /// Real isolated latency (s) by engine position.
    let isolated: [Double]
    /// Engine positions in id order; nil when the engine order is already id order.
    let positionOfRank: [Int32]?

    /// Wraps the engine's per-position results.
    init(requests: [Request], finish: [Double], isolated: [Double]) {
        self.requests = requests
        self.finish = finish
        self.isolated = isolated
        var idOrdered = true
        var index = 1
        while index < requests.count && idOrdered {
            idOrdered = requests[index - 1].id < requests[index].id
            index += 1
        }
        if idOrdered {
            positionOfRank = nil
        } else {
            positionOfRank = requests.indices.sorted { requests[$0].id < requests[$1].id }.map { Int32($0) }
        }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { requests.count }

    /// The record of the request of rank `index` in id order.
    public subscript(index: Int) -> CompletedRequest {
        let position = positionOfRank.map { Int($0[index]) } ?? index
        let request = requests[position]
        return CompletedRequest(
            id: request.id, variant: request.variant, sample: request.sample, priority: request.priority,
            arrival: request.arrival, deadline: request.deadline, finish: finish[position],
            isolated: isolated[position])
    }

    public static func == (lhs: CompletedRequests, rhs: CompletedRequests) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
