import DystaCore
import DystaScheduling

/// `dysta-hw`: Dysta's dynamic level as hardware — the bit-accurate ``HardwareScheduler`` driven
/// by a host that keeps a FIFO for requests beyond the queue depth, with the decision's cycles
/// charged on the timeline (docs/hardware.md).
///
/// At every decision the policy also computes which request the floating-point `dysta` would
/// pick from the same ready queue, so runs report how often the hardware agrees with it.
public struct DystaHardwarePolicy: SchedulingPolicy {
    /// The name it was selected by (e.g. `dysta-hw[preset=w16]`).
    public let name: String
    /// The hardware parameters.
    public let configuration: HardwareConfiguration
    /// β of the score.
    public let beta: Double
    /// Whether the run records a co-simulation stimulus (``stimulus``).
    public let recordsStimulus: Bool

    public var estimateSource: EstimateSource { .patternAware }
    /// The engine keeps the software γ current for the agreement check; the hardware computes its own.
    public var usesSparsityMonitor: Bool { true }
    public var observesExecution: Bool { true }
    /// The queue `dysta` uses (fresh requests in the engine's fresh index, started ones
    /// tracked by position), so a decision finds the arrivals (the run's request table up to
    /// the decision instant) and the chosen slot's request without scanning the queue, and
    /// float `dysta`'s choice by `dysta`'s own indexed selection. Without that index (the
    /// engine's index off, or a fitted predictor) `select` scans, as the reference does.
    public var freshRanking: FreshRanking { shadow.freshRanking }

    /// Statistics of one run.
    public struct Statistics: Sendable, Equatable {
        /// DECIDE commands.
        public var decisions = 0
        /// Decisions where float `dysta` would have picked the same request.
        public var agreements = 0
        /// Cycles of all decisions (LAYER_DONE, ENQUEUEs and DECIDE at each decision instant).
        public var decisionCycles = 0
        /// Largest cycles of one decision.
        public var maxDecisionCycles = 0
        /// Seconds the accelerator waited for decisions.
        public var chargedSeconds = 0.0
        /// Largest number of requests waiting in the host FIFO.
        public var maxFIFO = 0
        /// Fraction of decisions that agree with float `dysta`.
        public var agreement: Double { decisions == 0 ? 1 : Double(agreements) / Double(decisions) }
    }

    /// What the last run measured.
    public private(set) var statistics = Statistics()

    var hardware: HardwareScheduler
    var tables: HardwareTables?
    var requests: [Request] = []
    var slotOfPosition: [Int32] = []
    var positionOfSlot: [Int] = []
    var known: [Bool] = []
    var fifo: [Int] = []
    var fifoHead = 0
    var readyIndex: [Int32] = []
    var arrivals: [Int] = []
    /// The first request position not yet arrived at the last decision.
    var arrivalCursor = 0
    var layerEnd = -Double.infinity
    var layerDuration = 0.0
    var monitorLagCycles = 0
    var delay = 0.0
    var shadow: DystaPolicy
    var unitsPerSecond = 1.0
    var monitorOutputs: [[Double]] = []

    /// The name users select it by (the registry and the option errors read it from here).
    public static let policyName = "dysta-hw"
    /// The host FIFO drops its consumed front once more than this many entries were taken and
    /// they are over half of it (amortised O(1) per entry; small FIFOs are never copied).
    static let fifoCompactionThreshold = 4096

    /// Creates the policy (the configuration must be valid).
    public init(name: String = DystaHardwarePolicy.policyName, configuration: HardwareConfiguration, beta: Double = RunDefaults.beta, recordsStimulus: Bool = false) {
        self.name = name
        self.configuration = configuration
        self.beta = beta
        self.recordsStimulus = recordsStimulus
        self.hardware = HardwareScheduler(configuration: configuration, recording: recordsStimulus)
        self.shadow = DystaPolicy(form: .full, beta: beta)
    }

    /// The co-simulation stimulus of the last run (when ``recordsStimulus``).
    public var stimulus: StimulusRecorder? { hardware.recorder }

    /// The time unit of the last run (s).
    public var timeUnitSeconds: Double? { tables?.timeUnitSeconds }

    public mutating func prepare(for run: RunSetup) throws {
        guard run.accelerators == 1 else {
            throw DystaError("dysta-hw models one scheduler beside one accelerator: run it with 1 accelerator")
        }
        let tables = try HardwareTables(profile: run.profile, configuration: configuration, beta: beta)
        hardware = HardwareScheduler(configuration: configuration, recording: recordsStimulus)
        if recordsStimulus {
            hardware.recorder!.comment(
                "workload \(run.profile.name), \(run.requests.count) requests, time unit 2^\(tables.timeUnitLog2) cycles at \(configuration.clockHz) Hz, beta \(beta)")
        }
        for write in tables.writes { try hardware.write(write.table, index: write.index, value: write.value) }
        // Every time the run can reach fits the counter: the last arrival (or deadline) plus all
        // work plus the longest decisions.
        unitsPerSecond = 1 / tables.timeUnitSeconds
        var horizon = 0.0
        var work = 0.0
        for request in run.requests {
            horizon = max(horizon, request.arrival + request.target)
            work += run.profile.variants[request.variant].isolated[request.sample]
        }
        let layersTotal = run.requests.reduce(0) { $0 + run.profile.variants[$1.variant].layerCount }
        let worstCycles = Double(configuration.decideCycles(occupied: configuration.depth) + HardwareConfiguration.layerDoneCycles + configuration.depth)
        let lagBound = run.profile.variants.map { ($0.monitorOutputs.max() ?? 0) / Double(configuration.monitorLanes) }.max() ?? 0
        let end = max(horizon, (run.requests.last?.arrival ?? 0) + work + Double(layersTotal) * (worstCycles + lagBound + 1) / configuration.clockHz)
        guard end * unitsPerSecond < Double(hardware.timeLimit) else {
            throw DystaError(
                "dysta-hw: the run may reach \(Int(end.rounded(.up))) s, beyond the \(configuration.timeBits)-bit time counter "
                    + "(\(Int(Double(hardware.timeLimit) / unitsPerSecond)) s at a time unit of 2^\(tables.timeUnitLog2) cycles); "
                    + "raise --hw-time-bits or --hw-time-unit")
        }
        self.tables = tables
        monitorOutputs = run.profile.variants.map(\.monitorOutputs)
        requests = run.requests
        let count = run.requests.count
        slotOfPosition = Array(repeating: -1, count: count)
        positionOfSlot = Array(repeating: -1, count: configuration.depth)
        known = Array(repeating: false, count: count)
        readyIndex = Array(repeating: -1, count: count)
        fifo = []
        fifoHead = 0
        arrivalCursor = 0
        shadow = DystaPolicy(form: .full, beta: beta)
        layerEnd = -.infinity
        statistics = Statistics()
    }

    /// A time in seconds as the counter shows it: ⌊t / unit⌋.
    @inline(__always) func counter(_ seconds: Double) -> UInt64 {
        min(UInt64((seconds * unitsPerSecond).rounded(.down)), hardware.timeLimit)
    }

    public mutating func layerEnded(_ request: ReadyRequest, start: Double, end: Double) {
        let position = request.position
        let slot = Int(slotOfPosition[position])
        guard slot >= 0, slot == hardware.running, let tables else { return }
        let layer = request.nextLayer - 1
        let cell = request.sample * request.layerCount + layer
        let outcome = hardware.layerDone(nonzeros: tables.nonzeros[request.variant][cell], now: counter(end))
        if outcome.finished {
            slotOfPosition[position] = -1
            if let moved = outcome.movedFrom {
                let movedPosition = positionOfSlot[moved]
                positionOfSlot[slot] = movedPosition
                slotOfPosition[movedPosition] = Int32(slot)
            }
            positionOfSlot[hardware.count] = -1
        }
        layerEnd = end
        layerDuration = end - start
        // The monitor counts `monitorLanes` outputs per cycle while the layer runs; a count not
        // finished when the layer ends delays LAYER_DONE.
        let countingCycles = (monitorOutputs[request.variant][cell] / Double(configuration.monitorLanes)).rounded(.up)
        monitorLagCycles = Int(max(0, countingCycles - (layerDuration * configuration.clockHz).rounded(.down)))
    }

    public mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let time = context.time
        let tracked = ready.tracksPositions
        if tracked {
            // The engine has admitted every request that arrived by now, in position order.
            while arrivalCursor < requests.count && requests[arrivalCursor].arrival <= time {
                known[arrivalCursor] = true
                fifo.append(arrivalCursor)
                arrivalCursor += 1
            }
        } else {
            arrivals.removeAll(keepingCapacity: true)
            for index in ready.indices {
                let position = ready[index].position
                readyIndex[position] = Int32(index)
                if !known[position] { arrivals.append(position) }
            }
            if !arrivals.isEmpty {
                arrivals.sort()  // positions are in arrival, then id order
                for position in arrivals {
                    known[position] = true
                    fifo.append(position)
                }
            }
        }
        var cycles = 0
        while hardware.count < configuration.depth && fifoHead < fifo.count {
            let position = fifo[fifoHead]
            fifoHead += 1
            let request = requests[position]
            let slot = hardware.count
            hardware.enqueue(variant: request.variant, deadline: counter(request.arrival + request.target), arrival: counter(request.arrival))
            slotOfPosition[position] = Int32(slot)
            positionOfSlot[slot] = position
            cycles += HardwareConfiguration.writeCycles
        }
        if fifoHead > Self.fifoCompactionThreshold && fifoHead * 2 > fifo.count {
            fifo.removeFirst(fifoHead)
            fifoHead = 0
        }
        statistics.maxFIFO = max(statistics.maxFIFO, fifo.count - fifoHead)
        let occupied = hardware.count
        let slot = hardware.decide(now: counter(time))
        let position = positionOfSlot[slot]
        let chosen = tracked ? Self.scannedIndex(ofPosition: position, in: &ready) : Int(readyIndex[position])
        // The decision's cycles: ENQUEUEs now, DECIDE, and the LAYER_DONE (with the monitor's
        // lag) when this decision follows a layer that just ended.
        cycles += configuration.decideCycles(occupied: occupied)
        var hidden = 0.0
        if layerEnd == time {
            cycles += HardwareConfiguration.layerDoneCycles + monitorLagCycles
            hidden = layerDuration
        }
        let seconds = Double(cycles) / configuration.clockHz
        delay = configuration.timing == .serial ? seconds : max(0, seconds - hidden)
        statistics.decisions += 1
        statistics.decisionCycles += cycles
        statistics.maxDecisionCycles = max(statistics.maxDecisionCycles, cycles)
        statistics.chargedSeconds += delay
        // Float dysta's choice from the same ready queue.
        let best: Int
        if tracked {
            // `dysta`'s selection may promote a fresh request: indices of scanned ones stay.
            best = shadow.select(from: &ready, context: context)
        } else {
            let readyCount = ready.totalCount
            var scanned = 0
            var bestScore = shadow.score(ready[0], at: time, readyCount: readyCount)
            for index in 1..<ready.count {
                let value = shadow.score(ready[index], at: time, readyCount: readyCount)
                if value < bestScore || (value == bestScore && ready[index].winsTie(against: ready[scanned])) {
                    scanned = index
                    bestScore = value
                }
            }
            best = scanned
        }
        if best == chosen { statistics.agreements += 1 }
        return chosen
    }

    public mutating func decisionDelay() -> Double { delay }

    /// The scanned index of request `position`, promoting it from the fresh index first when
    /// it has not started (the hardware may pick a request `dysta` would not).
    static func scannedIndex(ofPosition position: Int, in ready: inout ReadyQueue) -> Int {
        if let index = ready.scannedIndex(ofPosition: position) { return index }
        let fresh = ready.fresh!
        let group = fresh.group(ofPosition: position)
        return ready.promoteFresh(group: group, member: fresh.member(ofPosition: position))
    }
}
