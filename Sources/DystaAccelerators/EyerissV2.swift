import DystaCore

/// The Eyeriss-V2 sparse CNN latency model (docs/accelerators.md), corrected or in the artifact's form.
///
/// cycles = ⌊(4·V + A + 2·M1·S1·M2·S2·Nnz) / PEs⌋, latency = cycles / clock, where V is the
/// effectual MAC count, A the address checks of the mapping and Nnz the non-empty input
/// activation columns. The corrected form maps the real output size and uses the real-stride
/// counts; the artifact form charges every conv as stride 1 with "same" padding.
public struct EyerissV2Model: LatencyModel, Equatable {
    /// Which rules the model follows.
    public enum Variant: String, Sendable, CaseIterable {
        /// Real stride and output size; non-empty columns counted per C0 group (default).
        case corrected
        /// The artifact's rules: stride 1, "same" padding, columns counted per (channel, row).
        case artifact
    }

    /// The rules in force.
    public var variant: Variant = .corrected
    /// Clock frequency (Hz).
    public var clockHz: Double = 200e6
    /// Cluster array rows (C1 upper bound).
    public var clusterRows: Int = 8
    /// Cluster array columns (M1 upper bound).
    public var clusterColumns: Int = 2
    /// PE rows per cluster (S1 upper bound).
    public var peRows: Int = 3
    /// PE columns per cluster (F1 upper bound).
    public var peColumns: Int = 4
    /// Input-activation scratch-pad entries (R · C0 ≤ this).
    public var iactSpadEntries: Int = 16
    /// Input-activation global-buffer banks.
    public var iactGLBBanks: Int = 3
    /// Bits per input-activation global-buffer bank.
    public var iactGLBBits: Int = 32_000
    /// Largest M0 (output channels per PE).
    public var maxM0: Int = 32
    /// Bits per input activation.
    public var activationBits: Int = 8

    /// Creates the model with the paper's hardware constants.
    public init(variant: Variant = .corrected) { self.variant = variant }

    /// The registry name.
    public var name: String { variant == .corrected ? "eyeriss-v2" : "eyeriss-v2-artifact" }

    /// Parameter keys accepted by `--set`.
    public static let parameterKeys = [
        "clock_hz", "cluster_rows", "cluster_columns", "pe_rows", "pe_columns", "iact_spad",
        "glb_banks", "glb_bits", "max_m0", "activation_bits",
    ]

    /// Creates the model from `key=value` overrides.
    public init(variant: Variant, overrides: [String]) throws {
        self.variant = variant
        var reader = try ParameterOverrides(overrides, model: variant == .corrected ? "eyeriss-v2" : "eyeriss-v2-artifact")
        clockHz = try reader.positive("clock_hz", default: clockHz)
        clusterRows = try reader.positiveInt("cluster_rows", default: clusterRows)
        clusterColumns = try reader.positiveInt("cluster_columns", default: clusterColumns)
        peRows = try reader.positiveInt("pe_rows", default: peRows)
        peColumns = try reader.positiveInt("pe_columns", default: peColumns)
        iactSpadEntries = try reader.positiveInt("iact_spad", default: iactSpadEntries)
        iactGLBBanks = try reader.positiveInt("glb_banks", default: iactGLBBanks)
        iactGLBBits = try reader.positiveInt("glb_bits", default: iactGLBBits)
        maxM0 = try reader.positiveInt("max_m0", default: maxM0)
        activationBits = try reader.positiveInt("activation_bits", default: activationBits)
        try reader.rejectUnknown(known: Self.parameterKeys)
        if variant == .artifact,
            iactSpadEntries != 16 || iactGLBBanks != 3 || iactGLBBits != 32_000 || activationBits != 8
        {
            throw DystaError(
                "eyeriss-v2-artifact: the artifact's column counts in the trace are only valid for the "
                    + "default iact_spad, glb_banks, glb_bits and activation_bits; re-extract the trace to change them"
            )
        }
    }

    /// The parameters and their values.
    public var parameters: [(key: String, value: String)] {
        [
            ("clock_hz", describe(clockHz)), ("cluster_rows", String(clusterRows)),
            ("cluster_columns", String(clusterColumns)), ("pe_rows", String(peRows)),
            ("pe_columns", String(peColumns)), ("iact_spad", String(iactSpadEntries)),
            ("glb_banks", String(iactGLBBanks)), ("glb_bits", String(iactGLBBits)),
            ("max_m0", String(maxM0)), ("activation_bits", String(activationBits)),
        ]
    }

    /// Number of PEs.
    public var peCount: Int { clusterRows * clusterColumns * peRows * peColumns }

    /// The loop tiling of one layer on the PE array.
    public struct Mapping: Equatable, Sendable {
        public var c0, c1, c2: Int
        public var f0, f1, f2: Int
        public var m0, m1, m2: Int
        public var s1, s2: Int
        /// Output rows E the mapping iterates over.
        public var rows: Int

        /// Address-check cycles A = M1·F1·C1·S1·M2·F2·C2·S2·E·F0.
        public var addressChecks: Double {
            Double(m1) * Double(f1) * Double(c1) * Double(s1) * Double(m2) * Double(f2) * Double(c2)
                * Double(s2) * Double(rows) * Double(f0)
        }
    }

    /// Largest power of two ≤ `value` (value ≥ 1), or 0 for value < 1.
    static func floorPowerOfTwo(_ value: Int) -> Int {
        guard value >= 1 else { return 0 }
        return 1 << (Int.bitWidth - 1 - value.leadingZeroBitCount)
    }

    /// The mapping of a layer shape under the model's rules; throws if the shape cannot be placed.
    public func mapping(for shape: ConvShape) throws -> Mapping {
        let c = shape.inputChannels
        let groups = max(shape.groups, 1)
        let m = shape.outputChannels / groups
        let r = shape.kernelHeight
        let s = shape.kernelWidth
        guard c > 0, m > 0, r > 0, s > 0, shape.inputWidth > 0, shape.inputHeight > 0,
            shape.outputChannels % groups == 0
        else {
            throw DystaError("layer shape C=\(c) M=\(shape.outputChannels) R=\(r) S=\(s) groups=\(groups) is not valid")
        }
        // The artifact maps the input width as the output size (stride 1, "same").
        let width = variant == .artifact ? shape.inputWidth : shape.outputWidth
        let rows = variant == .artifact ? shape.inputWidth : shape.outputHeight
        guard width > 0, rows > 0 else { throw DystaError("layer output size is zero") }
        var c0: Int
        if c <= 3 {
            c0 = c
        } else {
            c0 = min(Self.floorPowerOfTwo(iactSpadEntries / r), c)
        }
        guard c0 >= 1 else {
            throw DystaError("kernel height \(r) does not fit the \(iactSpadEntries)-entry iact scratch pad")
        }
        let glb = iactGLBBanks * iactGLBBits
        let f0 = min(Self.floorPowerOfTwo(glb / (rows * r * c0 * activationBits)), width)
        guard f0 >= 1 else {
            throw DystaError(
                "layer with \(rows) output rows, R=\(r), C0=\(c0) does not fit the iact global buffer (\(glb) bits)")
        }
        let m0 = min(m, maxM0)
        let c1 = clusterRows * c0 <= c ? clusterRows : c / c0
        let f1 = peColumns * f0 <= width ? peColumns : width / f0
        let s1 = min(s, peRows)
        let m1 = clusterColumns * m0 <= m ? clusterColumns : m / m0
        func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
        return Mapping(
            c0: c0, c1: c1, c2: ceilDiv(c, c0 * c1), f0: f0, f1: f1, f2: ceilDiv(width, f0 * f1),
            m0: m0, m1: m1, m2: ceilDiv(m, m0 * m1), s1: s1, s2: ceilDiv(s, s1), rows: rows)
    }

    /// Cycles for one layer given effectual MACs `v` and non-empty columns `nnz`.
    public func cycles(mapping: Mapping, effectualMACs v: Double, nonEmptyColumns nnz: Double) -> Double {
        let weightChecks =
            2 * Double(mapping.m1) * Double(mapping.s1) * Double(mapping.m2) * Double(mapping.s2) * nnz
        return ((4 * v + mapping.addressChecks + weightChecks) / Double(peCount)).rounded(.down)
    }

    /// Latency (s) of a conv or linear layer from its trace cell.
    public func latency(layer: LayerSpec, cell: TraceCell) throws -> Double {
        guard let shape = layer.convShape else {
            throw DystaError("eyeriss-v2 costs conv and linear layers; layer '\(layer.name)' has no shape (use the latency model 'table' for traces with measured latency)")
        }
        let mapping = try self.mapping(for: shape)
        let macs: Double
        let columns: Double
        switch variant {
        case .corrected:
            if let counted = shape.countedC0, counted != mapping.c0 {
                throw DystaError(
                    "layer '\(layer.name)': the trace counted non-empty columns for C0=\(counted), these parameters give C0=\(mapping.c0); re-extract the trace")
            }
            macs = try cell.required(.macs, by: name)
            columns = try cell.required(.nnzColumns, by: name)
        case .artifact:
            macs = try cell.required(.macsStride1, by: name)
            columns = try cell.required(.nnzColumnsArtifact, by: name)
        }
        guard macs >= 0, columns >= 0 else { throw DystaError("negative MAC or column count") }
        return cycles(mapping: mapping, effectualMACs: macs, nonEmptyColumns: columns) / clockHz
    }
}
