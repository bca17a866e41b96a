import DystaCore

/// Records the commands sent to a ``HardwareScheduler`` and the results it expects, in the
/// stimulus format the RTL testbench replays (docs/hardware.md, "Stimulus file").
public struct StimulusRecorder: Sendable {
    /// The record lines after the header.
    public private(set) var lines: [String] = []
    /// DECIDE records so far.
    public internal(set) var decisions = 0
    /// The configuration written in the header.
    public let configuration: HardwareConfiguration

    /// Creates an empty recorder.
    public init(configuration: HardwareConfiguration) { self.configuration = configuration }

    /// Appends one record line.
    public mutating func append(_ line: String) { lines.append(line) }

    /// Appends a comment line.
    public mutating func comment(_ text: String) { lines.append("# " + text.replacingOccurrences(of: "\n", with: " ")) }

    /// The whole file.
    public var text: String {
        var text = "dysta-hw-stimulus 1\n" + configuration.rtlConfigLine + "\n"
        text.reserveCapacity(lines.count * 40)
        for line in lines {
            text += line
            text += "\n"
        }
        text += "end \(decisions)\n"
        return text
    }
}

/// Reads a stimulus file back into a ``HardwareScheduler`` and checks every expected value:
/// the model's replay of its own output (and of the Python reference's) — the same check the
/// RTL testbench makes.
public enum StimulusReplay {
    /// What a replay checked.
    public struct Summary: Sendable, Equatable {
        /// DECIDE records replayed.
        public var decisions: Int
        /// Values compared (winners, cycles, counts, scores, γ).
        public var valuesChecked: Int
    }

    /// Replays `text` (from `file`, for messages); throws a one-line error at the first
    /// malformed line or mismatch.
    public static func check(_ text: String, file: String) throws -> Summary {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func fail(_ number: Int, _ message: String) -> DystaError { DystaError(message, file: file, line: number) }
        guard lines.first == "dysta-hw-stimulus 1" else { throw fail(1, "not a dysta-hw stimulus (first line must be 'dysta-hw-stimulus 1')") }
        guard lines.count >= 2, lines[1].hasPrefix("config ") else { throw fail(2, "expected the 'config …' line") }
        var options: [(name: String, value: String)] = []
        for item in lines[1].dropFirst("config ".count).split(separator: " ") {
            let parts = item.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw fail(2, "config item '\(item)' is not name=value") }
            options.append((String(parts[0]), String(parts[1])))
        }
        let configuration: HardwareConfiguration
        do { configuration = try HardwareConfiguration.w32.applying(options) } catch let error as DystaError {
            throw fail(2, error.message)
        }
        var model = HardwareScheduler(configuration: configuration)
        var summary = Summary(decisions: 0, valuesChecked: 0)
        var ended = false
        for index in 2..<lines.count {
            let number = index + 1
            let line = lines[index]
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard !ended else { throw fail(number, "record after 'end'") }
            let fields = line.split(separator: " ").map(String.init)
            func value(_ position: Int) throws -> UInt64 {
                guard position < fields.count, let parsed = UInt64(fields[position]) else {
                    throw fail(number, "field \(position + 1) of '\(fields[0])' is missing or not a non-negative integer")
                }
                return parsed
            }
            func expect(_ what: String, _ expected: UInt64, _ actual: UInt64) throws {
                summary.valuesChecked += 1
                if expected != actual { throw fail(number, "MISMATCH \(what): expected \(expected), model \(actual)") }
            }
            switch fields[0] {
            case "W":
                guard fields.count == 4 else { throw fail(number, "W takes 3 fields") }
                guard let table = HardwareTable(rawValue: Int(try value(1))) else { throw fail(number, "unknown table id \(fields[1])") }
                do { try model.write(table, index: Int(try value(2)), value: try value(3)) } catch let error as DystaError {
                    throw fail(number, error.message)
                }
            case "E":
                guard fields.count == 4 else { throw fail(number, "E takes 3 fields") }
                let variant = try value(1)
                guard variant < UInt64(configuration.maxVariants) else { throw fail(number, "variant \(variant) outside the tables") }
                guard model.count < configuration.depth else { throw fail(number, "enqueue into a full table") }
                let deadline = try value(2), arrival = try value(3)
                guard deadline <= model.timeLimit, arrival <= model.timeLimit else { throw fail(number, "time does not fit \(configuration.timeBits) bits") }
                model.enqueue(variant: Int(variant), deadline: deadline, arrival: arrival)
            case "L":
                guard fields.count == 4 else { throw fail(number, "L takes 3 fields") }
                guard model.running >= 0 else { throw fail(number, "layer done without a running request") }
                let now = try value(2)
                guard now <= model.timeLimit else { throw fail(number, "time does not fit \(configuration.timeBits) bits") }
                _ = model.layerDone(nonzeros: try value(1), now: now)
                try expect("layer-done cycles", try value(3), UInt64(HardwareConfiguration.layerDoneCycles))
            case "D":
                guard fields.count >= 5 else { throw fail(number, "D takes at least 4 fields") }
                guard model.count > 0 else { throw fail(number, "decide on an empty table") }
                let now = try value(1)
                guard now <= model.timeLimit else { throw fail(number, "time does not fit \(configuration.timeBits) bits") }
                let slot = model.decide(now: now)
                try expect("chosen slot", try value(2), UInt64(slot))
                try expect("decide cycles", try value(3), UInt64(configuration.decideCycles(occupied: model.count)))
                try expect("occupancy", try value(4), UInt64(model.count))
                guard fields.count == 5 + 2 * model.count else { throw fail(number, "D lists \((fields.count - 5) / 2) slots, the model has \(model.count)") }
                for occupied in 0..<model.count {
                    let state = model.slotState(occupied)
                    try expect("score of slot \(occupied)", try value(5 + 2 * occupied), state.score)
                    try expect("gamma of slot \(occupied)", try value(6 + 2 * occupied), state.gamma)
                }
                summary.decisions += 1
            case "X":
                // A refused command: the model must refuse it with the error its letter names.
                guard fields.count >= 2, let error = HardwareHostError.allCases.first(where: { fields[1] == String($0.command) }) else {
                    throw fail(number, "X takes a command letter D, E or L")
                }
                let arity = error.fieldCount
                guard fields.count == 2 + arity else { throw fail(number, "X \(fields[1]) takes \(arity) fields") }
                for position in 2..<fields.count { _ = try value(position) }
                try expect("host error of X \(fields[1])", UInt64(error.rawValue), UInt64(model.hostError(error.command)?.rawValue ?? 0))
            case "end":
                guard fields.count == 2, let count = Int(fields[1]) else { throw fail(number, "end takes the decision count") }
                guard count == summary.decisions else { throw fail(number, "end says \(count) decisions, the file has \(summary.decisions)") }
                ended = true
            default:
                throw fail(number, "unknown record '\(fields[0])' (expected W, E, L, D, X or end)")
            }
        }
        guard ended else { throw fail(lines.count, "missing 'end' line (truncated file?)") }
        return summary
    }
}
