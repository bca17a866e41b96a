import DystaCore
import DystaSimulation
import Foundation

/// Output formats of a comparison.
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Collects a comparison's outcomes and renders them as a table, CSV or JSON.
public struct ComparisonReport: Sendable {
    /// Describes the run (printed above the table, stored in JSON).
    public var settings: [(String, String)]
    /// The same settings as typed values (numbers, lists) for JSON and the CSV sidecar.
    public var parameters: [(String, JSONValue)] = []
    /// Scheduler names in order.
    public var schedulers: [String]
    /// Variant names in workload order.
    public var variantNames: [String]
    /// Whether to include per-model rows.
    public var perModel: Bool
    /// metrics[scheduler][seed] overall, and per model.
    private var overall: [String: [RunMetrics]] = [:]
    private var models: [String: [Int: [RunMetrics]]] = [:]
    private var seedCount: [String: Int] = [:]

    /// Creates an empty report.
    public init(settings: [(String, String)], schedulers: [String], variantNames: [String], perModel: Bool) {
        self.settings = settings
        self.schedulers = schedulers
        self.variantNames = variantNames
        self.perModel = perModel
    }

    /// Adds one scheduler-seed outcome.
    public mutating func add(_ outcome: Comparison.Outcome) {
        overall[outcome.scheduler, default: []].append(outcome.report.overall)
        for (variant, metrics) in outcome.report.perModel {
            models[outcome.scheduler, default: [:]][variant, default: []].append(metrics)
        }
        seedCount[outcome.scheduler, default: 0] += 1
    }

    /// Summaries of each metric (in `RunMetrics.names` order) across seeds.
    public func summaries(scheduler: String, variant: Int? = nil) -> [SeedSummary] {
        let runs: [RunMetrics]
        if let variant { runs = models[scheduler]?[variant] ?? [] } else { runs = overall[scheduler] ?? [] }
        return RunMetrics.names.indices.map { index in SeedSummary(runs.map { $0.values[index] }) }
    }

    /// The rows: (scheduler, model or "all", summaries).
    func rows() -> [(String, String, [SeedSummary])] {
        var result: [(String, String, [SeedSummary])] = []
        for scheduler in schedulers {
            result.append((scheduler, "all", summaries(scheduler: scheduler)))
            if perModel {
                for variant in variantNames.indices where models[scheduler]?[variant] != nil {
                    result.append((scheduler, variantNames[variant], summaries(scheduler: scheduler, variant: variant)))
                }
            }
        }
        return result
    }

    /// Renders in a format.
    public func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json().rendered() + "\n"
        }
    }

    func table() -> String {
        var text = settings.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n\n"
        var header = ["scheduler"]
        if perModel { header.append("model") }
        header += ["violation %", "ANTT", "STP (req/s)", "p50 (ms)", "p95 (ms)", "p99 (ms)"]
        var table = TextTable(header: header, rightAligned: Set((perModel ? 2 : 1)..<header.count))
        for (scheduler, model, summaries) in rows() {
            var cells = [scheduler]
            if perModel { cells.append(model) }
            cells.append(summaries[0].formatted(scale: 100, digits: 2))
            cells.append(summaries[1].formatted(scale: 1, digits: 3))
            cells.append(summaries[2].formatted(scale: 1, digits: 2))
            for index in 3...5 { cells.append(summaries[index].formatted(scale: 1000, digits: 2)) }
            table.add(cells)
        }
        text += table.rendered()
        if (seedCount.values.max() ?? 0) <= 1 {
            text += "\none run per scheduler: no confidence interval; n/a = undefined\n"
        } else {
            text += "\nmean ± 95% confidence half-width (Student t) across seeds; n/a = undefined\n"
        }
        return text
    }


    func csv() -> String {
        var header = ["scheduler", "model", "seeds"]
        for name in RunMetrics.names { header += [name, name + "_ci95"] }
        var lines = [header.joined(separator: ",")]
        for (scheduler, model, summaries) in rows() {
            var cells = [csvField(scheduler), csvField(model), String(summaries.map(\.count).max() ?? 0)]
            for summary in summaries {
                cells.append(summary.mean.map(formatNumber) ?? "")
                cells.append(summary.halfWidth.map(formatNumber) ?? "")
            }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json() -> JSONValue {
        let results: [JSONValue] = rows().map { scheduler, model, summaries in
            var members: [(String, JSONValue)] = [("scheduler", .string(scheduler)), ("model", .string(model))]
            for (name, summary) in zip(RunMetrics.names, summaries) {
                members.append(
                    (name, .object([
                        ("mean", .optional(summary.mean)), ("ci95", .optional(summary.halfWidth)),
                        ("n", .integer(summary.count)),
                    ])))
            }
            return .object(members)
        }
        return .object([
            ("settings", .object(parameters)),
            ("description", .object(settings.map { ($0.0, .string($0.1)) })),
            ("results", .array(results)),
        ])
    }

    /// The typed settings alone, as JSON (the sidecar of a CSV output).
    public func settingsJSON() -> String {
        JSONValue.object([("settings", .object(parameters)), ("description", .object(settings.map { ($0.0, .string($0.1)) }))]).rendered()
    }
}

/// Writes per-request records as CSV rows.
public enum PerRequestCSV {
    /// The header line's fields.
    public static let columns = [
        "scheduler", "seed", "id", "model", "sample", "priority", "arrival", "deadline", "finish", "isolated", "violated",
    ]

    /// The header line.
    public static var header: String { columns.joined(separator: ",") + "\n" }

    /// The rows of one outcome.
    public static func rows(_ outcome: Comparison.Outcome, variantNames: [String]) -> String {
        var text = ""
        text.reserveCapacity(outcome.run.requests.count * 96)
        for record in outcome.run.requests {
            text += "\(csvField(outcome.scheduler)),\(outcome.seed),\(record.id),\(csvField(variantNames[record.variant])),"
            text += "\(record.sample),\(record.priority),\(record.arrival),\(record.deadline),\(record.finish),"
            text += "\(record.isolated),\(record.violated ? 1 : 0)\n"
        }
        return text
    }
}

extension SeedSummary {
    /// `mean ± half-width` scaled and rounded to `digits` decimals; `n/a` when undefined.
    public func formatted(scale: Double = 1, digits: Int = 2) -> String {
        guard let mean else { return "n/a" }
        let value = String(format: "%.\(digits)f", mean * scale)
        guard let halfWidth else { return value }
        return value + " ± " + String(format: "%.\(digits)f", halfWidth * scale)
    }
}
