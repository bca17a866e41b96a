import DystaCore

/// Latency read from the trace's `latency` column (seconds), for traces measured elsewhere.
///
/// The artifact's Eyeriss-V2 files carry their simulated latency as `sim_lat`; the loader
/// stores it in this column.
public struct TableModel: LatencyModel, Equatable {
    /// The registry name.
    public var name: String { "table" }
    /// Creates the model.
    public init() {}
    /// Creates the model; it has no parameters, so any override is an error.
    public init(overrides: [String]) throws {
        let reader = try ParameterOverrides(overrides, model: "table")
        try reader.rejectUnknown(known: [])
    }
    /// The table model has no parameters.
    public var parameters: [(key: String, value: String)] { [] }

    /// The cell's `latency` value.
    public func latency(layer: LayerSpec, cell: TraceCell) throws -> Double {
        try cell.required(.latency, by: name)
    }
}
