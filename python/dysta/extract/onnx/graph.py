"""ONNX graph analysis for the generic trace extractor (dysta.extract, python -m dysta.extract).

CNN layer mapping
-----------------
Every Conv (2-D, constant weight), Gemm (constant B) and MatMul (constant 2-D second input)
is one scheduled layer, in graph (topological) order. For each layer:

* input activation x: the layer's data input; when that input is an explicit constant-zero
  Pad (possibly through Transpose/Cast/Identity), x is the Pad's input and the explicit
  padding is added to the layer's own padding (TensorFlow exports pad in front of the conv);
* per-channel affine chain: from the layer output, the single-consumer ops Transpose, Cast,
  Identity, BatchNormalization and Add/Sub/Mul/Div with a constant that broadcasts along the
  channel axis (bias, BatchNorm as Sub/Mul/Add); its Mul/Div/BatchNorm scales multiply the
  weights to give the BN-folded magnitudes used for pruning; its end is where a removed
  filter's channel is masked (filter pruning);
* output activation y: after the chain, the layer's non-linearity (Relu, Clip = ReLU6,
  LeakyRelu, HardSwish, ..., or a gated x * gate(x) written as nodes: SiLU = Mul(x,
  Sigmoid(x)), Swish, HardSwish = x * ReLU6(x + 3) / 6) if it follows directly, or after a
  residual Add (a non-constant operand) that it follows; otherwise the chain end (raw output,
  bias included).

This is exactly the rule the hand-written ResNet runner (tools/trace-extract/cnn/
model_resnet.py) applies to the Open-NSFW graph, stated for any graph.
"""
from ...errors import ExtractError
import numpy as np
import onnx
from onnx import helper, numpy_helper

PASS = {"Transpose", "Cast", "Identity"}
AFFINE = {"Add", "Sub", "Mul", "Div"}
ACTIVATIONS = {"Relu", "Clip", "LeakyRelu", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh", "Elu",
               "Selu", "Celu", "Softplus", "PRelu", "Gelu", "ThresholdedRelu", "Mish", "Swish"}
# non-linearities whose output holds exact zeros for a range of inputs (the others, e.g. SiLU,
# GELU, Sigmoid, Tanh, LeakyRelu, are exactly zero almost never)
ZERO_PRODUCING = {"Relu", "Clip", "ThresholdedRelu", "HardSwish", "HardSigmoid"}
# x * gate(x): the gate's op (after optional Add/Mul/Div by a constant) names the activation
GATES = {"Sigmoid", "HardSigmoid", "Clip"}
GATE_OPS = GATES | {"Add", "Mul", "Div"}
# ops that compute like a layer but cannot be mapped onto the Eyeriss-V2 conv/linear model
UNMAPPABLE = {"ConvTranspose", "ConvInteger", "QLinearConv", "MatMulInteger", "QLinearMatMul",
              "LSTM", "GRU", "RNN", "DeformConv", "Einsum", "DynamicQuantizeLSTM"}
FUSED_ATTENTION = {"Attention", "MultiHeadAttention", "GroupQueryAttention", "PackedAttention",
                   "PackedMultiHeadAttention", "DecoderAttention", "DecoderMaskedSelfAttention",
                   "DecoderMaskedMultiHeadAttention", "LongformerAttention", "QAttention",
                   "QOrderedAttention", "SparseAttention", "PagedAttention"}


class GraphError(ExtractError):
    """A problem with the model file; the message names the node (the path, the model file, is
    filled in by the extractor)."""

    def __init__(self, message, path=None):
        super().__init__(path, message)


def node_name(n):
    return n.name or (n.output[0] if n.output else n.op_type)


def attrs(n):
    return {a.name: helper.get_attribute_value(a) for a in n.attribute}


class Graph:
    def __init__(self, model):
        self.model = model
        g = model.graph
        self.init = {i.name: i for i in g.initializer}
        self._arrays = {}
        self.producer = {o: n for n in g.node for o in n.output if o}
        self.consumers = {}
        for n in g.node:
            for i in n.input:
                if i:
                    self.consumers.setdefault(i, []).append(n)
        self.outputs = {o.name for o in g.output}
        self.inputs = [i for i in g.input if i.name not in self.init]

    def const(self, name):
        """numpy value of an initializer / Constant node (through Identity), else None."""
        seen = 0
        while name not in self.init:
            n = self.producer.get(name)
            if n is None or seen > 16:
                return None
            if n.op_type == "Identity":
                name = n.input[0]
                seen += 1
                continue
            if n.op_type == "Constant":
                a = attrs(n)
                if "value" in a:
                    return numpy_helper.to_array(a["value"])
                for k in ("value_float", "value_int"):
                    if k in a:
                        return np.array(a[k])
                for k in ("value_floats", "value_ints"):
                    if k in a:
                        return np.array(a[k])
            return None
        if name not in self._arrays:
            self._arrays[name] = numpy_helper.to_array(self.init[name])
        return self._arrays[name]

    def users(self, t):
        """consumers of tensor t; a graph output counts as one more (unknown) user."""
        u = list(self.consumers.get(t, []))
        if t in self.outputs:
            u.append(None)
        return u


# --------------------------------------------------------------------------------- CNN layers
class LayerInfo:
    """Where one scheduled CNN layer lives in the graph (geometry filled in by finish())."""

    def __init__(self, node, kind):
        self.node = node
        self.kind = kind                # "conv" or "linear"
        self.name = node_name(node)
        self.wname = node.input[1]
        self.x = None                   # tensor read as the input activation
        self.x_lay = None               # layout of x: axis i of x holds NCHW axis x_lay[i]
        self.pad_node = None            # explicit Pad folded into the layer
        self.chain_end = None
        self.chain_lay = None
        self.act = None                 # output activation tensor
        self.act_lay = None
        self.nonlinearity = None
        self.residual = False
        self.scale = None               # per-channel scale of the affine chain (float64)
        self.alpha = 1.0


def _lay_after_transpose(lay, perm):
    return [lay[p] for p in perm]


def to_nchw(a, lay):
    """Array in layout lay (axis i holds NCHW axis lay[i]) -> NCHW."""
    return a.transpose([lay.index(j) for j in range(len(lay))])


def _check_channel_const(c, rank, ch_axis, M):
    """Does constant c broadcast along the channel axis only? Returns the flat per-channel
    vector (size 1 or M) or None."""
    shape = list(c.shape)
    if len(shape) > rank:
        return None
    shape = [1] * (rank - len(shape)) + shape
    for i, d in enumerate(shape):
        if i != ch_axis and d != 1:
            return None
    v = np.asarray(c, dtype=np.float64).reshape(-1)
    if v.size not in (1, M):
        return None
    return v


def find_cnn_layers(G):
    """Scheduled layers of a CNN graph, in graph order. Raises GraphError naming the node for
    anything that cannot be mapped."""
    layers = []
    for n in G.model.graph.node:
        if n.domain not in ("", "ai.onnx"):
            raise GraphError(f"node '{node_name(n)}': operator {n.domain}.{n.op_type} is not "
                             f"supported (custom or fused operator; export with standard ONNX ops)")
        if n.op_type in UNMAPPABLE:
            raise GraphError(f"node '{node_name(n)}': operator {n.op_type} cannot be mapped onto a "
                             f"conv/linear layer (supported: Conv, Gemm, MatMul with constant weights)")
        if n.op_type == "Conv":
            w = G.const(n.input[1])
            if w is None:
                raise GraphError(f"node '{node_name(n)}': Conv weight '{n.input[1]}' is not a constant")
            if w.ndim != 4:
                raise GraphError(f"node '{node_name(n)}': only 2-D convolutions are supported "
                                 f"(weight shape {list(w.shape)})")
            a = attrs(n)
            if any(d != 1 for d in a.get("dilations", [1, 1])):
                raise GraphError(f"node '{node_name(n)}': dilated convolution "
                                 f"(dilations {a['dilations']}) is not supported")
            st = a.get("strides", [1, 1])
            if st[0] != st[1]:
                raise GraphError(f"node '{node_name(n)}': different strides per direction {st} "
                                 f"are not supported (the trace format has one stride)")
            layers.append(LayerInfo(n, "conv"))
        elif n.op_type in ("Gemm", "MatMul"):
            w1 = G.const(n.input[1])
            w0 = G.const(n.input[0])
            if w1 is None and w0 is None:
                raise GraphError(f"node '{node_name(n)}': {n.op_type} of two activations (attention "
                                 f"scores?) is not a CNN layer; use --kind attention for transformers")
            if w1 is None or w0 is not None:
                raise GraphError(f"node '{node_name(n)}': {n.op_type} with a constant first input "
                                 f"is not supported")
            if w1.ndim != 2:
                raise GraphError(f"node '{node_name(n)}': {n.op_type} weight of rank {w1.ndim} is "
                                 f"not supported")
            L = LayerInfo(n, "linear")
            if n.op_type == "Gemm":
                a = attrs(n)
                if a.get("transA", 0):
                    raise GraphError(f"node '{node_name(n)}': Gemm with transA=1 is not supported")
                L.alpha = float(a.get("alpha", 1.0))
            layers.append(L)
    if not layers:
        raise GraphError("no Conv, Gemm or MatMul layer with constant weights found")
    for L in layers:
        _input_side(G, L)
        _output_side(G, L)
    return layers


def _input_side(G, L):
    """x tensor of the layer: the data input, or the input of an explicit zero Pad in front."""
    name = L.node.input[0]
    t, lay = name, [0, 1, 2, 3]
    while True:
        n = G.producer.get(t)
        if n is None or L.kind == "linear":
            break
        if n.op_type in PASS:
            if n.op_type == "Transpose":
                perm = attrs(n)["perm"]
                # output axis i = input axis perm[i]: input axis perm[i] holds lay[i]
                new = [None] * len(perm)
                for i, p in enumerate(perm):
                    new[p] = lay[i]
                lay = new
            t = n.input[0]
            continue
        if n.op_type == "Pad":
            a = attrs(n)
            mode = a.get("mode", b"constant")
            if mode not in (b"constant", "constant"):
                raise GraphError(f"node '{node_name(n)}': Pad mode {mode!r} in front of layer "
                                 f"'{L.name}' is not zero padding")
            if len(n.input) > 2 and n.input[2]:
                cv = G.const(n.input[2])
                if cv is None or np.any(cv != 0):
                    raise GraphError(f"node '{node_name(n)}': Pad with a non-zero value in front of "
                                     f"layer '{L.name}'")
            if len(n.input) > 3 and n.input[3]:
                raise GraphError(f"node '{node_name(n)}': Pad with axes input is not supported")
            L.pad_node = n
            L.x = n.input[0]
            L.x_lay = lay
            return
        break
    L.x = name
    L.x_lay = [0, 1, 2, 3] if L.kind == "conv" else None


def _output_side(G, L):
    """Walk the per-channel affine chain, then find the non-linearity (see module doc)."""
    n0 = L.node
    if L.kind == "conv":
        M = G.const(L.wname).shape[0]
        lay, rank = [0, 1, 2, 3], 4
    else:
        w = G.const(L.wname)
        tb = attrs(n0).get("transB", 0) if n0.op_type == "Gemm" else 0
        M = w.shape[0] if tb else w.shape[1]
        lay, rank = None, 2
    t, scale = n0.output[0], np.ones(1) * L.alpha
    while True:
        users = G.users(t)
        if len(users) != 1 or users[0] is None:
            break
        n = users[0]
        if n.op_type in PASS:
            if n.op_type == "Transpose":
                if lay is None:
                    break
                lay = _lay_after_transpose(lay, attrs(n)["perm"])
            t = n.output[0]
            continue
        ch = lay.index(1) if lay is not None else rank - 1
        if n.op_type == "BatchNormalization" and n.input[0] == t and ch == 1:
            p = [G.const(i) for i in n.input[1:5]]
            if any(v is None for v in p):
                break
            eps = attrs(n).get("epsilon", 1e-5)
            k = np.asarray(p[0], np.float64) / np.sqrt(np.asarray(p[3], np.float64) + eps)
            scale = scale * k
            t = n.output[0]
            continue
        if n.op_type in AFFINE:
            first = n.input[0] == t
            other = n.input[1] if first else n.input[0]
            c = G.const(other)
            if c is None:
                break
            v = _check_channel_const(c, rank if lay is None else len(lay), ch, M)
            if v is None:
                break
            if n.op_type == "Mul":
                scale = scale * v
            elif n.op_type == "Div":
                if not first:
                    break
                scale = scale / v
            elif n.op_type == "Sub" and not first:
                scale = -scale
            t = n.output[0]
            continue
        break
    L.chain_end, L.chain_lay = t, lay
    L.scale = np.broadcast_to(scale, (M,)).copy()
    act, act_lay, nl = t, lay, None
    found = nonlinearity_after(G, t)
    users = G.users(t)
    if found is not None:
        act, nl = found
    elif len(users) == 1 and users[0] is not None:
        n = users[0]
        if n.op_type == "Add" and G.const(n.input[1] if n.input[0] == t else n.input[0]) is None:
            u = n.output[0]
            alay = lay
            while True:
                us = G.users(u)
                if len(us) == 1 and us[0] is not None and us[0].op_type in PASS:
                    if us[0].op_type == "Transpose":
                        if alay is None:
                            break
                        alay = _lay_after_transpose(alay, attrs(us[0])["perm"])
                    u = us[0].output[0]
                    continue
                break
            found = nonlinearity_after(G, u)
            if found is not None:
                act, nl = found
                act_lay = alay
                L.residual = True
    L.act, L.act_lay, L.nonlinearity = act, act_lay, nl


def _scalar_const(G, n, t):
    """The other operand of binary node n (t is one operand) if it is a scalar constant."""
    other = n.input[1] if n.input[0] == t else n.input[0]
    c = G.const(other)
    return None if c is None or np.asarray(c).size != 1 else float(np.asarray(c).reshape(-1)[0])


def _gated(G, t):
    """x * gate(x) on tensor t, as exporters write SiLU / Swish / HardSwish: t has two users,
    Mul(t, g) and a chain of single-consumer ops from t to g (Sigmoid, HardSigmoid or
    Clip, with Add/Mul/Div by scalar constants: x * relu6(x + 3) / 6 and Swish's
    sigmoid(beta * x)), and an optional Mul/Div by a scalar constant after the Mul. Returns
    (output tensor, name) or None."""
    users = G.users(t)
    if len(users) != 2 or None in users:
        return None
    for mul, start in ((users[0], users[1]), (users[1], users[0])):
        if mul.op_type != "Mul" or t not in mul.input or mul is start:
            continue
        g = mul.input[1] if mul.input[0] == t else mul.input[0]
        n, ops, cur = start, [], t
        while n is not None and n.op_type in GATE_OPS and cur in n.input:
            if n.op_type in ("Add", "Mul", "Div") and _scalar_const(G, n, cur) is None:
                break
            if n.op_type in ("Div", "Sigmoid", "HardSigmoid", "Clip") and n.input[0] != cur:
                break
            if n.op_type == "Clip" and any(i and G.const(i) is None for i in n.input[1:]):
                break
            ops.append(n.op_type)
            cur = n.output[0]
            if cur == g:
                break
            us = G.users(cur)
            n = us[0] if len(us) == 1 else None
        if cur != g or G.users(g) != [mul]:
            continue
        gate = [o for o in ops if o in GATES]
        if len(gate) != 1:
            continue
        if gate[0] == "Sigmoid":
            name = "Swish (x*Sigmoid(beta*x))" if len(ops) > 1 else "SiLU (x*Sigmoid(x))"
        elif gate[0] == "HardSigmoid":
            name = "HardSwish (x*HardSigmoid(x))"
        elif "Add" in ops:
            name = "HardSwish (x*ReLU6(x+3)/6)"
        else:
            continue                      # x * clip(x) is no gate we know
        out = mul.output[0]
        us = G.users(out)
        if len(us) == 1 and us[0] is not None and us[0].op_type in ("Mul", "Div") \
                and us[0].input[0] == out and _scalar_const(G, us[0], out) is not None:
            out = us[0].output[0]        # x * relu6(x + 3) / 6
        return out, name
    return None


def nonlinearity_after(G, t):
    """The non-linearity applied to tensor t: a single activation node, or a gated
    x * gate(x) form (SiLU, Swish, HardSwish). Returns (output tensor, name) or None."""
    users = G.users(t)
    if len(users) == 1 and users[0] is not None and users[0].op_type in ACTIVATIONS:
        return users[0].output[0], users[0].op_type
    return _gated(G, t)


def produces_zeros(nonlinearity):
    """Does this non-linearity (a name from nonlinearity_after) output exact zeros over a
    range of inputs (ReLU, ReLU6, HardSwish, ...)? SiLU, GELU, Sigmoid, Tanh, ... do not."""
    return nonlinearity is not None and nonlinearity.split(" ")[0] in ZERO_PRODUCING


def pad_values(G, L, values):
    """(top, bottom, left, right) of the explicit Pad of layer L (values: runtime tensors)."""
    n = L.pad_node
    if n is None:
        return (0, 0, 0, 0)
    if len(n.input) > 1 and n.input[1]:
        pv = G.const(n.input[1])
        if pv is None:
            pv = values[n.input[1]]
    else:
        pv = attrs(n)["pads"]
    pv = [int(v) for v in np.asarray(pv).reshape(-1)]
    r = len(pv) // 2
    if r != 4:
        raise GraphError(f"node '{node_name(n)}': Pad of a rank-{r} tensor in front of layer '{L.name}'")
    hb, wb = L.x_lay.index(2), L.x_lay.index(3)
    for ax in (L.x_lay.index(0), L.x_lay.index(1)):
        if pv[ax] or pv[ax + r]:
            raise GraphError(f"node '{node_name(n)}': Pad on the batch or channel axis in front of "
                             f"layer '{L.name}'")
    if min(pv) < 0:
        raise GraphError(f"node '{node_name(n)}': negative Pad (crop) in front of layer '{L.name}'")
    return (pv[hb], pv[hb + r], pv[wb], pv[wb + r])


def conv_pads(L, H, W, R, S, stride):
    """The Conv's own padding (top, bottom, left, right), auto_pad resolved."""
    a = attrs(L.node)
    ap = a.get("auto_pad", b"NOTSET")
    ap = ap.decode() if isinstance(ap, bytes) else ap
    if ap in ("NOTSET", ""):
        p = a.get("pads", [0, 0, 0, 0])
        return (p[0], p[2], p[1], p[3])
    if ap == "VALID":
        return (0, 0, 0, 0)
    out = []
    for size, k in ((H, R), (W, S)):
        total = max((-(-size // stride) - 1) * stride + k - size, 0)
        small, big = total // 2, total - total // 2
        out.append((small, big) if ap == "SAME_UPPER" else (big, small))
    return (out[0][0], out[0][1], out[1][0], out[1][1])


# --------------------------------------------------------------------------------- attention
class AttentionInfo:
    def __init__(self, softmax, pv):
        self.node = softmax
        self.name = node_name(softmax)
        self.probs = softmax.output[0]
        self.pv = pv                    # the MatMul probs @ V
        self.heads = None
        self.head_dim = None
        self.causal = None


def check_fused_attention(G, path):
    for n in G.model.graph.node:
        if n.op_type in FUSED_ATTENTION:
            raise GraphError(
                f"node '{node_name(n)}': fused attention operator {n.domain or 'ai.onnx'}.{n.op_type} "
                f"hides the attention probabilities (no visible Softmax). Export without fusion: "
                f"torch.onnx.export(..., dynamo=False) of the model loaded with "
                f"attn_implementation='eager', no onnxruntime transformers optimizer, no "
                f"optimum 'optimize' / O2+ levels (see docs/your-own-model.md)")


def find_attention_layers(G):
    """Softmax nodes whose output (through Cast/Identity/Dropout) is the first operand of a
    MatMul: one attention layer each, in graph order. Other Softmax nodes (classifier heads)
    are returned separately."""
    found, other = [], []
    for n in G.model.graph.node:
        if n.op_type != "Softmax":
            continue
        t = n.output[0]
        pv = None
        for _ in range(8):
            us = G.users(t)
            mm = [u for u in us if u is not None and u.op_type == "MatMul" and u.input[0] == t]
            if mm:
                pv = mm[0]
                break
            nxt = [u for u in us if u is not None and u.op_type in ("Cast", "Identity", "Dropout")]
            if len(nxt) != 1:
                break
            t = nxt[0].output[0]
        if pv is None:
            other.append(node_name(n))
        else:
            found.append(AttentionInfo(n, pv))
    return found, other


# --------------------------------------------------------------------------------- editing
def with_outputs(model, names):
    """Copy of model whose graph outputs are exactly `names`."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    del m.graph.output[:]
    for nm in names:
        m.graph.output.append(helper.make_empty_tensor_value_info(nm))
    return m


def pruned_copy(model, edits):
    """Copy of model with new layer weights and channel masks (one pruning pattern's graph).

    Parameters
    ----------
    model : onnx.ModelProto
    edits : list of (node_output, weight_name, weight, mask)
        The node producing ``node_output`` reads ``weight`` (float32 initializer
        ``weight_name``) as its input 1; ``mask`` is None or (tensor, mask_name, mask_array,
        new_tensor, node_name): ``tensor`` is multiplied by the initializer ``mask_name``
        (see insert_channel_masks).
    """
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    by_out = {x.output[0]: x for x in g.node if x.output}
    inserts = []
    for out, wname, w, mask in edits:
        g.initializer.append(numpy_helper.from_array(np.ascontiguousarray(w.astype(np.float32)), wname))
        by_out[out].input[1] = wname
        if mask is not None:
            end, kname, kv, mname, nname = mask
            g.initializer.append(numpy_helper.from_array(kv, kname))
            inserts.append((end, kname, mname, nname))
    insert_channel_masks(g, inserts)
    return m


def insert_channel_masks(graph, masks):
    """Multiply tensors by constant channel masks, in place (filter pruning).

    Parameters
    ----------
    graph : onnx.GraphProto
        Edited in place; the mask initializers must already be in it.
    masks : list of (tensor, mask_initializer, new_tensor, node_name)
        Every consumer of ``tensor`` reads ``new_tensor = Mul(tensor, mask_initializer)``
        instead; the Mul node (named ``node_name``) is placed right after the producer of
        ``tensor``, so the node list stays topologically sorted.
    """
    nodes = list(graph.node)
    added = []
    for end, kname, mname, nname in masks:
        for c in nodes + added:
            for i, inp in enumerate(c.input):
                if inp == end:
                    c.input[i] = mname
        added.append(helper.make_node("Mul", [end, kname], [mname], name=nname))
    order = []
    for n in nodes:
        order.append(n)
        for k in added:
            if k.input[0] in n.output:
                order.append(k)
    del graph.node[:]
    graph.node.extend(order)
