"""Minimal single-image numpy layers (float32, channels-first (C, H, W)). Deterministic for a
fixed numpy/OpenBLAS build and one BLAS thread."""
import numpy as np


def pad_hw(x, pads):
    pt, pb, pl, pr = pads
    if pt == pb == pl == pr == 0:
        return x
    return np.pad(x, ((0, 0), (pt, pb), (pl, pr)))


def conv2d(x, w, b, stride, pads, groups=1):
    """x (C, H, W) float32, w (M, C // groups, R, S), b (M,) or None -> (M, E, F) float32."""
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    E = (H + pads[0] + pads[1] - R) // stride + 1
    F = (W + pads[2] + pads[3] - S) // stride + 1
    if groups == 1:
        if R == S == 1 and stride == 1 and not any(pads):
            y = w.reshape(M, C) @ x.reshape(C, H * W)
        else:
            xp = pad_hw(x, pads)
            cols = np.empty((C, R, S, E, F), dtype=np.float32)
            for r in range(R):
                for s in range(S):
                    cols[:, r, s] = xp[:, r:r + stride * (E - 1) + 1:stride,
                                       s:s + stride * (F - 1) + 1:stride]
            y = w.reshape(M, C * R * S) @ cols.reshape(C * R * S, E * F)
        y = y.reshape(M, E, F)
    elif groups == C == M:
        xp = pad_hw(x, pads)
        y = np.zeros((M, E, F), dtype=np.float32)
        for r in range(R):
            for s in range(S):
                y += w[:, 0, r, s][:, None, None] * xp[:, r:r + stride * (E - 1) + 1:stride,
                                                      s:s + stride * (F - 1) + 1:stride]
    else:
        raise NotImplementedError("grouped conv other than depthwise")
    if b is not None:
        y += b[:, None, None]
    return y


def relu(x):
    return np.maximum(x, np.float32(0))


def relu6(x):
    return np.minimum(np.maximum(x, np.float32(0)), np.float32(6))


def maxpool2x2(x):
    C, H, W = x.shape
    assert H % 2 == 0 and W % 2 == 0
    return x.reshape(C, H // 2, 2, W // 2, 2).max(axis=(2, 4))


def tf_same_pads(H, W, R, S, stride):
    """TensorFlow 'SAME' padding (extra row/column at the bottom/right)."""
    E = -(-H // stride)
    F = -(-W // stride)
    ph = max((E - 1) * stride + R - H, 0)
    pw = max((F - 1) * stride + S - W, 0)
    return (ph // 2, ph - ph // 2, pw // 2, pw - pw // 2)


def softmax(z):
    z = z.astype(np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def masked_params(params, masks, keeps):
    """Copies (weight, bias) pairs with pruning applied: weights times their bool mask, biases
    times the per-output-channel keep vector (so a removed filter's channel is exactly 0)."""
    result = {}
    for name, (w, b) in params.items():
        if name in masks:
            w = w * masks[name]
        if name in keeps:
            b = b * keeps[name]
        result[name] = (np.ascontiguousarray(w, dtype=np.float32), b.astype(np.float32))
    return result
