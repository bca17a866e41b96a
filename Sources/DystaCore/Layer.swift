/// The shape of a convolution or fully connected layer, as the CNN latency models need it.
public struct ConvShape: Hashable, Sendable, Codable {
    /// Input channels (linear: input features).
    public var inputChannels: Int
    /// Output channels (linear: output features).
    public var outputChannels: Int
    /// Kernel height R.
    public var kernelHeight: Int
    /// Kernel width S.
    public var kernelWidth: Int
    /// Stride (both directions).
    public var stride: Int
    /// Zero padding on each side.
    public var padding: Int
    /// Convolution groups (depthwise: groups = input channels).
    public var groups: Int
    /// Input height H.
    public var inputHeight: Int
    /// Input width W.
    public var inputWidth: Int
    /// Output height E.
    public var outputHeight: Int
    /// Output width F.
    public var outputWidth: Int
    /// Non-zero weights of the variant (after pruning).
    public var weightNonzeros: Int
    /// All weights, M · C/groups · R · S.
    public var weightTotal: Int
    /// The C0 for which the trace's `nnz_columns` was counted (nil if unknown).
    public var countedC0: Int?

    /// Creates a shape; see the property docs for the meaning of each value.
    public init(
        inputChannels: Int, outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
        stride: Int = 1, padding: Int = 0, groups: Int = 1,
        inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int,
        weightNonzeros: Int? = nil, weightTotal: Int? = nil, countedC0: Int? = nil
    ) {
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        let total =
            weightTotal
            ?? outputChannels * (inputChannels / max(groups, 1)) * kernelHeight * kernelWidth
        self.weightTotal = total
        self.weightNonzeros = weightNonzeros ?? total
        self.countedC0 = countedC0
    }
}

/// What kind of computation a scheduled layer is.
public enum LayerKind: Hashable, Sendable {
    /// A multi-head attention block (Sanger costs its score, softmax-masked product and projections).
    case attention(heads: Int, hidden: Int, headDim: Int)
    /// A 2-D convolution.
    case conv(ConvShape)
    /// A fully connected layer (shape with 1×1 spatial size).
    case linear(ConvShape)
    /// A layer described only by its trace (e.g. the artifact's CSV files).
    case opaque
}

/// One scheduled layer of a model variant: the unit of preemption.
public struct LayerSpec: Hashable, Sendable {
    /// Display name, e.g. `layer3.attn` or `conv1`.
    public var name: String
    /// What the layer computes.
    public var kind: LayerKind

    /// Creates a layer description.
    public init(name: String, kind: LayerKind) {
        self.name = name
        self.kind = kind
    }

    /// The convolution/linear shape, if the layer has one.
    public var convShape: ConvShape? {
        switch kind {
        case .conv(let shape), .linear(let shape): return shape
        default: return nil
        }
    }
}
