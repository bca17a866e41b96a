import DystaCore

/// One layer as the engine ran it: which request (by engine position), where, when.
///
/// 32 bytes; kept only when a run is asked to record its timeline. The layer index is not
/// stored: a request's layers run in order, so its k-th event is layer k.
public struct TimelineEvent: Sendable, Equatable {
    /// Position of the request in engine order (arrival, then id): indexes ``Timeline/requests``.
    public var position: Int32
    /// Accelerator index (0 ..< accelerators).
    public var accelerator: Int32
    /// Start of the layer (s); includes any switch cost and decision delay charged before it.
    public var start: Double
    /// End of the layer (s).
    public var end: Double
    /// The policy's decision delay (s) charged before this layer (``SchedulingPolicy/decisionDelay()``);
    /// 0 for layers the engine ran without a decision and for policies that decide instantly.
    public var decisionDelay: Double

    /// Creates an event.
    public init(position: Int32, accelerator: Int32, start: Double, end: Double, decisionDelay: Double) {
        self.position = position
        self.accelerator = accelerator
        self.start = start
        self.end = end
        self.decisionDelay = decisionDelay
    }
}

/// Which request ran which layer when, on which accelerator: every layer of every request of
/// one run, in the order the engine ran them (kept only when asked, see
/// ``Simulator/run(_:policy:predictor:recordBusyPeriods:recordChoices:recordTimeline:)``).
public struct Timeline: Sendable, Equatable {
    /// The run's requests in engine order (arrival, then id).
    public let requests: [Request]
    /// One event per layer, in engine (decision) order; per accelerator this is time order.
    public let events: [TimelineEvent]
    /// Number of accelerators.
    public let accelerators: Int
    /// The run's context-switch cost (s).
    public let switchCost: Double

    /// Wraps recorded events.
    public init(requests: [Request], events: [TimelineEvent], accelerators: Int, switchCost: Double) {
        self.requests = requests
        self.events = events
        self.accelerators = accelerators
        self.switchCost = switchCost
    }

    /// One layer with everything derived: the request, its layer index and the switch cost
    /// charged before it.
    public struct Layer: Sendable, Equatable {
        /// The request.
        public var request: Request
        /// Its position in engine order.
        public var position: Int
        /// Layer index within the request's model (0 ..< layer count).
        public var layer: Int
        /// Accelerator index.
        public var accelerator: Int
        /// Start and end (s).
        public var start: Double
        public var end: Double
        /// Decision delay (s) charged before the layer (see ``TimelineEvent/decisionDelay``).
        public var decisionDelay: Double
        /// Context-switch cost (s) charged before the layer: the run's switch cost when the
        /// accelerator's previous layer belonged to another request, else 0.
        public var switchCost: Double
    }

    /// Every layer in engine order, with layer indices and switch costs derived.
    public func layers() -> [Layer] {
        var nextLayer = [Int32](repeating: 0, count: requests.count)
        var lastOnAccelerator = [Int32](repeating: -1, count: accelerators)
        var result: [Layer] = []
        result.reserveCapacity(events.count)
        for event in events {
            let position = Int(event.position)
            let accelerator = Int(event.accelerator)
            let previous = lastOnAccelerator[accelerator]
            let switched = previous >= 0 && previous != event.position
            lastOnAccelerator[accelerator] = event.position
            result.append(
                Layer(
                    request: requests[position], position: position, layer: Int(nextLayer[position]), accelerator: accelerator,
                    start: event.start, end: event.end, decisionDelay: event.decisionDelay,
                    switchCost: switched ? switchCost : 0))
            nextLayer[position] += 1
        }
        return result
    }

    /// What happened to one request.
    public struct RequestSummary: Sendable, Equatable {
        /// The request.
        public var request: Request
        /// Number of layers it ran.
        public var layers: Int
        /// Start of its first layer (s); NaN when it ran none.
        public var firstStart: Double
        /// End of its last layer (s); NaN when it ran none.
        public var finish: Double
        /// Times it was preempted: between two of its consecutive layers, the accelerator that
        /// ran the first of them started another request's layer before the second began.
        public var preemptions: Int
        /// Accelerators that ran at least one of its layers, ascending.
        public var accelerators: [Int]

        /// First start − arrival (s): time before the request first ran.
        public var queueingDelay: Double { firstStart - request.arrival }
        /// Whether it finished after its deadline.
        public var violated: Bool { finish > request.deadline }
    }

    /// One summary per request, in id order.
    public func requestSummaries() -> [RequestSummary] {
        let count = requests.count
        // For each event, the index of the next event on the same accelerator (-1: none).
        var nextOnAccelerator = [Int](repeating: -1, count: events.count)
        var following = [Int](repeating: -1, count: accelerators)
        for index in events.indices.reversed() {
            let accelerator = Int(events[index].accelerator)
            nextOnAccelerator[index] = following[accelerator]
            following[accelerator] = index
        }
        var layers = [Int](repeating: 0, count: count)
        var firstStart = [Double](repeating: .nan, count: count)
        var finish = [Double](repeating: .nan, count: count)
        var preemptions = [Int](repeating: 0, count: count)
        var used = [[Int]](repeating: [], count: count)
        var lastEvent = [Int](repeating: -1, count: count)
        for (index, event) in events.enumerated() {
            let position = Int(event.position)
            let previous = lastEvent[position]
            if previous < 0 {
                firstStart[position] = event.start
            } else {
                // The accelerator of the previous layer went to another request before this
                // layer was dispatched (its next event there comes earlier in engine order).
                let next = nextOnAccelerator[previous]
                if next >= 0 && next < index { preemptions[position] += 1 }
            }
            lastEvent[position] = index
            layers[position] += 1
            finish[position] = event.end
            let accelerator = Int(event.accelerator)
            if !used[position].contains(accelerator) { used[position].append(accelerator) }
        }
        let order = requests.indices.sorted { requests[$0].id < requests[$1].id }
        return order.map { position in
            RequestSummary(
                request: requests[position], layers: layers[position], firstStart: firstStart[position],
                finish: finish[position], preemptions: preemptions[position], accelerators: used[position].sorted())
        }
    }
}
