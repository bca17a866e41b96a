"""Exact integer counts of one conv/linear layer on Eyeriss-V2 (see docs/trace-format.md).

All functions take binary masks:
  x: (C, H, W) bool  -- non-zero input activations of one sample
  w: (M, C // groups, R, S) bool -- non-zero weights
and return Python ints. Linear layers are 1x1 convs on a 1x1 input (C = in features).
"""
import numpy as np

IACT_SPAD = 16                # iact SPAD entries (C0 * R <= 16)
IACT_GLB_BITS = 3 * 32000     # 3 iact GLB banks of 32 000 bits
IACT_BITS = 8
PE_COLUMNS = 4                # F1 <= 4


def floor_log2(n):
    n = int(n)
    if n < 1:
        raise ValueError(f"floor_log2 of {n}")
    return n.bit_length() - 1


def c0_for(C, R):
    """Channels per iact-SPAD column: C if C <= 3 else min(2^floor(log2(floor(16/R))), C)."""
    if C <= 3:
        return C
    return min(1 << floor_log2(IACT_SPAD // R), C)


def artifact_fits(W, R, C0):
    """Does one input row (width W, R kernel rows, C0 channels) fit the iact GLB, as the
    artifact's mapping needs (F0 >= 1)? Layers that do not cannot be tiled."""
    return IACT_GLB_BITS // (W * R * C0 * IACT_BITS) >= 1


def artifact_tiling(W, R, C0):
    """(F0, F1, F2) of the artifact's mapping, with output width = input width W."""
    f0 = min(1 << floor_log2(IACT_GLB_BITS // (W * R * C0 * IACT_BITS)), W)
    f1 = PE_COLUMNS if PE_COLUMNS * f0 <= W else W // f0
    f2 = -(-W // (f0 * f1))
    return f0, f1, f2


def same_pads(R, S):
    """torch padding='same' at stride 1: (top, bottom, left, right)."""
    return ((R - 1) // 2, (R - 1) - (R - 1) // 2, (S - 1) // 2, (S - 1) - (S - 1) // 2)


def out_size(H, R, stride, p0, p1):
    return (H + p0 + p1 - R) // stride + 1


def _pad(x, pads):
    pt, pb, pl, pr = pads
    return np.pad(x, ((0, 0), (pt, pb), (pl, pr)))


def effectual_macs(x, w, stride, pads, groups):
    """Number of (non-zero weight, non-zero input) pairs multiplied by the convolution.

    = sum over (m, e, f, c, r, s) of w[m, c, r, s] * x_padded[c, e*stride + r, f*stride + s]
    = sum over (c, r, s) of (#filters with a non-zero at (c, r, s)) * (#outputs that read a
      non-zero input through tap (r, s) of channel c).
    """
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    assert Cg * groups == C and M % groups == 0
    E = out_size(H, R, stride, pads[0], pads[1])
    F = out_size(W, S, stride, pads[2], pads[3])
    xp = _pad(x, pads)
    # per-(c, r, s) count of non-zero filters of c's group
    wc = w.reshape(groups, M // groups, Cg, R, S).sum(axis=1, dtype=np.int64).reshape(C, R, S)
    total = 0
    for r in range(R):
        for s in range(S):
            win = xp[:, r:r + stride * (E - 1) + 1:stride, s:s + stride * (F - 1) + 1:stride]
            ic = win.sum(axis=(1, 2), dtype=np.int64)            # (C,)
            total += int(np.dot(ic, wc[:, r, s]))
    return total


def nnz_columns(x, R, stride, pad_top, pad_bottom, C0):
    """Corrected Eyeriss-V2 count: for each C0-channel group, each output row e and each input
    column w, 1 if the R x C0 window (input rows e*stride - pad_top ... + R - 1, outside rows
    are zero) at column w holds a non-zero."""
    C, H, W = x.shape
    E = out_size(H, R, stride, pad_top, pad_bottom)
    G = -(-C // C0)
    pad_c = G * C0 - C
    xg = np.pad(x, ((0, pad_c), (0, 0), (0, 0))).reshape(G, C0, H, W).any(axis=1)  # (G, H, W)
    xg = np.pad(xg, ((0, 0), (pad_top, pad_bottom), (0, 0)))
    cs = np.zeros((G, xg.shape[1] + 1, W), dtype=np.int32)
    np.cumsum(xg, axis=1, dtype=np.int32, out=cs[:, 1:, :])
    starts = np.arange(E) * stride
    cnt = cs[:, starts + R, :] - cs[:, starts, :]                 # (G, E, W)
    return int(np.count_nonzero(cnt))


def nnz_columns_artifact(x, R, C0):
    """The paper artifact's count (hw_eyerissv2.py): pad the input right/bottom to P = F2*F1*F0
    columns and H + (P - W) rows; for each channel and padded row h, 1 if rows h .. h+R-1 of that
    channel (window truncated at the end of h's F0-row block) hold a non-zero."""
    C, H, W = x.shape
    f0, f1, f2 = artifact_tiling(W, R, C0)
    P = f0 * f1 * f2
    Hp = H + (P - W)
    rows = np.zeros((C, Hp), dtype=bool)
    rows[:, :H] = x.any(axis=2)
    cs = np.zeros((C, Hp + 1), dtype=np.int32)
    np.cumsum(rows, axis=1, dtype=np.int32, out=cs[:, 1:])
    h = np.arange(Hp)
    end = np.minimum(np.minimum(h + R, (h // f0 + 1) * f0), Hp)
    cnt = cs[:, end] - cs[:, h]
    return int(np.count_nonzero(cnt))


def layer_counts(x, w, stride, pads, groups, C0):
    """All per-cell counts of one layer for one sample. x (C,H,W) bool, w (M,Cg,R,S) bool."""
    R, S = w.shape[2], w.shape[3]
    macs = effectual_macs(x, w, stride, pads, groups)
    if stride == 1 and tuple(pads) == same_pads(R, S):
        macs1 = macs
    else:
        macs1 = effectual_macs(x, w, 1, same_pads(R, S), groups)
    return {
        "macs": macs,
        "macs_stride1": macs1,
        "nnz_columns": nnz_columns(x, R, stride, pads[0], pads[1], C0),
        "nnz_columns_artifact": nnz_columns_artifact(x, R, C0),
    }
