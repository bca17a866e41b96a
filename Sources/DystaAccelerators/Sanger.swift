import DystaCore

/// The Sanger attention accelerator latency model (docs/accelerators.md), with every constant exposed.
///
/// For one attention layer with density d, load balance b and sequence length Lq:
/// subrows = d / b / packFactor · Lq; linear = Lq·H·H·2·3 / 1e9 / G with G = TH·PEs·2·f/1e9;
/// project = Lq·H·H·2 / 1e9 / (G / d · b); tile = (H + TW) + (subrows + TW);
/// final = (subrows / TH) · tile · (Lq / TW) · transfer cycles; latency = linear + final / f + project.
public struct SangerModel: LatencyModel, Equatable {
    /// PE array height TH.
    public var tileHeight: Int = 64
    /// PE array width TW.
    public var tileWidth: Int = 64
    /// PEs per row used for the linear layers.
    public var pesPerRow: Int = 16
    /// Bytes per element (16-bit data: 2).
    public var bytesPerElement: Int = 2
    /// Clock frequency (Hz).
    public var clockHz: Double = 1e9
    /// Off-chip bandwidth (GB/s).
    public var bandwidthGBs: Double = 128
    /// Pack-and-split factor in the sub-row count (0.25 in the artifact).
    public var packFactor: Double = 0.25
    /// Hidden width H; `nil` takes the layer's width (native traces) or 768 (artifact files).
    public var hiddenWidth: Int? = nil
    /// Sequence length Lq; `nil` takes each sample's padded length (`seq_len`), or 512 if absent.
    public var sequenceLength: Int? = nil

    /// The registry name.
    public var name: String { "sanger" }

    /// Creates the model with the artifact's constants.
    public init() {}

    /// Parameter keys accepted by `--set`.
    public static let parameterKeys = [
        "tile_height", "tile_width", "pes_per_row", "bytes_per_element", "clock_hz",
        "bandwidth_gbs", "pack_factor", "hidden", "seq_len",
    ]

    /// Creates the model from `key=value` overrides.
    public init(overrides: [String]) throws {
        var reader = try ParameterOverrides(overrides, model: "sanger")
        tileHeight = try reader.positiveInt("tile_height", default: tileHeight)
        tileWidth = try reader.positiveInt("tile_width", default: tileWidth)
        pesPerRow = try reader.positiveInt("pes_per_row", default: pesPerRow)
        bytesPerElement = try reader.positiveInt("bytes_per_element", default: bytesPerElement)
        clockHz = try reader.positive("clock_hz", default: clockHz)
        bandwidthGBs = try reader.positive("bandwidth_gbs", default: bandwidthGBs)
        packFactor = try reader.positive("pack_factor", default: packFactor)
        hiddenWidth = try reader.optionalPositiveInt("hidden", default: hiddenWidth)
        sequenceLength = try reader.optionalPositiveInt("seq_len", default: sequenceLength)
        try reader.rejectUnknown(known: Self.parameterKeys)
    }

    /// The parameters and their values.
    public var parameters: [(key: String, value: String)] {
        [
            ("tile_height", String(tileHeight)), ("tile_width", String(tileWidth)),
            ("pes_per_row", String(pesPerRow)), ("bytes_per_element", String(bytesPerElement)),
            ("clock_hz", describe(clockHz)), ("bandwidth_gbs", describe(bandwidthGBs)),
            ("pack_factor", describe(packFactor)),
            ("hidden", hiddenWidth.map(String.init) ?? "auto"),
            ("seq_len", sequenceLength.map(String.init) ?? "auto"),
        ]
    }

    /// Latency (s) of one attention layer for density `d`, load balance `b`, length `Lq`, width `H`.
    public func latency(density d: Double, loadBalance b: Double, sequenceLength lq: Double, hidden h: Double)
        throws -> Double
    {
        guard d > 0, d <= 1 else { throw DystaError("density \(d) is outside (0, 1]") }
        guard b > 0, b <= 1 else { throw DystaError("load balance \(b) is outside (0, 1]") }
        guard lq > 0 else { throw DystaError("sequence length \(lq) is not positive") }
        guard h > 0 else { throw DystaError("hidden width \(h) is not positive") }
        let th = Double(tileHeight)
        let tw = Double(tileWidth)
        let subrows = d / b / packFactor * lq
        let linearGOPS = th * Double(pesPerRow) * (clockHz / 1e9) * 2
        let projectGOPS = linearGOPS / d * b
        let linear = lq * h * h * 2 * 3 / 1e9 / linearGOPS
        let project = lq * h * h * 2 / 1e9 / projectGOPS
        let tile = (h + tw) + (subrows + tw)
        let rowOfTiles = tile * (lq / tw)
        let requiredBandwidth = tw * Double(bytesPerElement) * clockHz / 1e9
        let transfer = requiredBandwidth < bandwidthGBs ? 1 : requiredBandwidth / bandwidthGBs
        let finalCycles = (subrows / th) * rowOfTiles * transfer
        return linear + finalCycles / clockHz + project
    }

    /// Latency (s) of an attention layer from its trace cell (`density`, `load_balance`, `seq_len`).
    public func latency(layer: LayerSpec, cell: TraceCell) throws -> Double {
        let density = try cell.required(.density, by: name)
        let balance = try cell.required(.loadBalance, by: name)
        let length: Double
        if let fixed = sequenceLength {
            length = Double(fixed)
        } else {
            length = cell.value(.seqLen) ?? 512
        }
        let hidden: Double
        if let fixed = hiddenWidth {
            hidden = Double(fixed)
        } else if case .attention(_, let width, _) = layer.kind {
            hidden = Double(width)
        } else {
            hidden = 768
        }
        return try latency(density: density, loadBalance: balance, sequenceLength: length, hidden: hidden)
    }
}
