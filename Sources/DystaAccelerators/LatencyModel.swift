import DystaCore

/// One cell of a trace as a latency model sees it: named values of one (sample, layer).
public struct TraceCell: Sendable {
    /// The variant's trace.
    public let trace: TraceTable
    /// The sample index.
    public let sample: Int
    /// The layer index.
    public let layer: Int

    /// The cell's value in a column, or `nil` if the trace lacks the column.
    public func value(_ column: TraceColumn) -> Double? {
        trace.value(column, sample: sample, layer: layer)
    }

    /// The cell's value in a column the model needs; throws if the trace lacks it.
    public func required(_ column: TraceColumn, by model: String) throws -> Double {
        guard let value = value(column) else {
            throw DystaError(
                "the \(model) latency model needs column '\(column.name)', which this trace lacks",
                column: column.name)
        }
        return value
    }
}

/// An accelerator latency model: maps a layer and one trace cell to that layer's latency.
///
/// Implementations are value types with their hardware parameters as properties. Conform,
/// then register the type in an ``AcceleratorRegistry`` to make it selectable by name.
public protocol LatencyModel: Sendable {
    /// The registry name, e.g. `sanger`.
    var name: String { get }
    /// The parameters and their current values, for reports (`key=value` pairs in order).
    var parameters: [(key: String, value: String)] { get }
    /// Latency (s) of `layer` for one trace cell. Throws for values the model cannot cost.
    func latency(layer: LayerSpec, cell: TraceCell) throws -> Double
}

extension LatencyModel {
    /// The N × L latency matrix (row-major) of a variant; errors name the variant's file.
    public func latencies(for variant: ModelVariant) throws -> [Double] {
        var result = [Double](repeating: 0, count: variant.sampleCount * variant.layerCount)
        for sample in 0..<variant.sampleCount {
            for layer in 0..<variant.layerCount {
                let cell = TraceCell(trace: variant.trace, sample: sample, layer: layer)
                let value: Double
                do {
                    value = try latency(layer: variant.layers[layer], cell: cell)
                } catch let error as DystaError {
                    var located = error
                    located.message =
                        "model '\(variant.name)' sample \(sample) layer \(layer): \(error.message)"
                    throw located.inFile(variant.sourcePath ?? variant.name)
                }
                guard value.isFinite, value >= 0 else {
                    throw DystaError(
                        "model '\(variant.name)' sample \(sample) layer \(layer): latency \(value) "
                            + "is not a finite non-negative number", file: variant.sourcePath)
                }
                result[sample * variant.layerCount + layer] = value
            }
        }
        return result
    }

    /// Applies this model to every variant of a workload.
    public func profile(_ workload: Workload) throws -> WorkloadProfile {
        try WorkloadProfile(workload: workload, latencies: workload.variants.map(latencies(for:)))
    }
}

/// Reads `key=value` overrides for a model's parameters, rejecting unknown keys and bad numbers.
public struct ParameterOverrides: Sendable {
    private var values: [String: String]
    private var used: Set<String> = []
    /// The model the overrides are for (used in errors).
    public let model: String

    /// Parses `key=value` strings; throws on a malformed pair or a repeated key.
    public init(_ pairs: [String], model: String) throws {
        var values: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw DystaError("latency-model parameter '\(pair)': expected key=value")
            }
            let key = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...]).trimmingCharacters(
                in: .whitespaces)
            guard values.updateValue(value, forKey: key) == nil else {
                throw DystaError("latency-model parameter '\(key)' is given twice")
            }
        }
        self.values = values
        self.model = model
    }

    /// A positive number override, or `defaultValue`.
    public mutating func positive(_ key: String, default defaultValue: Double) throws -> Double {
        guard let text = values[key] else { return defaultValue }
        used.insert(key)
        guard let value = text.finiteDouble(), value > 0 else {
            throw DystaError("latency-model parameter \(key)=\(text): \(model) needs a positive number")
        }
        return value
    }

    /// A positive integer override, or `defaultValue`.
    public mutating func positiveInt(_ key: String, default defaultValue: Int) throws -> Int {
        guard let text = values[key] else { return defaultValue }
        used.insert(key)
        guard let value = Int(text), value > 0 else {
            throw DystaError("latency-model parameter \(key)=\(text): \(model) needs a positive integer")
        }
        return value
    }

    /// An optional positive integer override (`auto` or absent gives `defaultValue`).
    public mutating func optionalPositiveInt(_ key: String, default defaultValue: Int?) throws
        -> Int?
    {
        guard let text = values[key] else { return defaultValue }
        used.insert(key)
        if text == "auto" { return nil }
        guard let value = Int(text), value > 0 else {
            throw DystaError("latency-model parameter \(key)=\(text): \(model) needs a positive integer or 'auto'")
        }
        return value
    }

    /// Throws if a key was given that the model does not know.
    public func rejectUnknown(known: [String]) throws {
        let unknown = Set(values.keys).subtracting(used).sorted()
        if let first = unknown.first {
            throw DystaError(
                "latency-model parameter \(first): \(model) has no parameter '\(first)' (known: "
                    + known.joined(separator: ", ") + ")")
        }
    }
}

/// Formats a parameter value for reports.
func describe(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
}
