"""The generic ONNX trace extractor: runs, cells, output folder (the entry points are
dysta.extract.extract_onnx and python -m dysta.extract).

Counting definitions are not re-implemented here: CNN cells come from dysta.extract.cnn.counting
(effectual MACs, nnz columns, C0), pruning masks from dysta.extract.cnn.pruning, layer shapes
from dysta.extract.cnn.layers, the cell formatting and the manifest layout from
dysta.extract._common (shared with tools/trace-extract/cnn/extract.py), and the attention cells
(density, pack-and-split load balance) from dysta.extract.attention (shared with
tools/trace-extract/attention/extract.py).
"""
import os
import re
import shutil
from pathlib import Path

import numpy as np

from .._common import CNN_CSV_HEADER as CNN_HEADER, Progress, frac
from ..attention import VEC, attention_cell
from ..cnn import counting, pruning
from ..cnn import layers as cnn_layers
from . import graph as G_
from .graph import GraphError, node_name
from ...errors import ExtractError

ATT_HEADER = "sample,layer,zero_fraction,seq_len,real_len,density,load_balance\n"
DEFAULT_PATTERNS = list(pruning.PATTERNS)
PATTERN_RE = re.compile(r"^(dense|unstructured(\d+)|filter(\d+)|block4-(\d+))$")
TOOL = "dysta.extract (python -m dysta.extract)"


def check_patterns(patterns):
    for p in patterns:
        m = PATTERN_RE.match(p)
        if not m:
            raise ExtractError("--patterns", f"unknown pattern {p!r} (dense, unstructuredP, filterP, "
                                             f"block4-P with P a percentage 1..99)")
        if p != "dense" and not 0 < int(next(g for g in m.groups()[1:] if g)) < 100:
            raise ExtractError("--patterns", f"pattern {p!r}: the percentage must be 1..99")


# ------------------------------------------------------------------------------ onnxruntime
def session(model):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    return ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])


def load_model(path):
    import onnx
    p = Path(path)
    if not p.is_file():
        raise ExtractError(p, "model file not found")
    try:
        model = onnx.load(str(p))
    except Exception as e:          # protobuf DecodeError and friends
        raise ExtractError(p, f"not an ONNX model ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else 'parse failed'})")
    if not model.graph.node:
        raise ExtractError(p, "not an ONNX model (no graph nodes)")
    return model


# ------------------------------------------------------------------------------ model inputs
def _dims(vi):
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
            for d in vi.type.tensor_type.shape.dim]


class Feeder:
    """Builds the onnxruntime feeds for one sample from images or token ids."""
    TEXT_INPUTS = ("input_ids", "attention_mask", "token_type_ids", "position_ids")

    def __init__(self, model_path, G, inputs, pad_to=None, pad_id=0):
        import onnx
        self.inputs = inputs
        self.graph_inputs = G.inputs
        self.pad_to, self.pad_id = pad_to, pad_id
        self.model_path = model_path
        if inputs.kind == "image":
            fl = [i for i in G.inputs if i.type.tensor_type.elem_type == onnx.TensorProto.FLOAT]
            if len(G.inputs) != 1 or len(fl) != 1:
                raise ExtractError(model_path, f"image inputs need a model with one float input, "
                                               f"this one has {[i.name for i in G.inputs]}")
            self.name = fl[0].name
            self.dims = _dims(fl[0])
            pre = inputs.pre
            if len(self.dims) != 4:
                raise ExtractError(model_path, f"input '{self.name}' has shape {self.dims}, an image "
                                               f"model needs [N, C, H, W] or [N, H, W, C]")
            if pre.layout is None:
                if self.dims[1] == 3:
                    pre.layout = "nchw"
                elif self.dims[3] == 3:
                    pre.layout = "nhwc"
                else:
                    raise ExtractError(model_path, f"input '{self.name}' {self.dims}: cannot tell NCHW "
                                                   f"from NHWC, give --layout")
            hw = self.dims[2:4] if pre.layout == "nchw" else self.dims[1:3]
            if pre.size is None:
                if not all(isinstance(d, int) and d > 0 for d in hw):
                    raise ExtractError(model_path, f"input '{self.name}' {self.dims} has no fixed "
                                                   f"image size, give --size")
                pre.size = [int(hw[0]), int(hw[1])]
            pre.validate("--preprocess")
            want = [1, 3, pre.size[0], pre.size[1]] if pre.layout == "nchw" else [1, pre.size[0], pre.size[1], 3]
            for d, w in zip(self.dims, want):
                if isinstance(d, int) and d > 0 and d != w:
                    raise ExtractError(model_path, f"wrong input shape: input '{self.name}' expects "
                                                   f"{self.dims}, the preprocessing gives {want} "
                                                   f"(check --size and --layout)")
        else:
            names = {i.name: i for i in G.inputs}
            unknown = [n for n in names if n not in self.TEXT_INPUTS]
            if "input_ids" not in names:
                raise ExtractError(model_path, f"text inputs need a model input named 'input_ids'; "
                                               f"this model has {list(names)}")
            if unknown:
                raise ExtractError(model_path, f"model input '{unknown[0]}' is not supported (only "
                                               f"{', '.join(self.TEXT_INPUTS)}; export with "
                                               f"use_cache=False, no past key values)")
            self.text_names = names
            d = _dims(names["input_ids"])
            if len(d) != 2:
                raise ExtractError(model_path, f"wrong input shape: 'input_ids' has shape {d}, "
                                               f"expected [batch, sequence]")
            if isinstance(d[1], int) and d[1] > 0:
                if self.pad_to is None:
                    self.pad_to = d[1]
                elif self.pad_to != d[1]:
                    raise ExtractError(model_path, f"wrong input shape: 'input_ids' has a fixed "
                                                   f"length {d[1]}, --pad-to is {self.pad_to}")
            if self.pad_to is not None and "attention_mask" not in names:
                raise ExtractError(model_path, "padding (--pad-to or a fixed input length) needs an "
                                               "'attention_mask' model input")

    def feeds(self, i):
        """(feeds dict, real length or None for images, run length)."""
        if self.inputs.kind == "image":
            return {self.name: self.inputs.sample(i)}, None, None
        ids = self.inputs.ids(i)
        L = len(ids)
        n = L if self.pad_to is None else self.pad_to
        if L > n:
            ids, L = ids[:n], n
        arr = np.full((1, n), self.pad_id, dtype=np.int64)
        arr[0, :L] = ids
        f = {"input_ids": arr}
        if "attention_mask" in self.text_names:
            m = np.zeros((1, n), dtype=np.int64)
            m[0, :L] = 1
            f["attention_mask"] = m
        if "token_type_ids" in self.text_names:
            f["token_type_ids"] = np.zeros((1, n), dtype=np.int64)
        if "position_ids" in self.text_names:
            f["position_ids"] = np.arange(n, dtype=np.int64)[None]
        return f, L, n


def _run_checked(sess, feeds, model_path, what):
    try:
        return sess.run(None, feeds)
    except Exception as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ExtractError(model_path, f"onnxruntime failed on {what}: {msg}")


# ------------------------------------------------------------------------------ CNN
class CnnModel:
    """The scheduled layers of an ONNX CNN, ready for pruning.make_masks / runs."""

    def __init__(self, model, model_path, feeder, first_feeds):
        self.model = model
        self.model_path = model_path
        G = G_.Graph(model)
        self.G = G
        infos = G_.find_cnn_layers(G)
        names = []
        for L in infos:
            for t in (L.x, L.node.input[0], L.node.output[0], L.act, L.chain_end):
                if t not in names:
                    names.append(t)
            if L.pad_node is not None and len(L.pad_node.input) > 1 and G.const(L.pad_node.input[1]) is None:
                names.append(L.pad_node.input[1])
        outs = _run_checked(session(G_.with_outputs(model, names)), first_feeds, model_path,
                            "the first sample")
        vals = dict(zip(names, outs))
        self.infos, self.layers, self.eff, self.raw = infos, [], {}, {}
        used = set()
        for i, L in enumerate(infos):
            self._geometry(L, vals, i, used)
        # depthwise convs follow the layer whose activation they read (filter pruning)
        act_of = {L.act: L.name for L in infos}
        for L, lay in zip(infos, self.layers):
            if lay.depthwise:
                t = L.x
                while t not in act_of and t in G.producer and G.producer[t].op_type in G_.PASS:
                    t = G.producer[t].input[0]
                lay.follows = act_of.get(t)
        self.by_name = {l.name: l for l in self.layers}
        self.info = {l.name: L for l, L in zip(self.layers, infos)}

    def _geometry(self, L, vals, index, used):
        n = L.node
        name = L.name
        if name in used:
            name = f"{name}#{index}"
        used.add(name)
        L.name = name
        w = self.G.const(L.wname)
        if L.kind == "conv":
            a = G_.attrs(n)
            groups = int(a.get("group", 1))
            M, Cg, R, S = w.shape
            C = Cg * groups
            stride = int(a.get("strides", [1, 1])[0])
            xin = vals[n.input[0]]
            if xin.ndim != 4 or xin.shape[0] != 1 or xin.shape[1] != C:
                raise GraphError(f"node '{node_name(n)}': input shape {list(xin.shape)} does not "
                                 f"match weight {list(w.shape)} with group {groups} (batch must be 1)")
            x = G_.to_nchw(vals[L.x], L.x_lay)
            ep = G_.pad_values(self.G, L, vals)
            H, W = x.shape[2], x.shape[3]
            if x.shape[:2] != (1, C) or H + ep[0] + ep[1] != xin.shape[2] or W + ep[2] + ep[3] != xin.shape[3]:
                raise GraphError(f"node '{node_name(n)}': cannot relate input {list(vals[L.x].shape)} "
                                 f"to the conv input {list(xin.shape)}")
            own = G_.conv_pads(L, xin.shape[2], xin.shape[3], R, S, stride)
            pads = tuple(int(p + q) for p, q in zip(ep, own))
            out = vals[n.output[0]]
            E, F = out.shape[2], out.shape[3]
            if pads[0] != pads[2] or pads[1] != pads[3]:
                raise GraphError(f"node '{node_name(n)}': padding (top, bottom, left, right) = "
                                 f"{pads} differs between height and width; the trace format "
                                 f"needs the same padding in both directions")
            lay = cnn_layers.Layer(name, "conv", C, M, R, S, stride, pads, groups, H, W, E, F,
                                   prunable=True)
            try:
                lay.check()
            except AssertionError:
                raise GraphError(f"node '{node_name(n)}': output {E}x{F} does not follow from input "
                                 f"{H}x{W}, kernel {R}x{S}, stride {stride}, padding {pads}")
            eff = w.astype(np.float64) * L.scale[:, None, None, None]
            self.raw[name] = (w, "conv")
        else:
            tb = G_.attrs(n).get("transB", 0) if n.op_type == "Gemm" else 0
            wt = w if tb else w.T                          # (M, C)
            M, C = wt.shape
            xv = vals[L.x]
            if xv.size != C or xv.shape[0] != 1:
                raise GraphError(f"node '{node_name(n)}': {n.op_type} on an input of shape "
                                 f"{list(xv.shape)} is not a fully connected layer over {C} "
                                 f"features (batch 1); sequence models need --kind attention")
            lay = cnn_layers.Layer(name, "linear", C, M, 1, 1, 1, (0, 0, 0, 0), 1, 1, 1, 1, 1,
                                   prunable=True)
            eff = (wt.astype(np.float64) * L.scale[:, None])[:, :, None, None]
            self.raw[name] = (w, "linear_t" if tb else "linear")
        y = vals[L.act]
        want = lay.M * lay.E * lay.F
        if y.size != want:
            raise GraphError(f"node '{node_name(n)}': activation '{L.act}' has shape "
                             f"{list(y.shape)}, expected {lay.M}x{lay.E}x{lay.F}")
        self.eff[name] = eff.astype(np.float32)
        self.layers.append(lay)

    # pruning.make_masks / weight_nonzeros interface
    def effective_weights(self):
        return dict(self.eff)

    def set_prunable(self, first_last=False, keep_dense=()):
        for i, l in enumerate(self.layers):
            edge = i == 0 or i == len(self.layers) - 1
            l.prunable = (first_last or not edge) and l.name not in keep_dense \
                and self.info[l.name].node.name not in keep_dense

    def x_chw(self, L, val):
        if L.kind == "linear":
            return val.reshape(-1, 1, 1)
        return G_.to_nchw(val, L.x_lay)[0]

    def y_chw(self, L, lay, val):
        if L.kind == "linear" or L.act_lay is None:
            return val.reshape(lay.M, lay.E, lay.F)
        return G_.to_nchw(val, L.act_lay)[0]

    def variant_model(self, masks, keeps):
        """The model with pruned weights, channel masks and every x / activation as outputs
        (the graph edit of tools/trace-extract/cnn/model_resnet.py, for any graph)."""
        outputs = {o.name for o in self.model.graph.output}
        edits = []
        for k, lay in enumerate(self.layers):
            L = self.info[lay.name]
            w, how = self.raw[lay.name]
            if lay.name in masks:
                mk = masks[lay.name]
                w = w * (mk if how == "conv" else mk[:, :, 0, 0].T if how == "linear" else mk[:, :, 0, 0])
            mask = None
            if lay.name in keeps:
                end = L.chain_end
                kv = keeps[lay.name].astype(np.float32)
                if L.kind == "conv":
                    kshape = [1, 1, 1, 1]
                    kshape[L.chain_lay.index(1)] = lay.M
                else:
                    kshape = [1, lay.M]
                if end in outputs:
                    raise GraphError(f"layer '{lay.name}': its output '{end}' is a graph output; "
                                     f"filter pruning cannot mask it")
                mask = (end, f"dysta_keep_{k}", kv.reshape(kshape), end + "_dysta_kept", "dysta_keep_mul_%d" % k)
            edits.append((L.node.output[0], f"dysta_pruned_w_{k}", w, mask))
        m = G_.pruned_copy(self.model, edits)
        names = []
        for lay in self.layers:
            L = self.info[lay.name]
            for t in (L.x, L.act):
                if t not in names:
                    names.append(t)
        return G_.with_outputs(m, names), names


def cnn_variant(cm, feeder, n_samples, pattern, quiet=False, label=""):
    """CSV text of one pruning pattern, and the manifest layer entries."""
    masks, keeps, wnz, wmask = pruning.variant_masks(cm, pattern)
    model, names = cm.variant_model(masks, keeps)
    sess = session(model)
    lines = [CNN_HEADER]
    prog = Progress(label, n_samples, quiet)
    for s in range(n_samples):
        feeds, _, _ = feeder.feeds(s)
        outs = _run_checked(sess, feeds, cm.model_path, f"sample {s}")
        val = dict(zip(names, outs))
        for li, lay in enumerate(cm.layers):
            L = cm.info[lay.name]
            x = cm.x_chw(L, val[L.x])
            y = cm.y_chw(L, lay, val[L.act])
            assert x.shape == (lay.C, lay.H, lay.W) and y.shape == (lay.M, lay.E, lay.F), (lay.name, x.shape, y.shape)
            xm = x != 0
            try:
                c = counting.layer_counts(xm, wmask[lay.name], lay.stride, lay.pads, lay.groups, lay.c0)
            except ValueError as e:          # a shape the counting cannot handle: name the node
                raise GraphError(f"node '{node_name(L.node)}': {e}")
            xz = x.size - int(np.count_nonzero(xm))
            yz = y.size - int(np.count_nonzero(y))
            lines.append(f"{s},{li},{frac(yz, y.size, clamp=True)},{frac(xz, x.size)},{c['macs']},"
                         f"{c['macs_stride1']},{c['nnz_columns']},{c['nnz_columns_artifact']}\n")
        prog.step(s + 1)
    entries = [lay.manifest(wnz[lay.name]) for lay in cm.layers]
    for d in entries:
        assert (d["H"] + 2 * d["padding"] - d["R"]) // d["stride"] + 1 == d["E"], d
    return "".join(lines), entries


# ------------------------------------------------------------------------------ attention
class AttentionModel:
    def __init__(self, model, model_path, feeder, first_feeds, first_len, causal="auto",
                 hidden=None):
        self.model, self.model_path = model, model_path
        G = G_.Graph(model)
        G_.check_fused_attention(G, model_path)
        atts, other = G_.find_attention_layers(G)
        if not atts:
            sm = [n for n in model.graph.node if n.op_type == "Softmax"]
            if not sm:
                raise GraphError("no Softmax node: the attention is fused or not exported as "
                                 "MatMul + Softmax + MatMul; export without fusion "
                                 "(attn_implementation='eager', no optimizer; see docs/your-own-model.md)")
            raise GraphError(f"no attention Softmax: Softmax node(s) {other} do not feed a MatMul "
                             f"(probabilities @ values)")
        self.atts, self.skipped = atts, other
        names = []
        for a in atts:
            names += [a.probs, a.pv.output[0]]
        outs = _run_checked(session(G_.with_outputs(model, names)), first_feeds, model_path,
                            "the first sample")
        vals = dict(zip(names, outs))
        used = set()
        for i, a in enumerate(atts):
            if a.name in used:
                a.name = f"{a.name}#{i}"
            used.add(a.name)
            p = vals[a.probs]
            p3 = self._heads(a, p)
            if p3.shape[1] != p3.shape[2]:
                raise GraphError(f"node '{node_name(a.node)}': attention probabilities of shape "
                                 f"{list(p.shape)} are not square (cross attention is not supported)")
            a.heads = int(p3.shape[0])
            o = vals[a.pv.output[0]]
            a.head_dim = int(o.shape[-1]) if o.ndim >= 3 and o.shape[-2] == p3.shape[1] else None
            if a.head_dim is None:
                raise GraphError(f"node '{node_name(a.pv)}': cannot read the head size from the "
                                 f"output {list(o.shape)} of probabilities @ values")
            a.hidden = int(hidden) if hidden else a.heads * a.head_dim
            a.causal = {"yes": True, "no": False}.get(causal)
        self.graph_names = [a.probs for a in atts]
        self.session = session(G_.with_outputs(model, self.graph_names))

    @staticmethod
    def _heads(a, p):
        if p.ndim == 4 and p.shape[0] == 1:
            return p[0]
        if p.ndim == 3:
            return p
        raise GraphError(f"node '{node_name(a.node)}': attention probabilities of shape "
                         f"{list(p.shape)} (expected [1, heads, L, L] or [heads, L, L], batch 1)")

    def manifest_layers(self):
        return [{"name": a.name, "type": "attention", "heads": a.heads, "hidden": a.hidden,
                 "head_dim": a.head_dim} for a in self.atts]


def attention_run(am, feeder, n_samples, threshold, quiet=False, label=""):
    lines = [ATT_HEADER]
    prog = Progress(label, n_samples, quiet)
    fmt = lambda v: "%.6g" % v
    stats = []
    for s in range(n_samples):
        feeds, real, run_len = feeder.feeds(s)
        outs = _run_checked(am.session, feeds, am.model_path, f"sample {s}")
        dens = []
        for li, (a, p) in enumerate(zip(am.atts, outs)):
            p3 = am._heads(a, p)
            L = p3.shape[1] if real is None else real
            if run_len is not None and p3.shape[1] != run_len:
                raise GraphError(f"node '{node_name(a.node)}': probabilities over {p3.shape[1]} "
                                 f"tokens, the input has {run_len}")
            pr = np.ascontiguousarray(p3[:, :L, :L])
            if a.causal is None and L >= 2:
                a.causal = bool(np.all(pr[:, np.triu_indices(L, 1)[0], np.triu_indices(L, 1)[1]] == 0))
            elif a.causal and L >= 2 and np.any(pr[:, np.triu_indices(L, 1)[0], np.triu_indices(L, 1)[1]] != 0):
                raise GraphError(f"node '{node_name(a.node)}': layer was detected (or declared) "
                                 f"causal, but sample {s} attends to later tokens")
            kept, valid, lb = attention_cell(pr, bool(a.causal), threshold)
            seq_len = -(-L // VEC) * VEC
            lines.append("%d,%d,%s,%d,%d,%s,%s\n" % (s, li, fmt((valid - kept) / valid), seq_len, L,
                                                     fmt(kept / valid), fmt(lb)))
            dens.append(kept / valid)
        stats.append((L, float(np.mean(dens))))
        prog.step(s + 1)
    return "".join(lines), stats


# ------------------------------------------------------------------------------ output folder
class Staging:
    """Write into a temporary sibling folder; move into place only when everything is written."""

    def __init__(self, out, force=False, append=False):
        self.out = Path(out).resolve()
        if self.out.exists() and not (force or append):
            raise ExtractError(self.out, "output folder exists (use --force to replace it or "
                                         "--append to add models to its workload)")
        if self.out.exists() and not self.out.is_dir():
            raise ExtractError(self.out, "output path exists and is not a folder")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.out.parent / f".{self.out.name}.tmp-{os.getpid()}"
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir()
        self.append = append

    def commit(self):
        old = None
        if self.out.exists():
            old = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old is not None:
            shutil.rmtree(old)

    def abort(self):
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)


def versions():
    import onnx
    import onnxruntime
    v = {"numpy": np.__version__, "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__}
    try:
        import PIL
        v["pillow"] = PIL.__version__
    except ImportError:
        pass
    try:
        import tokenizers
        v["tokenizers"] = tokenizers.__version__
    except ImportError:
        pass
    return v
