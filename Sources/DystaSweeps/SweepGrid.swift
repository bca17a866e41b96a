import DystaRegistries
import DystaCore
import Foundation
import Yams

/// A grid of experiments: workloads × arrivals × SLO multipliers × predictors × α × β × schedulers × seeds.
///
/// Arrivals are given either as rates (req/s) or as offered loads ρ (rate = ρ · k / mean
/// isolated latency of the workload). Decoded from an experiment file (JSON) or built from flags.
public struct SweepGrid: Codable, Sendable, Equatable {
    /// Shipped workload names (see `dysta list`).
    public var workloads: [String]
    /// Trace folders used as workloads too (after ``workloads``); paths as written.
    public var traces: [TraceFolder]?
    /// Request tables replayed instead of generated arrivals (each on every workload); paths as written.
    /// A replay is one stream: the grid then has one seed, no `rates`, `loads`, `slos` or `requests`.
    public var replay: [String]?
    /// Deployment scenarios (`mobile`, `arvr`, `datacenter`) instead of workloads × arrivals × SLOs.
    public var scenarios: [String]?
    /// Arrival rates in requests/s (exclusive with `loads`).
    public var rates: [Double]?
    /// Offered loads ρ (exclusive with `rates`).
    public var loads: [Double]?
    /// SLO multipliers.
    public var slos: [Double]
    /// Scheduler names.
    public var schedulers: [String]
    /// Seeds.
    public var seeds: [UInt64]
    /// Predictor names.
    public var predictors: [String]
    /// SDRM3 α values.
    public var alphas: [Double]
    /// Dysta β values.
    public var betas: [Double]
    /// Requests per run.
    public var requests: Int
    /// `default` or `artifact`.
    public var semantics: String
    /// Accelerators sharing the queue.
    public var accelerators: Int
    /// Context-switch cost (s).
    public var switchCost: Double
    /// Latency model per run (nil: each workload's default).
    public var accelerator: String?
    /// `dysta-hw` parameters (docs/hardware.md), name → value, applied over the `w32` preset.
    public var hardware: [String: String]?

    /// Creates a grid with the paper's defaults for everything not given.
    public init(
        workloads: [String], rates: [Double]? = nil, loads: [Double]? = nil, slos: [Double] = [RunDefaults.sloMultiplier],
        schedulers: [String], seeds: [UInt64] = RunDefaults.seeds, predictors: [String] = [RunDefaults.predictor],
        alphas: [Double] = [RunDefaults.alpha], betas: [Double] = [RunDefaults.beta], requests: Int = RunDefaults.requests,
        semantics: String = RunDefaults.semantics.rawValue,
        accelerators: Int = RunDefaults.accelerators, switchCost: Double = RunDefaults.switchCost, accelerator: String? = nil, scenarios: [String]? = nil
    ) {
        self.workloads = workloads
        self.scenarios = scenarios
        self.rates = rates
        self.loads = loads
        self.slos = slos
        self.schedulers = schedulers
        self.seeds = seeds
        self.predictors = predictors
        self.alphas = alphas
        self.betas = betas
        self.requests = requests
        self.semantics = semantics
        self.accelerators = accelerators
        self.switchCost = switchCost
        self.accelerator = accelerator
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case workloads, rates, loads, slos, schedulers, seeds, predictors, alphas, betas, requests, semantics
        case accelerators, switchCost = "switch_cost", accelerator, scenarios, hardware
        case traces, traceKind = "trace_kind", replay
    }

    /// Decodes a grid; absent keys take the defaults of ``init(workloads:rates:loads:slos:schedulers:seeds:predictors:alphas:betas:requests:semantics:accelerators:switchCost:accelerator:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try SettingsFile.refuseUnknownKeys(in: decoder, known: CodingKeys.self)
        scenarios = try c.decodeIfPresent([String].self, forKey: .scenarios)
        if scenarios != nil {
            for key in [CodingKeys.slos, .accelerators, .rates, .loads, .workloads, .traces, .replay] where c.contains(key) {
                throw DystaError("'scenarios' set '\(key.stringValue)' themselves: drop it")
            }
        }
        if c.contains(.replay) {
            for key in [CodingKeys.rates, .loads, .slos, .requests] where c.contains(key) {
                throw DystaError("'replay' takes arrivals, targets and the number of requests from the table: drop '\(key.stringValue)'")
            }
        }
        if scenarios == nil, !c.contains(.workloads), !c.contains(.traces) {
            throw DystaError("missing key 'workloads' (shipped workloads) or 'traces' (trace folders)")
        }
        workloads = try c.decodeIfPresent([String].self, forKey: .workloads) ?? []
        let traceKind = try c.decodeIfPresent(String.self, forKey: .traceKind)
        if traceKind != nil, !c.contains(.traces) { throw DystaError("'trace_kind' applies to 'traces': give 'traces' or drop it") }
        traces = try c.decodeIfPresent([TraceFolder.Entry].self, forKey: .traces)?.map { $0.folder(defaultKind: traceKind ?? "native") }
        replay = try c.decodeIfPresent([String].self, forKey: .replay)
        rates = try c.decodeIfPresent([Double].self, forKey: .rates)
        loads = try c.decodeIfPresent([Double].self, forKey: .loads)
        slos = try c.decodeIfPresent([Double].self, forKey: .slos) ?? [RunDefaults.sloMultiplier]
        // As on the command line: absent schedulers are every registered policy.
        schedulers = try c.decodeIfPresent([String].self, forKey: .schedulers) ?? Registries.current.policies.defaultNames
        seeds = try c.decodeSeedsIfPresent(forKey: .seeds, name: "'seeds'") ?? (replay != nil ? [RunDefaults.replaySeed] : RunDefaults.seeds)
        predictors = try c.decodeIfPresent([String].self, forKey: .predictors) ?? [RunDefaults.predictor]
        alphas = try c.decodeIfPresent([Double].self, forKey: .alphas) ?? [RunDefaults.alpha]
        betas = try c.decodeIfPresent([Double].self, forKey: .betas) ?? [RunDefaults.beta]
        requests = try c.decodeIfPresent(Int.self, forKey: .requests) ?? RunDefaults.requests
        semantics = try c.decodeIfPresent(String.self, forKey: .semantics) ?? RunDefaults.semantics.rawValue
        accelerators = try c.decodeIfPresent(Int.self, forKey: .accelerators) ?? RunDefaults.accelerators
        switchCost = try c.decodeIfPresent(Double.self, forKey: .switchCost) ?? RunDefaults.switchCost
        accelerator = try c.decodeIfPresent(String.self, forKey: .accelerator)
        hardware = try c.decodeIfPresent([String: ScalarText].self, forKey: .hardware)?.mapValues(\.text)
    }

    /// Encodes the grid; with scenarios, the keys they set are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let scenarios {
            try c.encode(scenarios, forKey: .scenarios)
        } else {
            if !workloads.isEmpty || traces == nil { try c.encode(workloads, forKey: .workloads) }
            try c.encodeIfPresent(traces, forKey: .traces)
            try c.encodeIfPresent(replay, forKey: .replay)
            try c.encodeIfPresent(rates, forKey: .rates)
            try c.encodeIfPresent(loads, forKey: .loads)
            if replay == nil { try c.encode(slos, forKey: .slos) }
            try c.encode(accelerators, forKey: .accelerators)
        }
        try c.encode(schedulers, forKey: .schedulers)
        try c.encode(seeds, forKey: .seeds)
        try c.encode(predictors, forKey: .predictors)
        try c.encode(alphas, forKey: .alphas)
        try c.encode(betas, forKey: .betas)
        if replay == nil { try c.encode(requests, forKey: .requests) }
        try c.encode(semantics, forKey: .semantics)
        try c.encode(switchCost, forKey: .switchCost)
        try c.encodeIfPresent(accelerator, forKey: .accelerator)
        try c.encodeIfPresent(hardware, forKey: .hardware)
    }

    /// A string, integer or number in an experiment file, kept as text.
    struct ScalarText: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let value = try? c.decode(String.self) {
                text = value
            } else if let value = try? c.decode(Int.self) {
                text = String(value)
            } else {
                text = String(try c.decode(Double.self))
            }
        }
    }

    /// Reads an experiment file: YAML when the name ends in `.yaml` or `.yml`, else JSON.
    /// Errors name the file.
    public static func read(_ url: URL) throws -> SweepGrid {
        try SettingsFile.read(SweepGrid.self, from: url, what: "experiment file") { try $0.validate() }
    }

    static func describe(_ error: DecodingError, format: String = "JSON") -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as? DystaError { return underlying.message }
            return "not valid \(format)" + (context.codingPath.isEmpty ? "" : " at \(path(context.codingPath))")
        @unknown default: return "cannot decode the experiment file"
        }
    }

    /// Checks values and names that can be checked without loading workloads.
    public func validate() throws {
        func nonEmpty<T>(_ values: [T], _ name: String) throws {
            if values.isEmpty { throw DystaError("'\(name)' is empty") }
        }
        if let scenarios {
            try nonEmpty(scenarios, "scenarios")
            for name in scenarios { _ = try Scenario.named(name) }
            guard workloads.isEmpty, rates == nil, loads == nil, traces == nil, replay == nil else {
                throw DystaError("'scenarios' set workloads, arrivals and SLOs themselves: drop 'workloads', 'traces', 'replay', 'rates' and 'loads'")
            }
        } else if let traces {
            try nonEmpty(traces, "traces")
            for folder in traces {
                guard TraceFolder.kinds.contains(folder.kind) else {
                    throw DystaError("trace folder '\(folder.path)': kind '\(folder.kind)' is not \(TraceFolder.kinds.joined(separator: ", "))")
                }
                guard !folder.path.isEmpty else { throw DystaError("'traces' lists an empty path") }
            }
        } else {
            try nonEmpty(workloads, "workloads")
        }
        if let replay {
            try nonEmpty(replay, "replay")
            guard rates == nil, loads == nil else {
                throw DystaError("'replay' takes arrivals from the table: drop 'rates' and 'loads'")
            }
            for path in replay where path.isEmpty { throw DystaError("'replay' lists an empty path") }
            guard seeds.count == 1 else {
                throw DystaError("a replayed table is one request stream: give one seed (it only labels the runs), not \(seeds.count)")
            }
        }
        try nonEmpty(slos, "slos")
        try nonEmpty(schedulers, "schedulers")
        try nonEmpty(seeds, "seeds")
        try nonEmpty(predictors, "predictors")
        try nonEmpty(alphas, "alphas")
        try nonEmpty(betas, "betas")
        switch (rates, loads) {
        case (nil, nil) where scenarios != nil || replay != nil: break
        case (nil, nil): throw DystaError("give 'rates' or 'loads'")
        case (.some, .some): throw DystaError("give 'rates' or 'loads', not both")
        case (.some(let values), nil), (nil, .some(let values)):
            try nonEmpty(values, rates != nil ? "rates" : "loads")
            for value in values where !(value > 0 && value.isFinite) {
                throw DystaError("\(rates != nil ? "rates" : "loads") must be positive numbers (got \(value))")
            }
        }
        for value in slos where !(value > 0 && value.isFinite) { throw DystaError("slos must be positive numbers (got \(value))") }
        for value in alphas + betas where !(value >= 0 && value.isFinite) { throw DystaError("alphas and betas must be numbers ≥ 0 (got \(value))") }
        guard requests > 0 else { throw DystaError("requests must be at least 1") }
        guard Semantics(rawValue: semantics) != nil else { throw DystaError("semantics '\(semantics)' is not default or artifact") }
        guard accelerators >= 1 else { throw DystaError("accelerators must be at least 1") }
        guard switchCost >= 0, switchCost.isFinite else { throw DystaError("switch_cost must be ≥ 0 seconds") }
        if Set(seeds).count != seeds.count { throw DystaError("seeds lists a seed twice") }
    }

    /// Arrival values (rates or loads) and whether they are loads.
    public var arrivals: (values: [Double], areLoads: Bool) {
        if let loads { return (loads, true) }
        return (rates ?? [], false)
    }

    /// The cells (everything but the seed), in the grid's fixed order.
    public var cells: [SweepCell] {
        var result: [SweepCell] = []
        /// Appends one cell per predictor × α × β × scheduler.
        func appendInner(workload: String, arrival: Double, isLoad: Bool, slo: Double, scenario: Scenario?, replay: String? = nil) {
            for predictor in predictors {
                for alpha in alphas {
                    for beta in betas {
                        for scheduler in schedulers {
                            result.append(
                                SweepCell(
                                    index: result.count, workload: workload, arrival: arrival, arrivalIsLoad: isLoad, slo: slo,
                                    predictor: predictor, alpha: alpha, beta: beta, scheduler: scheduler, scenario: scenario,
                                    replay: replay))
                        }
                    }
                }
            }
        }
        if let scenarios {
            for name in scenarios {
                guard let scenario = try? Scenario.named(name) else { continue }
                appendInner(workload: scenario.name, arrival: 0, isLoad: false, slo: scenario.sloMultiplier, scenario: scenario)
            }
            return result
        }
        if let replay {
            for workload in workloadLabels {
                for table in replay {
                    appendInner(workload: workload, arrival: 0, isLoad: false, slo: 0, scenario: nil, replay: table)
                }
            }
            return result
        }
        let (values, areLoads) = arrivals
        for workload in workloadLabels {
            for arrival in values {
                for slo in slos {
                    appendInner(workload: workload, arrival: arrival, isLoad: areLoads, slo: slo, scenario: nil)
                }
            }
        }
        return result
    }

    /// The workload names of the cells: shipped workloads, then trace folders as `PATH (KIND)`.
    public var workloadLabels: [String] { workloads + (traces ?? []).map(\.label) }

    /// The resolved configuration as JSON text (written next to results).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

/// One point of the grid (all seeds of it share this).
public struct SweepCell: Sendable, Equatable {
    public var index: Int
    public var workload: String
    /// Rate (req/s) or load ρ, as the grid says.
    public var arrival: Double
    public var arrivalIsLoad: Bool
    public var slo: Double
    public var predictor: String
    public var alpha: Double
    public var beta: Double
    public var scheduler: String
    /// The deployment scenario of the cell, if the grid lists scenarios.
    public var scenario: Scenario? = nil
    /// The replayed request table (path as written), if the grid replays tables.
    public var replay: String? = nil
}

/// A folder of traces used as a workload: `native` (`workload.json` and CSV files,
/// docs/trace-format.md) or the paper artifact's CSV files (`sanger`, `eyeriss`,
/// docs/file-formats.md).
public struct TraceFolder: Codable, Sendable, Equatable, Hashable {
    /// The folder, as written (relative paths resolve against the experiment file's folder,
    /// or the working directory for flags).
    public var path: String
    /// `native`, `sanger` or `eyeriss`.
    public var kind: String

    /// The kinds of folder.
    public static let kinds = ["native", "sanger", "eyeriss"]

    public init(path: String, kind: String = "native") {
        self.path = path
        self.kind = kind
    }

    /// How the folder is named in outputs (the `workload` column): `PATH (KIND)`.
    public var label: String { "\(path) (\(kind))" }

    /// An entry of the experiment-file key `traces`: a path, or `{path, kind}`.
    struct Entry: Decodable {
        var path: String
        var kind: String?

        enum Keys: String, CodingKey, CaseIterable { case path, kind }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                path = text
                return
            }
            let any = try decoder.container(keyedBy: SettingsFile.AnyKey.self)
            for key in any.allKeys where Keys(rawValue: key.stringValue) == nil {
                throw DystaError("'traces': unknown key '\(key.stringValue)' (known: path, kind)")
            }
            let c = try decoder.container(keyedBy: Keys.self)
            path = try c.decode(String.self, forKey: .path)
            kind = try c.decodeIfPresent(String.self, forKey: .kind)
        }

        func folder(defaultKind: String) -> TraceFolder { TraceFolder(path: path, kind: kind ?? defaultKind) }
    }
}
