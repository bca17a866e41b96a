import DystaCore

/// The tables the host writes (docs/hardware.md, "Host protocol": WRITE table ids).
public enum HardwareTable: Int, Sendable, CaseIterable {
    case remaining = 0, penalty, mantissa, shift, layers, reciprocalN, reciprocalK, beta

    /// The name used in docs and messages.
    public var name: String {
        ["rem", "pen", "mant", "shift", "layers", "recipn", "recipk", "beta"][rawValue]
    }
}

/// A command the scheduler refuses (docs/hardware.md, "Host errors"): the RTL's `err` output
/// after it. A refused command changes nothing else and takes one cycle.
public enum HardwareHostError: Int, Sendable, CaseIterable {
    /// DECIDE with no occupied slot.
    case decideOnEmpty = 1
    /// ENQUEUE with every slot occupied.
    case enqueueIntoFull = 2
    /// LAYER_DONE with no running request (before any DECIDE, or after the running one finished).
    case layerDoneNotRunning = 3

    /// The stimulus letter of the refused command.
    public var command: Character { ["D", "E", "L"][rawValue - 1] }
    /// How many fields an `X` record of the command carries (its own inputs: D 1, E 3, L 2).
    public var fieldCount: Int { [1, 3, 2][rawValue - 1] }
}

/// The bit-accurate model of the hardware scheduler: request slots, tables, the γ unit, the
/// score unit and the selection unit, with the RTL's integer arithmetic and busy cycles.
///
/// Driven by the same four commands as the RTL: ``write(_:index:value:)``,
/// ``enqueue(variant:deadline:arrival:)``, ``layerDone(nonzeros:now:)`` and ``decide(now:)``.
/// When a ``StimulusRecorder`` is attached, every command and the expected results are recorded
/// for co-simulation.
public struct HardwareScheduler: Sendable {
    /// The parameters.
    public let configuration: HardwareConfiguration

    // Tables.
    var remaining: [UInt64]
    var penalty: [UInt64]
    var mantissa: [UInt64]
    var shift: [UInt64]
    var layers: [UInt64]
    var reciprocalN: [UInt64]
    var reciprocalK: [UInt64]
    var beta: UInt64 = 0

    // Slots.
    var slotVariant: [Int]
    var slotLayer: [Int]
    var slotGamma: [UInt64]
    var slotSum: [UInt64]
    var slotDeadline: [UInt64]
    var slotLastRun: [UInt64]
    var slotScore: [UInt64]
    /// Occupied slots n.
    public private(set) var count = 0
    /// The slot chosen by the last DECIDE; −1 before the first and after its request finished.
    public private(set) var running = -1

    /// Commands and expected results, when recording.
    public var recorder: StimulusRecorder?

    let scoreBits: Int
    let scoreFrac: Int
    let gammaBits: Int
    let gammaFrac: Int
    let timeMax: UInt64
    let layerStride: Int
    let paperScore: Bool
    let meanGamma: Bool

    /// Creates an empty scheduler (tables zero); the configuration must be valid.
    public init(configuration: HardwareConfiguration, recording: Bool = false) {
        self.configuration = configuration
        let depth = configuration.depth
        let entries = configuration.maxVariants * configuration.maxLayers
        remaining = Array(repeating: 0, count: entries)
        penalty = Array(repeating: 0, count: configuration.maxVariants)
        mantissa = Array(repeating: 0, count: entries)
        shift = Array(repeating: 0, count: entries)
        layers = Array(repeating: 0, count: configuration.maxVariants)
        reciprocalN = Array(repeating: 0, count: depth)
        reciprocalK = Array(repeating: 0, count: configuration.maxLayers)
        slotVariant = Array(repeating: 0, count: depth)
        slotLayer = Array(repeating: 0, count: depth)
        slotGamma = Array(repeating: 0, count: depth)
        slotSum = Array(repeating: 0, count: depth)
        slotDeadline = Array(repeating: 0, count: depth)
        slotLastRun = Array(repeating: 0, count: depth)
        slotScore = Array(repeating: 0, count: depth)
        scoreBits = configuration.scoreBits
        scoreFrac = configuration.scoreFrac
        gammaBits = configuration.gammaBits
        gammaFrac = configuration.gammaFrac
        timeMax = FixedPoint.maxValue(configuration.timeBits)
        layerStride = configuration.maxLayers
        paperScore = configuration.scoreRule == .paper
        meanGamma = configuration.gammaRule == .mean
        recorder = recording ? StimulusRecorder(configuration: configuration) : nil
    }

    /// Width in bits of each table's entries.
    public func entryBits(_ table: HardwareTable) -> Int {
        switch table {
        case .remaining: return scoreBits
        case .penalty: return 32
        case .mantissa: return 16
        case .shift: return 6
        case .layers: return configuration.layerBits + 1
        case .reciprocalN, .reciprocalK: return 17
        case .beta: return 24
        }
    }

    /// Number of entries of each table.
    public func entryCount(_ table: HardwareTable) -> Int {
        switch table {
        case .remaining, .mantissa, .shift: return remaining.count
        case .penalty, .layers: return penalty.count
        case .reciprocalN: return reciprocalN.count
        case .reciprocalK: return reciprocalK.count
        case .beta: return 1
        }
    }

    /// WRITE: one table entry; throws when the index or value does not fit.
    public mutating func write(_ table: HardwareTable, index: Int, value: UInt64) throws {
        guard index >= 0, index < entryCount(table) else {
            throw DystaError("hardware table \(table.name): index \(index) outside 0 … \(entryCount(table) - 1)")
        }
        guard value <= FixedPoint.maxValue(entryBits(table)) else {
            throw DystaError("hardware table \(table.name): value \(value) does not fit \(entryBits(table)) bits")
        }
        switch table {
        case .remaining: remaining[index] = value
        case .penalty: penalty[index] = value
        case .mantissa: mantissa[index] = value
        case .shift: shift[index] = value
        case .layers: layers[index] = value
        case .reciprocalN: reciprocalN[index] = value
        case .reciprocalK: reciprocalK[index] = value
        case .beta: beta = value
        }
        recorder?.append("W \(table.rawValue) \(index) \(value)")
    }

    /// The error the scheduler answers the command `letter` (D, E or L) with in this state; nil when it accepts it.
    public func hostError(_ letter: Character) -> HardwareHostError? {
        switch letter {
        case "D": return count == 0 ? .decideOnEmpty : nil
        case "E": return count == configuration.depth ? .enqueueIntoFull : nil
        case "L": return running < 0 ? .layerDoneNotRunning : nil
        default: return nil
        }
    }

    /// Sends a command the scheduler refuses (``hostError(_:)`` must name it): nothing changes;
    /// recorded as `X <letter> <fields>` (`fields`: the command's own, as in its D, E or L record).
    public mutating func refuse(_ error: HardwareHostError, fields: [UInt64]) {
        precondition(hostError(error.command) == error, "the scheduler accepts this command")
        recorder?.append("X \(error.command)" + fields.map { " \($0)" }.joined())
    }

    /// ENQUEUE: a new request in slot n (the host never enqueues into a full table; see ``hostError(_:)``).
    public mutating func enqueue(variant: Int, deadline: UInt64, arrival: UInt64) {
        precondition(count < configuration.depth, "enqueue into a full table")
        let slot = count
        slotVariant[slot] = variant
        slotLayer[slot] = 0
        slotGamma[slot] = FixedPoint.saturate(UInt64(1) << UInt64(gammaFrac), gammaBits)
        slotSum[slot] = 0
        slotDeadline[slot] = deadline
        slotLastRun[slot] = arrival
        slotScore[slot] = 0
        count += 1
        recorder?.append("E \(variant) \(deadline) \(arrival)")
    }

    /// What LAYER_DONE did to the slots.
    public struct LayerOutcome: Sendable, Equatable {
        /// The slot whose layer ended.
        public var slot: Int
        /// Whether that was its last layer (the slot was freed).
        public var finished: Bool
        /// When freed: the slot whose request moved into `slot` (nil if it was the last one).
        public var movedFrom: Int?
    }

    /// LAYER_DONE: the running request's layer ended at `now` with `nonzeros` non-zero outputs.
    public mutating func layerDone(nonzeros: UInt64, now: UInt64) -> LayerOutcome {
        precondition(running >= 0, "layer done without a running request")
        let slot = running
        let variant = slotVariant[slot]
        let layer = slotLayer[slot]  // < maxLayers: stored in layer_bits bits
        let entry = variant * layerStride + layer
        let ratio = FixedPoint.multiplyShiftSaturate(
            FixedPoint.saturate(nonzeros, 32), mantissa[entry], shift: Int(shift[entry]), bits: gammaBits)
        if meanGamma {
            let sum = FixedPoint.saturate(slotSum[slot] + ratio, configuration.sumBits)
            slotSum[slot] = sum
            slotGamma[slot] = FixedPoint.multiplyShiftSaturate(sum, reciprocalK[layer], shift: FixedPoint.fractionBits, bits: gammaBits)
        } else {
            slotGamma[slot] = ratio
        }
        // k is stored in layer_bits bits (it wraps only when the host wrote a layer count beyond
        // the capacity, which the host never does).
        slotLayer[slot] = (layer + 1) & (layerStride - 1)
        slotLastRun[slot] = now
        recorder?.append("L \(nonzeros) \(now) \(HardwareConfiguration.layerDoneCycles)")
        // The request keeps running (its next layer may follow without a DECIDE) until it finishes.
        guard UInt64(layer + 1) >= layers[variant] else { return LayerOutcome(slot: slot, finished: false, movedFrom: nil) }
        running = -1
        let last = count - 1
        if slot != last {
            slotVariant[slot] = slotVariant[last]
            slotLayer[slot] = slotLayer[last]
            slotGamma[slot] = slotGamma[last]
            slotSum[slot] = slotSum[last]
            slotDeadline[slot] = slotDeadline[last]
            slotLastRun[slot] = slotLastRun[last]
            slotScore[slot] = slotScore[last]
        }
        count -= 1
        return LayerOutcome(slot: slot, finished: true, movedFrom: slot != last ? last : nil)
    }

    /// The score of slot `slot` at `now` with `occupied` slots (docs/hardware.md, "Score").
    @inline(__always) func score(slot: Int, now: UInt64, reciprocal: UInt64) -> UInt64 {
        let variant = slotVariant[slot]
        let estimate = remaining[variant * layerStride + slotLayer[slot]]
        let predicted = FixedPoint.multiplyShiftSaturate(slotGamma[slot], estimate, shift: gammaFrac, bits: scoreBits)
        let deadline = slotDeadline[slot]
        let slack = deadline > now ? deadline - now : 0
        let slackFixed = slack << UInt64(scoreFrac)  // T + F ≤ 56 bits
        let urgency = paperScore ? slackFixed : (slackFixed > predicted ? slackFixed - predicted : 0)
        let urgencyTerm = FixedPoint.multiplyShiftSaturate(urgency, beta, shift: FixedPoint.fractionBits, bits: scoreBits)
        // now ≥ lastRun for any stream the host sends; otherwise the difference wraps modulo 2^T as in the RTL.
        let idle = (now &- slotLastRun[slot]) & timeMax
        let penaltyTerm = FixedPoint.multiplyShiftSaturate(idle, penalty[variant], shift: FixedPoint.fractionBits - scoreFrac, bits: scoreBits)
        let normalised = paperScore ? penaltyTerm : FixedPoint.multiplyShiftSaturate(penaltyTerm, reciprocal, shift: FixedPoint.fractionBits, bits: scoreBits)
        return FixedPoint.saturate(predicted + urgencyTerm + normalised, scoreBits)
    }

    /// DECIDE: rescores every occupied slot at `now` and returns the lowest score's slot
    /// (the lower slot on ties), which becomes the running slot.
    public mutating func decide(now: UInt64) -> Int {
        precondition(count > 0, "decide on an empty table")
        let reciprocal = reciprocalN[count - 1]
        var best = 0
        var bestScore = UInt64.max
        for slot in 0..<count {
            let value = score(slot: slot, now: now, reciprocal: reciprocal)
            slotScore[slot] = value
            if value < bestScore {
                bestScore = value
                best = slot
            }
        }
        running = best
        if recorder != nil {
            var line = "D \(now) \(best) \(configuration.decideCycles(occupied: count)) \(count)"
            for slot in 0..<count { line += " \(slotScore[slot]) \(slotGamma[slot])" }
            recorder!.append(line)
            recorder!.decisions += 1
        }
        return best
    }

    /// The stored score and γ of an occupied slot.
    public func slotState(_ slot: Int) -> (score: UInt64, gamma: UInt64) { (slotScore[slot], slotGamma[slot]) }

    /// Largest value of the time counter.
    public var timeLimit: UInt64 { timeMax }
}
