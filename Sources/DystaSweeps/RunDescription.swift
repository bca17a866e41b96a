import DystaRegistries
import DystaCore
import Foundation

/// One simulation run described as a value: workload, accelerator, arrivals, SLO, schedulers,
/// predictor, rules, seeds and the hardware scheduler's options.
///
/// Every front end builds this one value and runs it: `dysta simulate` from its flags (and
/// from `--run FILE`, which reads the JSON `--print-run` writes), the Python package from the
/// arguments of `dysta.simulate`. Absent fields take ``RunDefaults``; ``resolved()`` fills them
/// in, so a printed description names every setting. Keys are snake_case
/// (docs/file-formats.md, "Run description").
public struct RunDescription: Codable, Sendable, Equatable {
    /// Shipped benchmark workload (exclusive with ``traces``; default `attention`).
    public var workload: String?
    /// A folder of trace files used as the workload.
    public var traces: String?
    /// Format of ``traces``: `native`, `sanger` or `eyeriss`.
    public var traceKind: String?
    /// Latency model (nil: the workload's own).
    public var accelerator: String?
    /// Latency-model parameter overrides, name → value (e.g. `clock_hz` → `4e8`).
    public var acceleratorParameters: [String: String]?
    /// Sanger sequence length in tokens for every sample.
    public var seqLen: Int?
    /// Deployment scenario (sets workload, arrivals, SLO and accelerators).
    public var scenario: String?
    /// Poisson arrival rate in requests/s (nil: ``RunDefaults/rate(for:)``, or ``load``).
    public var rate: Double?
    /// Offered load ρ instead of a rate.
    public var load: Double?
    /// A request table replayed instead of generated arrivals (path).
    public var replay: String?
    /// Requests per seed.
    public var requests: Int?
    /// SLO multiplier.
    public var slo: Double?
    /// Scheduler names, with options in brackets (nil: every policy listed by default).
    public var schedulers: [String]?
    /// Seeds, one request stream each.
    public var seeds: [UInt64]?
    /// `default` or `artifact`.
    public var semantics: String?
    /// Sparsity predictor.
    public var predictor: String?
    /// SDRM3's α.
    public var alpha: Double?
    /// Dysta's β.
    public var beta: Double?
    /// Accelerators sharing the ready queue.
    public var accelerators: Int?
    /// Context-switch cost (s).
    public var switchCost: Double?
    /// `dysta-hw` parameters (docs/hardware.md), name → value, applied over the `w32` preset.
    public var hardware: [String: String]?

    /// Creates an empty description (every setting at its default).
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case workload, traces, traceKind = "trace_kind", accelerator, acceleratorParameters = "accelerator_parameters"
        case seqLen = "seq_len", scenario, rate, load, replay, requests, slo, schedulers, seeds, semantics, predictor
        case alpha, beta, accelerators, switchCost = "switch_cost", hardware
    }

    /// Decodes a description; unknown keys are refused, naming the known ones.
    public init(from decoder: any Decoder) throws {
        try SettingsFile.refuseUnknownKeys(in: decoder, known: CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        workload = try c.decodeIfPresent(String.self, forKey: .workload)
        traces = try c.decodeIfPresent(String.self, forKey: .traces)
        traceKind = try c.decodeIfPresent(String.self, forKey: .traceKind)
        accelerator = try c.decodeIfPresent(String.self, forKey: .accelerator)
        acceleratorParameters = try c.decodeIfPresent([String: SweepGrid.ScalarText].self, forKey: .acceleratorParameters)?.mapValues(\.text)
        seqLen = try c.decodeIfPresent(Int.self, forKey: .seqLen)
        scenario = try c.decodeIfPresent(String.self, forKey: .scenario)
        rate = try c.decodeIfPresent(Double.self, forKey: .rate)
        load = try c.decodeIfPresent(Double.self, forKey: .load)
        replay = try c.decodeIfPresent(String.self, forKey: .replay)
        requests = try c.decodeIfPresent(Int.self, forKey: .requests)
        slo = try c.decodeIfPresent(Double.self, forKey: .slo)
        schedulers = try c.decodeIfPresent([String].self, forKey: .schedulers)
        seeds = try c.decodeSeedsIfPresent(forKey: .seeds, name: "seeds")
        semantics = try c.decodeIfPresent(String.self, forKey: .semantics)
        predictor = try c.decodeIfPresent(String.self, forKey: .predictor)
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha)
        beta = try c.decodeIfPresent(Double.self, forKey: .beta)
        accelerators = try c.decodeIfPresent(Int.self, forKey: .accelerators)
        switchCost = try c.decodeIfPresent(Double.self, forKey: .switchCost)
        hardware = try c.decodeIfPresent([String: SweepGrid.ScalarText].self, forKey: .hardware)?.mapValues(\.text)
    }

    /// The description with every absent setting at its default (``RunDefaults``); the
    /// workload-dependent rate stays absent when a load, a replay or a scenario sets arrivals.
    public func resolved(registries: Registries = .current) -> RunDescription {
        var copy = self
        if copy.traces == nil && copy.scenario == nil && copy.workload == nil { copy.workload = "attention" }
        if copy.traces != nil && copy.traceKind == nil { copy.traceKind = "native" }
        let generated = replay == nil && scenario == nil
        if generated && copy.slo == nil { copy.slo = RunDefaults.sloMultiplier }
        if replay == nil && copy.requests == nil { copy.requests = RunDefaults.requests }
        if copy.seeds == nil { copy.seeds = replay != nil ? [RunDefaults.replaySeed] : RunDefaults.seeds }
        if copy.schedulers == nil { copy.schedulers = registries.policies.defaultNames }
        if copy.semantics == nil { copy.semantics = RunDefaults.semantics.rawValue }
        if copy.predictor == nil { copy.predictor = RunDefaults.predictor }
        if copy.alpha == nil { copy.alpha = RunDefaults.alpha }
        if copy.beta == nil { copy.beta = RunDefaults.beta }
        if copy.switchCost == nil { copy.switchCost = RunDefaults.switchCost }
        if copy.scenario == nil && copy.accelerators == nil { copy.accelerators = RunDefaults.accelerators }
        return copy
    }

    /// Returns this description with every setting that `other` gives replaced by `other`'s.
    public func overlaid(with other: RunDescription) -> RunDescription {
        var copy = self
        func take<T>(_ key: WritableKeyPath<RunDescription, T?>) { if let value = other[keyPath: key] { copy[keyPath: key] = value } }
        take(\.workload); take(\.traces); take(\.traceKind); take(\.accelerator); take(\.seqLen); take(\.scenario)
        take(\.rate); take(\.load); take(\.replay); take(\.requests); take(\.slo); take(\.schedulers); take(\.seeds)
        take(\.semantics); take(\.predictor); take(\.alpha); take(\.beta); take(\.accelerators); take(\.switchCost)
        if let parameters = other.acceleratorParameters { copy.acceleratorParameters = (copy.acceleratorParameters ?? [:]).merging(parameters) { $1 } }
        if let hardware = other.hardware { copy.hardware = (copy.hardware ?? [:]).merging(hardware) { $1 } }
        // A workload given on top replaces a trace folder and the other way round.
        if other.workload != nil && other.traces == nil { copy.traces = nil; copy.traceKind = nil }
        if other.traces != nil && other.workload == nil { copy.workload = nil }
        if other.load != nil && other.rate == nil { copy.rate = nil }
        if other.rate != nil && other.load == nil { copy.load = nil }
        return copy
    }

    /// The description as JSON (sorted keys, absent settings left out), as `--print-run` writes it.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The description as one line of JSON (sorted keys), as outputs carry it in their settings.
    public func compactJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Reads a description from a JSON file (YAML when the name ends in `.yaml` or `.yml`, as
    /// experiment files); errors name the file.
    public static func read(_ url: URL) throws -> RunDescription {
        try SettingsFile.read(RunDescription.self, from: url, what: "run description")
    }
}
