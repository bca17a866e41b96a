"""Tests of the CNN cell definitions shared by tools/trace-extract/cnn (the shipped `cnn`
workload) and the ONNX extractor: dysta.extract.cnn.counting against brute-force loops over the
definitions of docs/trace-format.md and a transcription of the paper artifact's mapping code;
the pruning patterns and layer shapes on small literal cases; the cell formatting.
"""
import itertools
import math

import numpy as np
import pytest

from dysta.extract import _common
from dysta.extract.cnn import counting, layers, pruning


def brute_macs(x, w, stride, pads, groups):
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    pt, pb, pl, pr = pads
    E = (H + pt + pb - R) // stride + 1
    F = (W + pl + pr - S) // stride + 1
    Mg = M // groups
    total = 0
    for m in range(M):
        g = m // Mg
        for e in range(E):
            for f in range(F):
                for cg in range(Cg):
                    c = g * Cg + cg
                    for r in range(R):
                        for s in range(S):
                            h = e * stride + r - pt
                            ww = f * stride + s - pl
                            if 0 <= h < H and 0 <= ww < W and x[c, h, ww] and w[m, cg, r, s]:
                                total += 1
    return total


def brute_nnz_columns(x, R, stride, pt, pb, C0):
    C, H, W = x.shape
    E = (H + pt + pb - R) // stride + 1
    total = 0
    for g0 in range(0, C, C0):
        for e in range(E):
            for col in range(W):
                hit = False
                for c in range(g0, min(g0 + C0, C)):
                    for r in range(R):
                        h = e * stride - pt + r
                        if 0 <= h < H and x[c, h, col]:
                            hit = True
                total += hit
    return total


def artifact_mapping_literal(C, W, R):
    """The artifact's mapping code (hw_eyerissv2.py, EyerissV2.mapping), transcribed."""
    C0 = 16 // R
    if C <= 3:
        C0 = C
    else:
        C0 = 2 ** int(math.log(C0, 2))
        C0 = C0 if C0 <= C else C
    F0 = (3 * 4 * 1000 * 8) // (W * R * C0 * 8)
    F0 = 2 ** int(math.log(F0, 2))
    F0 = F0 if F0 <= W else W
    F1 = 4 if 4 * F0 <= W else int(W / F0)
    F2 = int(math.ceil(W / (F0 * F1)))
    return C0, F0, F1, F2


def artifact_nnz_literal(x, R, C0, F0, F1, F2):
    """numpy port of the artifact's EyerissV2.run Nnz computation (square inputs only, as there):
    the permutes there are no-ops, so the F2*F1*F0 split lands on rows and the summed axis is
    the width."""
    C, H, W = x.shape
    assert H == W
    t = x.astype(np.float32)[None]
    P = F2 * F1 * F0
    if W != P:
        pad = P - W
        t = np.pad(t, ((0, 0), (0, 0), (0, pad), (0, pad)))
        W = P
    height = W
    t = t.reshape(C, F2, F1, F0, height)
    nz = t.sum(-1)                                   # (C, F2, F1, F0)
    shift = nz.copy()
    acc = nz.copy()
    for _ in range(R - 1):
        shift = np.roll(shift, -1, axis=-1)
        shift[..., -1] = 0
        acc = acc + shift
    acc = acc.reshape(C, F2, F1 * F0)
    return int(np.count_nonzero(acc))


# ------------------------------------------------------------------------------ counting
def test_corner_literal():
    """A single non-zero in the corner of a 4x4 input, 3x3 all-ones filter."""
    x = np.zeros((1, 4, 4), bool)
    x[0, 0, 0] = True
    w = np.ones((1, 1, 3, 3), bool)
    assert counting.effectual_macs(x, w, 1, (1, 1, 1, 1), 1) == 4
    assert counting.effectual_macs(x, w, 2, (1, 1, 1, 1), 1) == 1
    assert counting.nnz_columns(x, 3, 1, 1, 1, 1) == 2          # e = 0, 1 at column 0


SHAPES = list(itertools.product([(3, 4, 1), (8, 6, 2), (6, 6, 6), (20, 5, 1)],
                                [(1, 1), (3, 3), (5, 5), (7, 3)], [1, 2], [5, 8], [6, 9]))


@pytest.mark.parametrize("cmg,rs,stride,H,W", SHAPES)
def test_macs_and_columns_against_brute_force(cmg, rs, stride, H, W):
    (C, M, groups), (R, S) = cmg, rs
    rng = np.random.default_rng(hash((C, M, groups, R, S, stride, H, W)) % 2 ** 32)
    for density in (0.0, 0.3, 0.8):
        x = rng.random((C, H, W)) < density
        w = rng.random((M, C // groups, R, S)) < 0.6
        for pads in [counting.same_pads(R, S), (R // 2, R // 2, S // 2, S // 2), (0, 1, 0, 1), (0, 0, 0, 0)]:
            if H + pads[0] + pads[1] < R or W + pads[2] + pads[3] < S:
                continue
            assert counting.effectual_macs(x, w, stride, pads, groups) == brute_macs(x, w, stride, pads, groups)
            C0 = counting.c0_for(C, R)
            assert counting.nnz_columns(x, R, stride, pads[0], pads[1], C0) == \
                brute_nnz_columns(x, R, stride, pads[0], pads[1], C0)
        if H == W:
            C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
            assert counting.c0_for(C, R) == C0
            assert counting.artifact_tiling(W, R, C0) == (F0, F1, F2)
            assert counting.nnz_columns_artifact(x, R, C0) == artifact_nnz_literal(x, R, C0, F0, F1, F2)


def test_artifact_mapping_on_real_layer_shapes():
    """Including widths that need padding (F0*F1*F2 > W)."""
    for C, R, W in itertools.product([3, 16, 24, 32, 64, 96, 144, 512, 1280], [1, 3, 5, 7],
                                     [1, 7, 14, 28, 56, 112, 224]):
        C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
        assert (counting.c0_for(C, R),) + counting.artifact_tiling(W, R, C0) == (C0, F0, F1, F2), (C, R, W)
        assert counting.artifact_fits(W, R, C0)
    rng = np.random.default_rng(7)
    for W, R, C in [(28, 3, 16), (14, 5, 8), (56, 1, 16), (7, 1, 16), (112, 3, 8), (10, 3, 4)]:
        x = rng.random((C, W, W)) < 0.1
        C0, F0, F1, F2 = artifact_mapping_literal(C, W, R)
        assert counting.nnz_columns_artifact(x, R, C0) == artifact_nnz_literal(x, R, C0, F0, F1, F2)


def test_rows_wider_than_the_iact_buffer_do_not_fit():
    """YOLOv8's DFL conv (1x1, 16 channels, rows of 2100 anchors): F0 would be 0; the
    artifact's own mapping fails on it (log of 0), so counting refuses it."""
    C0 = counting.c0_for(16, 1)
    assert C0 == 16 and not counting.artifact_fits(2100, 1, C0)
    assert counting.artifact_fits(750, 1, C0) and not counting.artifact_fits(751, 1, C0)   # 96000 // (W*16*8)
    with pytest.raises(ValueError, match="floor_log2 of 0"):
        counting.artifact_tiling(2100, 1, C0)


def test_linear_layer_is_a_1x1_conv():
    rng = np.random.default_rng(3)
    x = rng.random((40, 1, 1)) < 0.5
    w = rng.random((7, 40, 1, 1)) < 0.5
    assert counting.effectual_macs(x, w, 1, (0, 0, 0, 0), 1) == int((x[:, 0, 0][None, :] & w[:, :, 0, 0]).sum())
    groups16 = sum(x[i:i + 16, 0, 0].any() for i in range(0, 40, 16))
    assert counting.nnz_columns(x, 1, 1, 0, 0, counting.c0_for(40, 1)) == groups16
    assert counting.nnz_columns_artifact(x, 1, counting.c0_for(40, 1)) == int(x.sum())


def test_layer_counts_stride1_uses_same_padding():
    """macs_stride1 is the same layer at stride 1 with torch 'same' padding."""
    x = np.ones((2, 5, 5), bool)
    w = np.ones((3, 2, 3, 3), bool)
    c = counting.layer_counts(x, w, 2, (0, 0, 0, 0), 1, counting.c0_for(2, 3))
    assert c["macs"] == 3 * 2 * 9 * 4                     # 2x2 outputs, every tap non-zero
    # stride 1, pad 1: an edge output row/column reads 2 of the 3 kernel rows/columns
    per_axis = sum(3 - (e == 0) - (e == 4) for e in range(5))          # 13
    taps = per_axis * per_axis
    assert c["macs_stride1"] == 3 * 2 * taps


# ------------------------------------------------------------------------------ pruning, layers
class _Net:
    def __init__(self, ws, **kw):
        self.layers = [layers.conv_layer(f"c{i}", w.shape[1] * kw.get("groups", 1), w.shape[0],
                                         w.shape[2], 1, (0, 0, 0, 0), kw.get("groups", 1), 4, 4)
                       for i, w in enumerate(ws)]
        self.ws = {L.name: w for L, w in zip(self.layers, ws)}

    def effective_weights(self):
        return dict(self.ws)


def test_unstructured_drops_the_smallest_magnitudes_stable():
    w = np.array([3.0, -1.0, 2.0, -1.0, 0.5, 4.0, -2.0, 1.0, 0.0, 5.0]).reshape(10, 1, 1, 1)
    keep = pruning.unstructured(w, 0.4)               # round(0.4 * 10) = 4 smallest |w|
    # |w| = 3 1 2 1 .5 4 2 1 0 5: the four smallest are 0 (8), .5 (4), 1 (1), 1 (3) (ties by index)
    assert keep.reshape(-1).tolist() == [True, False, True, False, False, True, True, True, False, True]


def test_filter_and_block4_patterns():
    w = np.zeros((5, 8, 1, 1))
    w[:, :, 0, 0] = np.arange(40).reshape(5, 8) % 7 + 1
    norms = np.sqrt((w ** 2).reshape(5, -1).sum(1))
    keep = pruning.filter_keep(w, 0.2)                 # round(0.2 * 5) = 1 filter removed
    assert keep.tolist() == [bool(n != norms.min()) for n in norms]
    m = pruning.block4(w, 0.5)                         # 10 blocks of 4 channels, 5 removed
    assert m.shape == w.shape and (~m).sum() == 5 * 4
    blocks = m[:, :, 0, 0].reshape(5, 2, 4)
    assert np.all(blocks.all(axis=2) | (~blocks).all(axis=2))     # whole blocks only


def test_make_masks_skips_dense_unprunable_and_depthwise():
    rng = np.random.default_rng(1)
    net = _Net([rng.normal(size=(4, 2, 3, 3)), rng.normal(size=(4, 4, 1, 1))])
    net.layers[0].prunable = False
    masks, keeps = pruning.make_masks(net, "unstructured60")
    assert list(masks) == ["c1"] and masks["c1"].sum() == 16 - 10         # round(9.6) = 10 pruned
    assert pruning.weight_nonzeros(net, masks) == {"c0": 72, "c1": 6}
    assert pruning.make_masks(net, "dense") == ({}, {})
    masks, keeps = pruning.make_masks(net, "filter20")
    assert keeps["c1"].sum() == 3 and masks["c1"].sum() == 3 * 4


def test_layer_manifest_padding_is_the_larger_side():
    L = layers.conv_layer("c", 8, 16, 3, 2, (0, 1, 0, 1), 1, 224, 224)
    d = L.manifest(100)
    assert (d["E"], d["padding"], d["weight_total"], d["c0"]) == (112, 1, 16 * 8 * 9, 4)
    assert (d["H"] + 2 * d["padding"] - d["R"]) // d["stride"] + 1 == d["E"]


# ------------------------------------------------------------------------------ formatting
def test_frac_six_digits_and_clamp():
    assert _common.frac(1, 3) == "0.333333"
    assert _common.frac(5, 5) == "1"
    before = _common.CLAMPED[0]
    assert _common.frac(5, 5, clamp=True) == "0.999999"
    assert _common.frac(9999999, 10000000, clamp=True) == "0.999999"   # rounds to 1 -> clamped
    assert _common.CLAMPED[0] == before + 2


def test_dumps_short_containers_on_one_line():
    assert _common.dumps({"a": [1, 2], "b": "x"}) == '{"a": [1, 2], "b": "x"}'
    long = {"k": [{"n": i, "text": "y" * 30} for i in range(4)]}
    assert _common.dumps(long).splitlines()[0] == "{"
    assert _common.dumps(long).splitlines()[2] == '    {"n": 0, "text": "' + "y" * 30 + '"},'
