/// A named column of a trace (per sample and layer), e.g. `density` or `macs`.
public struct TraceColumn: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The column's name as written in files.
    public let name: String

    /// Creates a column name.
    public init(_ name: String) { self.name = name }
    /// Creates a column name from a literal.
    public init(stringLiteral value: String) { self.name = value }
    /// The column's name.
    public var description: String { name }

    /// Zero fraction the runtime monitor sees after the layer (required in every trace).
    public static let zeroFraction: TraceColumn = "zero_fraction"
    /// Attention: padded sequence length (tokens).
    public static let seqLen: TraceColumn = "seq_len"
    /// Attention: real sequence length (tokens).
    public static let realLen: TraceColumn = "real_len"
    /// Attention: kept fraction of valid query-key pairs.
    public static let density: TraceColumn = "density"
    /// Attention: Sanger PE utilisation after pack-and-split.
    public static let loadBalance: TraceColumn = "load_balance"
    /// CNN: zero fraction of the layer's input activation.
    public static let inputZeroFraction: TraceColumn = "in_zero_fraction"
    /// CNN: effectual MACs at the real stride and padding.
    public static let macs: TraceColumn = "macs"
    /// CNN: effectual MACs at stride 1 and "same" padding (artifact rule).
    public static let macsStride1: TraceColumn = "macs_stride1"
    /// CNN: non-empty iact columns per C0 group (corrected Eyeriss-V2 count).
    public static let nnzColumns: TraceColumn = "nnz_columns"
    /// CNN: non-empty (channel, row) windows (the artifact's count).
    public static let nnzColumnsArtifact: TraceColumn = "nnz_columns_artifact"
    /// Any kind: a measured layer latency in seconds (used by the `table` latency model).
    public static let latency: TraceColumn = "latency"
}

/// The per-(sample, layer) measurements of one model variant, stored column by column.
///
/// Values are row-major: the cell of sample `n`, layer `l` is at `n * layerCount + l`.
public struct TraceTable: Sendable {
    /// Number of samples N.
    public let sampleCount: Int
    /// Number of layers L.
    public let layerCount: Int
    /// Column storage; every array has N · L values.
    public let columns: [TraceColumn: [Double]]

    /// Creates a table; throws if a column does not have N · L values.
    public init(sampleCount: Int, layerCount: Int, columns: [TraceColumn: [Double]]) throws {
        guard sampleCount > 0 else { throw DystaError("a trace needs at least one sample") }
        guard layerCount > 0 else { throw DystaError("a trace needs at least one layer") }
        for (column, values) in columns where values.count != sampleCount * layerCount {
            throw DystaError(
                "has \(values.count) values, expected \(sampleCount) samples × \(layerCount) layers",
                column: column.name)
        }
        self.sampleCount = sampleCount
        self.layerCount = layerCount
        self.columns = columns
    }

    /// The values of one column, or `nil` if the trace lacks it.
    public func values(_ column: TraceColumn) -> [Double]? { columns[column] }

    /// The value of one cell, or `nil` if the trace lacks the column.
    public func value(_ column: TraceColumn, sample: Int, layer: Int) -> Double? {
        columns[column]?[sample * layerCount + layer]
    }

}

/// A named DNN with a fixed weight pattern, its layers, and its trace.
public struct ModelVariant: Sendable {
    /// Unique name, e.g. `resnet50-thin_unstructured60`.
    public var name: String
    /// Key that groups the variants of one network (pattern-unaware estimates average over it).
    public var architecture: String
    /// The weight pattern (e.g. `dense`, `filter20`), if known.
    public var pattern: String
    /// The ordered layers (the units of preemption).
    public var layers: [LayerSpec]
    /// The per-sample, per-layer measurements.
    public var trace: TraceTable
    /// Where the trace came from (for error messages).
    public var sourcePath: String?

    /// Creates a variant; `layers.count` must equal the trace's layer count.
    public init(
        name: String, architecture: String, pattern: String = "dense", layers: [LayerSpec],
        trace: TraceTable, sourcePath: String? = nil
    ) throws {
        guard layers.count == trace.layerCount else {
            throw DystaError(
                "model '\(name)' lists \(layers.count) layers but its trace has \(trace.layerCount)",
                file: sourcePath)
        }
        self.name = name
        self.architecture = architecture
        self.pattern = pattern
        self.layers = layers
        self.trace = trace
        self.sourcePath = sourcePath
    }

    /// Number of layers L.
    public var layerCount: Int { trace.layerCount }
    /// Number of samples N.
    public var sampleCount: Int { trace.sampleCount }
}

/// What family of models a workload holds; selects the per-cell columns and latency models.
public enum WorkloadKind: String, Sendable, CaseIterable {
    /// Attention models (Sanger).
    case attention
    /// Convolutional networks (Eyeriss-V2).
    case cnn
}

/// A set of model variants that share one accelerator, with their traces.
public struct Workload: Sendable {
    /// Workload name (directory or benchmark name).
    public var name: String
    /// The kind of models.
    public var kind: WorkloadKind
    /// The latency model used when the user names none.
    public var defaultAccelerator: String
    /// The variants, sorted by name.
    public var variants: [ModelVariant]
    /// Free-form provenance (raw JSON text) when the source had any.
    public var provenance: String?

    /// Creates a workload; variant names must be unique.
    public init(
        name: String, kind: WorkloadKind, defaultAccelerator: String, variants: [ModelVariant],
        provenance: String? = nil
    ) throws {
        guard !variants.isEmpty else { throw DystaError("workload '\(name)' has no models") }
        var seen = Set<String>()
        for variant in variants where !seen.insert(variant.name).inserted {
            throw DystaError("workload '\(name)' has two models named '\(variant.name)'")
        }
        self.name = name
        self.kind = kind
        self.defaultAccelerator = defaultAccelerator
        self.variants = variants.sorted { $0.name < $1.name }
        self.provenance = provenance
    }

    /// Index of the variant with this name, if any.
    public func variantIndex(named name: String) -> Int? {
        variants.firstIndex { $0.name == name }
    }
}
