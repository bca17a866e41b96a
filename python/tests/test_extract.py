"""Tests of the generic ONNX extractor on small graphs built here with onnx.helper.

The expected numbers are computed by hand (literal values in the comments) or by an
independent reference in this file: a float64 numpy forward pass and literal loops over the
definitions of docs/trace-format.md (no code of counting.py or attention_cell is used for the
expectations). No downloads.
"""
import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from dysta.errors import DystaError, ExtractError
from dysta.extract import cli, extract_onnx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

F = TensorProto.FLOAT


# ------------------------------------------------------------------------------ helpers
def save(model, path):
    model.opset_import[0].version = 17
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def init(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def write_gray_images(folder, arrays):
    """Save (H, W, 3) uint8 arrays as PNG files 000.png, 001.png, ..."""
    from PIL import Image
    folder.mkdir(parents=True, exist_ok=True)
    for i, a in enumerate(arrays):
        Image.fromarray(np.asarray(a, dtype=np.uint8)).save(folder / f"{i:03d}.png")
    return folder


def run_cli(args, capsys):
    rc = cli.main([str(a) for a in args])
    err = capsys.readouterr().err
    return rc, err


def read_csv(path):
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text())))
    return rows


def errors(err):
    return [l for l in err.splitlines() if "error:" in l]


# ------------------------------------------------------------------------------ literal CNN
def one_conv_model(w, relu=True):
    """x [1,1,3,3] -> Conv 1->M k2 s1 p0 (no bias) -> Relu."""
    w = np.asarray(w, np.float32)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[2, 2])]
    out = "y"
    if relu:
        nodes.append(helper.make_node("Relu", ["y"], ["r"], name="relu"))
        out = "r"
    g = helper.make_graph(nodes, "one", [helper.make_tensor_value_info("x", F, [1, 1, 3, 3])],
                          [helper.make_tensor_value_info(out, F, None)], [init("w", w)])
    return helper.make_model(g)


X_LITERAL = np.array([[1, 0, 2], [0, 0, 0], [3, 0, 4]], dtype=np.uint8)


def one_conv_rgb_model(w_single):
    """x [1,3,3,3] -> Conv 3->M, weights only on channel 0 (so the count equals the
    single-channel hand computation on channel 0)."""
    w_single = np.asarray(w_single, np.float32)           # (M, 1, 2, 2)
    M = w_single.shape[0]
    w = np.zeros((M, 3, 2, 2), np.float32)
    w[:, 0] = w_single[:, 0]
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[2, 2]),
             helper.make_node("Relu", ["y"], ["r"], name="relu")]
    g = helper.make_graph(nodes, "one", [helper.make_tensor_value_info("x", F, [1, 3, 3, 3])],
                          [helper.make_tensor_value_info("r", F, None)], [init("w", w)])
    return helper.make_model(g)


def test_cnn_literal_counts(tmp_path, capsys):
    """Hand-computed cells of one 2x2 conv on the 3x3 image [[1,0,2],[0,0,0],[3,0,4]]
    (red channel; green and blue are multiplied by zero weights but are read as input).

    weights w0 = [[1,0],[0,1]] (channel 0 only) -> output [[1,0],[0,4]] after ReLU:
      zero_fraction = 2/4 = 0.5; the input holds 3 channels x 9 values, zeros 3 x 5 = 15 ->
      in_zero_fraction = 15/27 = 0.555556;
      macs: taps (0,0) and (1,1) of channel 0: non-zero pairs at outputs (0,0) [x00=1] and
      (1,1) [x22=4] -> 2;
      macs_stride1 ('same' for 2x2 = pad 0 top/left, 1 bottom/right, 3x3 outputs): tap (0,0)
      reads the 4 non-zeros, tap (1,1) reads x11, x12, x21, x22 -> 1 -> 5;
      nnz_columns (C0 = C = 3, one group): output row 0 reads rows 0-1: columns 0, 2 non-zero;
      row 1 reads rows 1-2: columns 0, 2 -> 4;
      nnz_columns_artifact: W = 3, R = 2, C0 = 3: F0 = min(2^floor(log2(96000 // 144)), 3) = 3,
      F1 = 1, F2 = 1 -> 3 padded rows; channel 0 rows (1, 0, 1): windows h=0 [0,1], h=1 [1,2],
      h=2 [2] are all non-empty -> 3; channels 1 and 2 hold the same rows -> 3 x 3 = 9.
    """
    m = save(one_conv_rgb_model([[[[1, 0], [0, 1]]]]), tmp_path / "one.onnx")
    img = np.zeros((3, 3, 3), np.uint8)
    for c in range(3):
        img[:, :, c] = X_LITERAL
    imgs = write_gray_images(tmp_path / "img", [img])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense",
                       "--quiet"], capsys)
    assert rc == 0, err
    (row,) = read_csv(tmp_path / "w" / "one_dense.csv")
    assert row == {"sample": "0", "layer": "0", "zero_fraction": "0.5", "in_zero_fraction": "0.555556",
                   "macs": "2", "macs_stride1": "5", "nnz_columns": "4", "nnz_columns_artifact": "9"}
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    (layer,) = man["models"][0]["layers"]
    assert layer == {"name": "conv", "type": "conv", "C": 3, "M": 1, "R": 2, "S": 2, "stride": 1,
                     "padding": 0, "groups": 1, "H": 3, "W": 3, "E": 2, "F": 2,
                     "weight_nonzeros": 2, "weight_total": 12, "c0": 3}
    assert man["kind"] == "cnn" and man["accelerator"] == "eyeriss-v2"
    prov = man["provenance"]["extractions"]["one"]
    assert prov["layer_mapping"][0]["onnx_node"] == "conv"
    assert prov["layer_mapping"][0]["nonlinearity"] == "Relu"
    assert len(prov["model_sha256"]) == 64


def test_cnn_literal_pruning(tmp_path, capsys):
    """Two filters on channel 0 (channels 1, 2 have zero weights): w0 = [[3,-1],[2,0.5]],
    w1 = [[0.1,0],[0,0.1]]; a one-layer model, so --prune-first-last.
    filter50 removes the filter of smaller L2 norm (w1): its output channel is exactly 0.
    unstructured80 removes the 19 smallest |w| of the 24 (ties by flat index)."""
    w = np.zeros((2, 1, 2, 2), np.float32)
    w[0, 0] = [[3, -1], [2, 0.5]]
    w[1, 0] = [[0.1, 0], [0, 0.1]]
    m = save(one_conv_rgb_model(w), tmp_path / "two.onnx")
    img = np.zeros((3, 3, 3), np.uint8)
    img[:, :, 0] = X_LITERAL
    imgs = write_gray_images(tmp_path / "img", [img])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--quiet",
                       "--patterns", "dense,filter50,unstructured80", "--prune-first-last"], capsys)
    assert rc == 0, err
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    nz = {mm["pattern"]: mm["layers"][0]["weight_nonzeros"] for mm in man["models"]}
    # dense: 4 + 2 non-zeros; filter50: filter 1 removed -> 4; unstructured80: round(0.8*24) =
    # 19 smallest |w| removed: the 18 zeros and then the smallest non-zero (0.1 at index 12 of
    # filter 1, ties by flat index) -> 6 - 1 = 5
    assert nz == {"dense": 6, "filter50": 4, "unstructured80": 5}
    d = read_csv(tmp_path / "w" / "two_dense.csv")[0]
    f = read_csv(tmp_path / "w" / "two_filter50.csv")[0]
    # dense outputs: filter 0 windows (0,0): 3*1 = 3; (0,1): 3*0 - 1*2 + 0 = -2 -> 0;
    # (1,0): 2*3 = 6; (1,1): 0.5*4 = 2; filter 1: (0,0): 0.1; (0,1): 0; (1,0): 0; (1,1): 0.4
    # -> zeros 1 + 2 = 3 of 8 = 0.375; filter50: filter 1 all zero -> 1 + 4 = 5 of 8 = 0.625
    assert d["zero_fraction"] == "0.375" and f["zero_fraction"] == "0.625"
    # dense macs: filter 0 taps (0,0) 1, (0,1) 1 [x02], (1,0) 1 [x20], (1,1) 1 [x22] = 4;
    # filter 1 taps (0,0), (1,1) = 2 -> 6; filter50 keeps filter 0 -> 4
    assert (d["macs"], f["macs"]) == ("6", "4")


# ------------------------------------------------------------------------------ CNN graph
RNG = np.random.default_rng(7)
W_A = RNG.integers(-2, 3, size=(4, 3, 3, 3)).astype(np.float32)      # 3->4, 3x3, stride 2, pad 1
B_A = np.array([0.5, -1, 0, 1], np.float32)
S_A = np.array([1.0, 2.0, 0.5, -1.0], np.float32)                    # per-channel Mul (BN scale)
W_B = RNG.integers(-2, 3, size=(4, 1, 3, 3)).astype(np.float32)      # depthwise 3x3, pad 1
W_C = RNG.integers(-2, 3, size=(4, 2, 1, 1)).astype(np.float32)      # grouped 1x1, groups 2
W_D = RNG.integers(-2, 3, size=(3, 4)).astype(np.float32)            # Gemm transB: 4 -> 3
S_C = np.array([10.0, 0.1, 1.0, 3.0], np.float32)                    # per-channel scale after pw


def cnn_model():
    nodes = [
        helper.make_node("Conv", ["x", "wa", "ba"], ["a0"], name="stem", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Mul", ["a0", "sa"], ["a1"], name="stem_scale"),
        helper.make_node("Relu", ["a1"], ["a"], name="stem_relu"),
        helper.make_node("Conv", ["a", "wb"], ["b0"], name="dw", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1], group=4),
        helper.make_node("Clip", ["b0", "zero", "six"], ["b"], name="dw_relu6"),
        helper.make_node("Conv", ["b", "wc"], ["c0"], name="pw", kernel_shape=[1, 1], group=2),
        helper.make_node("Mul", ["c0", "sc"], ["c00"], name="pw_scale"),
        helper.make_node("Add", ["c00", "a"], ["c1"], name="residual"),
        helper.make_node("Relu", ["c1"], ["c"], name="res_relu"),
        helper.make_node("GlobalAveragePool", ["c"], ["p"], name="gap"),
        helper.make_node("Flatten", ["p"], ["q"], name="flat"),
        helper.make_node("Gemm", ["q", "wd"], ["y"], name="fc", transB=1),
    ]
    g = helper.make_graph(
        nodes, "cnn", [helper.make_tensor_value_info("x", F, [1, 3, 9, 9])],
        [helper.make_tensor_value_info("y", F, None)],
        [init("wa", W_A), init("ba", B_A), init("sa", S_A.reshape(1, 4, 1, 1)), init("wb", W_B),
         init("wc", W_C), init("sc", S_C.reshape(1, 4, 1, 1)), init("wd", W_D), init("zero", np.float32(0)), init("six", np.float32(6))])
    return helper.make_model(g)


def ref_conv(x, w, stride, pad, groups):
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    E, Fo = (H + 2 * pad - R) // stride + 1, (W + 2 * pad - S) // stride + 1
    y = np.zeros((M, E, Fo))
    for m in range(M):
        g = m // (M // groups)
        for e in range(E):
            for f in range(Fo):
                y[m, e, f] = sum(w[m, c, r, s] * xp[g * Cg + c, e * stride + r, f * stride + s]
                                 for c in range(Cg) for r in range(R) for s in range(S))
    return y


def ref_counts(x, w, stride, pad, groups):
    """Literal loops over the definitions in docs/trace-format.md."""
    C, H, W = x.shape
    M, Cg, R, S = w.shape
    nzx, nzw = x != 0, w != 0

    def macs(st, pt, pb, pl, pr):
        E, Fo = (H + pt + pb - R) // st + 1, (W + pl + pr - S) // st + 1
        n = 0
        for m in range(M):
            g = m // (M // groups)
            for e in range(E):
                for f in range(Fo):
                    for c in range(Cg):
                        for r in range(R):
                            for s in range(S):
                                h, v = e * st + r - pt, f * st + s - pl
                                if nzw[m, c, r, s] and 0 <= h < H and 0 <= v < W and nzx[g * Cg + c, h, v]:
                                    n += 1
        return n

    c0 = C if C <= 3 else min(2 ** int(math.log2(16 // R)), C)
    E = (H + 2 * pad - R) // stride + 1
    cols = 0
    for g0 in range(0, C, c0):
        for e in range(E):
            for v in range(W):
                if any(nzx[c, e * stride + r - pad, v] for c in range(g0, min(g0 + c0, C))
                       for r in range(R) if 0 <= e * stride + r - pad < H):
                    cols += 1
    f0 = min(2 ** int(math.log2(3 * 32000 // (W * R * c0 * 8))), W)
    f1 = 4 if 4 * f0 <= W else W // f0
    f2 = -(-W // (f0 * f1))
    hp = H + f0 * f1 * f2 - W
    art = 0
    for c in range(C):
        rows = [h < H and nzx[c, h].any() for h in range(hp)]
        for h in range(hp):
            end = min(h + R, (h // f0 + 1) * f0, hp)
            if any(rows[h:end]):
                art += 1
    s1 = ((R - 1) // 2, R - 1 - (R - 1) // 2, (S - 1) // 2, S - 1 - (S - 1) // 2)
    return {"macs": macs(stride, pad, pad, pad, pad), "macs_stride1": macs(1, *s1),
            "nnz_columns": cols, "nnz_columns_artifact": art, "c0": c0}


def fmt(z, n):
    s = "%.6g" % (z / n)
    return "0.999999" if s == "1" else s


def test_cnn_graph_against_reference(tmp_path, capsys):
    m = save(cnn_model(), tmp_path / "net.onnx")
    rng = np.random.default_rng(3)
    ims = []
    for _ in range(2):
        a = rng.integers(0, 256, size=(9, 9, 3)).astype(np.uint8)
        a[rng.random((9, 9)) < 0.3] = 0                 # some black pixels: zero inputs
        ims.append(a)
    imgs = write_gray_images(tmp_path / "img", ims)
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense",
                       "--scale", "0.1", "--quiet"], capsys)
    assert rc == 0, err
    rows = read_csv(tmp_path / "w" / "net_dense.csv")
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    layers = man["models"][0]["layers"]
    assert [l["name"] for l in layers] == ["stem", "dw", "pw", "fc"]
    assert [(l["C"], l["M"], l["R"], l["stride"], l["padding"], l["groups"], l["H"], l["E"]) for l in layers] == [
        (3, 4, 3, 2, 1, 1, 9, 5), (4, 4, 3, 1, 1, 4, 5, 5), (4, 4, 1, 1, 0, 2, 5, 5), (4, 3, 1, 1, 0, 1, 1, 1)]
    mapping = man["provenance"]["extractions"]["net"]["layer_mapping"]
    assert [x["nonlinearity"] for x in mapping] == ["Relu", "Clip", "Relu(after residual Add)", None]
    assert [x["pruned"] for x in mapping] == [False, True, True, False]
    for s, img in enumerate(ims):
        x = (img.astype(np.float32) * np.float32(0.1)).transpose(2, 0, 1).astype(np.float64)
        a = np.maximum((ref_conv(x, W_A, 2, 1, 1) + B_A[:, None, None]) * S_A[:, None, None], 0)
        b = np.clip(ref_conv(a, W_B, 1, 1, 4), 0, 6)
        c = np.maximum(ref_conv(b, W_C, 1, 0, 2) * S_C[:, None, None] + a, 0)
        q = c.mean(axis=(1, 2))
        y = W_D @ q
        per_layer = [(x, W_A, 2, 1, 1, a), (a, W_B, 1, 1, 4, b), (b, W_C, 1, 0, 2, c),
                     (q.reshape(4, 1, 1), W_D.reshape(3, 4, 1, 1), 1, 0, 1, y)]
        for li, (xin, w, st, pad, gr, out) in enumerate(per_layer):
            row = rows[s * 4 + li]
            want = ref_counts(xin, w, st, pad, gr)
            assert int(row["macs"]) == want["macs"], (s, li)
            assert int(row["macs_stride1"]) == want["macs_stride1"], (s, li)
            assert int(row["nnz_columns"]) == want["nnz_columns"], (s, li)
            assert int(row["nnz_columns_artifact"]) == want["nnz_columns_artifact"], (s, li)
            assert layers[li]["c0"] == want["c0"]
            assert row["in_zero_fraction"] == fmt(int((xin == 0).sum()), xin.size), (s, li)
            assert row["zero_fraction"] == fmt(int((np.abs(out) < 1e-9).sum()), out.size), (s, li)


def test_cnn_filter_pruning_runs_the_pruned_model(tmp_path, capsys):
    """filter50: the residual 1x1 conv 'pw' loses the 2 filters of smallest norm; the stem
    (first layer) and fc (last layer) are never pruned, and the depthwise conv follows the
    stem, which keeps all its filters, so it stays dense."""
    m = save(cnn_model(), tmp_path / "net.onnx")
    imgs = write_gray_images(tmp_path / "img", [np.full((9, 9, 3), 200, np.uint8)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w",
                       "--patterns", "dense,filter50", "--scale", "0.1", "--quiet"], capsys)
    assert rc == 0, err
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    by = {mm["pattern"]: {l["name"]: l["weight_nonzeros"] for l in mm["layers"]} for mm in man["models"]}
    # magnitudes are BatchNorm-folded: the weights times the per-channel Mul after the conv
    norms = np.sqrt(((W_C * S_C[:, None, None, None]).reshape(4, -1) ** 2).sum(1))
    raw = np.sqrt((W_C.reshape(4, -1) ** 2).sum(1))
    assert set(np.argsort(norms, kind="stable")[:2]) != set(np.argsort(raw, kind="stable")[:2])
    kept = np.ones(4, bool)
    kept[np.argsort(norms, kind="stable")[:2]] = False
    assert by["filter50"]["pw"] == int((W_C[kept] != 0).sum())
    assert by["filter50"]["stem"] == by["dense"]["stem"] and by["filter50"]["fc"] == by["dense"]["fc"]
    assert by["filter50"]["dw"] == by["dense"]["dw"]


def test_explicit_pad_and_nhwc_are_folded(tmp_path, capsys):
    """TensorFlow style: NHWC input, explicit zero Pad, Transpose to NCHW, Conv pads 0."""
    w = RNG.integers(-1, 2, size=(2, 3, 3, 3)).astype(np.float32)
    nodes = [helper.make_node("Pad", ["x", "pads"], ["xp"], name="pad", mode="constant"),
             helper.make_node("Transpose", ["xp"], ["xt"], name="to_nchw", perm=[0, 3, 1, 2]),
             helper.make_node("Conv", ["xt", "w"], ["y"], name="conv", kernel_shape=[3, 3], strides=[2, 2]),
             helper.make_node("Relu", ["y"], ["r"], name="relu")]
    pads = numpy_helper.from_array(np.array([0, 1, 1, 0, 0, 1, 1, 0], np.int64), "pads")
    g = helper.make_graph(nodes, "tf", [helper.make_tensor_value_info("x", F, [1, 7, 7, 3])],
                          [helper.make_tensor_value_info("r", F, None)], [init("w", w), pads])
    m = save(helper.make_model(g), tmp_path / "tf.onnx")
    img = np.random.default_rng(1).integers(0, 3, size=(7, 7, 3)).astype(np.uint8)
    imgs = write_gray_images(tmp_path / "img", [img])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense",
                       "--quiet"], capsys)
    assert rc == 0, err
    (layer,) = json.loads((tmp_path / "w" / "workload.json").read_text())["models"][0]["layers"]
    assert (layer["H"], layer["padding"], layer["stride"], layer["E"]) == (7, 1, 2, 4)
    (row,) = read_csv(tmp_path / "w" / "tf_dense.csv")
    x = img.astype(np.float64).transpose(2, 0, 1)
    want = ref_counts(x, w, 2, 1, 1)
    assert int(row["macs"]) == want["macs"] and int(row["nnz_columns"]) == want["nnz_columns"]
    assert row["in_zero_fraction"] == fmt(int((x == 0).sum()), x.size)


# ------------------------------------------------------------------------------ attention
L_PAD = 8


def attention_model(wq, wk, wv, wo, emb, causal_second=True):
    """input_ids, attention_mask [1, 8] -> Gather -> 2 attention layers (2 heads x 2):
    layer 0 with the padding mask, layer 1 with padding and causal masks."""
    d, H, hd = 4, 2, 2
    inits = [init("emb", emb), init("scale", np.float32(1 / math.sqrt(hd))),
             init("one", np.float32(1)), init("neg", np.float32(-1e9)),
             numpy_helper.from_array(np.array([1, L_PAD, H, hd], np.int64), "heads_shape"),
             numpy_helper.from_array(np.array([1, L_PAD, d], np.int64), "model_shape"),
             numpy_helper.from_array(np.array([1, 1, 1, L_PAD], np.int64), "mask_shape"),
             init("causal", np.triu(np.full((L_PAD, L_PAD), -1e9, np.float32), 1)[None, None])]
    nodes = [helper.make_node("Gather", ["emb", "input_ids"], ["h0"], name="embed"),
             helper.make_node("Cast", ["attention_mask"], ["mf"], name="mask_cast", to=F),
             helper.make_node("Sub", ["one", "mf"], ["inv"], name="mask_inv"),
             helper.make_node("Mul", ["inv", "neg"], ["madd0"], name="mask_mul"),
             helper.make_node("Reshape", ["madd0", "mask_shape"], ["madd"], name="mask_reshape")]
    h = "h0"
    for l in range(2):
        p = f"l{l}_"
        inits += [init(p + "wq", wq[l]), init(p + "wk", wk[l]), init(p + "wv", wv[l]), init(p + "wo", wo[l])]
        for t in "qkv":
            nodes += [helper.make_node("MatMul", [h, p + "w" + t], [p + t + "0"], name=p + t),
                      helper.make_node("Reshape", [p + t + "0", "heads_shape"], [p + t + "1"], name=p + t + "_r"),
                      helper.make_node("Transpose", [p + t + "1"], [p + t],
                                       perm=[0, 2, 3, 1] if t == "k" else [0, 2, 1, 3], name=p + t + "_t")]
        nodes += [helper.make_node("MatMul", [p + "q", p + "k"], [p + "s0"], name=p + "qk"),
                  helper.make_node("Mul", [p + "s0", "scale"], [p + "s1"], name=p + "scale"),
                  helper.make_node("Add", [p + "s1", "madd"], [p + "s2"], name=p + "padmask")]
        s = p + "s2"
        if l == 1 and causal_second:
            nodes.append(helper.make_node("Add", [s, "causal"], [p + "s3"], name=p + "causalmask"))
            s = p + "s3"
        nodes += [helper.make_node("Softmax", [s], [p + "prob"], axis=-1, name=p + "softmax"),
                  helper.make_node("MatMul", [p + "prob", p + "v"], [p + "c0"], name=p + "pv"),
                  helper.make_node("Transpose", [p + "c0"], [p + "c1"], perm=[0, 2, 1, 3], name=p + "ct"),
                  helper.make_node("Reshape", [p + "c1", "model_shape"], [p + "c2"], name=p + "cr"),
                  helper.make_node("MatMul", [p + "c2", p + "wo"], [p + "o"], name=p + "out"),
                  helper.make_node("Add", [p + "o", h], [p + "h"], name=p + "res")]
        h = p + "h"
    g = helper.make_graph(nodes, "att",
                          [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, L_PAD]),
                           helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, L_PAD])],
                          [helper.make_tensor_value_info(h, F, None)], inits)
    return helper.make_model(g)


VOCAB = {"[PAD]": 0, "[UNK]": 1, "a": 2, "b": 3, "c": 4, "d": 5, "e": 6, "f": 7}


def write_tokenizer(path):
    from tokenizers import Tokenizer, models, pre_tokenizers
    tok = Tokenizer(models.WordLevel(vocab=VOCAB, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(path))
    return path


def write_texts(folder, texts):
    folder.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(texts):
        (folder / f"{i:02d}.txt").write_text(t + "\n")
    return folder


def test_attention_literal_uniform(tmp_path, capsys):
    """Wq = Wk = 0: every score is 0, so each real query spreads its probability uniformly over
    its valid keys (padding keys masked, and for layer 1 later keys masked).

    Sample 0, 'a b c' (3 tokens, padded to 8), threshold 0.3:
      layer 0: p = 1/3 > 0.3 for all 3x3 pairs -> density 1, zero_fraction 0; each row has 3
        non-zeros in one 64-wide vector = 1 segment -> load balance 9 / (32 * 3) = 0.09375.
        (Without the padding mask p would be 1/8 and the density 0.)
      layer 1 (causal): rows hold 1, 2, 3 keys with p = 1, 1/2, 1/3 -> all 6 valid pairs kept
        -> density 1 (a non-causal count would give 6/9 = 0.666667); load balance
        6 / (32 * 3) = 0.0625.
    Sample 1, 'a b c d' (4 tokens): layer 0: p = 1/4 < 0.3 -> density 0 is not allowed by the
      format... so sample 1 has 2 tokens: p = 1/2 -> density 1, lb 4/64 = 0.0625; layer 1:
      rows 1, 2 keys -> 3 kept of 3 valid, lb 3/64 = 0.046875.
    seq_len is the real length rounded up to 64.
    """
    z = np.zeros((2, 4, 4), np.float32)
    rng = np.random.default_rng(0)
    m = save(attention_model(z, z, rng.normal(size=(2, 4, 4)), rng.normal(size=(2, 4, 4)),
                             rng.normal(size=(8, 4))), tmp_path / "att.onnx")
    tok = write_tokenizer(tmp_path / "tokenizer.json")
    txt = write_texts(tmp_path / "txt", ["a b c", "e f"])
    rc, err = run_cli(["--model", m, "--inputs", txt, "--tokenizer", tok, "--out", tmp_path / "w",
                       "--threshold", "0.3", "--quiet"], capsys)
    assert rc == 0, err
    rows = read_csv(tmp_path / "w" / "att_dense.csv")
    got = [(r["sample"], r["layer"], r["zero_fraction"], r["seq_len"], r["real_len"], r["density"],
            r["load_balance"]) for r in rows]
    assert got == [("0", "0", "0", "64", "3", "1", "0.09375"), ("0", "1", "0", "64", "3", "1", "0.0625"),
                   ("1", "0", "0", "64", "2", "1", "0.0625"), ("1", "1", "0", "64", "2", "1", "0.046875")]
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    assert man["kind"] == "attention" and man["accelerator"] == "sanger"
    assert man["models"][0]["layers"] == [
        {"name": "l0_softmax", "type": "attention", "heads": 2, "hidden": 4, "head_dim": 2},
        {"name": "l1_softmax", "type": "attention", "heads": 2, "hidden": 4, "head_dim": 2}]
    prov = man["provenance"]["extractions"]["att"]
    assert [x["causal"] for x in prov["layer_mapping"]] == [False, True]
    assert "padded to 8" in prov["padding"]


def ref_attention(ids, wq, wk, wv, wo, emb, causal_second=True):
    """float64 forward pass of attention_model on the real tokens only -> probs per layer."""
    L = len(ids)
    h = emb[np.asarray(ids)].astype(np.float64)
    probs = []
    for l in range(2):
        q = (h @ wq[l]).reshape(L, 2, 2).transpose(1, 0, 2)
        k = (h @ wk[l]).reshape(L, 2, 2).transpose(1, 0, 2)
        v = (h @ wv[l]).reshape(L, 2, 2).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(2)
        if l == 1 and causal_second:
            s = s + np.triu(np.full((L, L), -np.inf), 1)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        probs.append(p)
        c = (p @ v).transpose(1, 0, 2).reshape(L, 4)
        h = c @ wo[l] + h
    return probs


def ref_cell(p, causal, thr):
    """Literal loops: density over valid pairs and Sanger pack-and-split load balance."""
    H, L, _ = p.shape
    seq = -(-L // 64) * 64
    kept = valid = num = den = 0
    for hh in range(H):
        for i in range(L):
            ok = [j < L and (not causal or j <= i) for j in range(seq)]
            valid += sum(ok)
            for b in range(0, seq, 64):
                c = sum(1 for j in range(b, b + 64) if ok[j] and p[hh, i, j] > thr)
                kept += c
                if c:
                    num += c
                    den += -(-c // 32)
    return kept / valid, (num / (32 * den) if den else 1.0)


def test_attention_against_reference(tmp_path, capsys):
    rng = np.random.default_rng(11)
    ws = [rng.normal(scale=1.5, size=(2, 4, 4)).astype(np.float32) for _ in range(4)]
    emb = rng.normal(size=(8, 4)).astype(np.float32)
    m = save(attention_model(*ws, emb), tmp_path / "att.onnx")
    tok = write_tokenizer(tmp_path / "tokenizer.json")
    texts = ["a b c d e f a b", "c", "d e f b", "a a b"]
    txt = write_texts(tmp_path / "txt", texts)
    thr = 0.05
    rc, err = run_cli(["--model", m, "--inputs", txt, "--tokenizer", tok, "--out", tmp_path / "w",
                       "--threshold", str(thr), "--quiet"], capsys)
    assert rc == 0, err
    rows = read_csv(tmp_path / "w" / "att_dense.csv")
    assert len(rows) == 2 * len(texts)
    for s, t in enumerate(texts):
        ids = [VOCAB[w] for w in t.split()]
        probs = ref_attention(ids, *[w.astype(np.float64) for w in ws], emb.astype(np.float64))
        for l in range(2):
            r = rows[2 * s + l]
            dens, lb = ref_cell(probs[l], l == 1, thr)
            assert int(r["real_len"]) == len(ids) and r["seq_len"] == "64"
            assert float(r["density"]) == pytest.approx(dens, abs=1e-6), (s, l)
            assert float(r["zero_fraction"]) == pytest.approx(1 - dens, abs=1e-6), (s, l)
            assert float(r["load_balance"]) == pytest.approx(lb, abs=1e-6), (s, l)
    dens_all = [float(r["density"]) for r in rows]
    assert 0 < min(dens_all) < 1             # the weights give non-trivial densities


def test_fused_attention_is_refused(tmp_path, capsys):
    nodes = [helper.make_node("Gather", ["emb", "input_ids"], ["h"], name="embed"),
             helper.make_node("Attention", ["h", "w", "b", "attention_mask"], ["o"], name="fused_att",
                              domain="com.microsoft", num_heads=2)]
    g = helper.make_graph(nodes, "fused",
                          [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "L"]),
                           helper.make_tensor_value_info("attention_mask", TensorProto.INT32, [1, "L"])],
                          [helper.make_tensor_value_info("o", F, None)],
                          [init("emb", np.zeros((8, 4))), init("w", np.zeros((4, 12))), init("b", np.zeros(12))])
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "fused.onnx"))
    tok = write_tokenizer(tmp_path / "tokenizer.json")
    txt = write_texts(tmp_path / "txt", ["a b"])
    rc, err = run_cli(["--model", tmp_path / "fused.onnx", "--inputs", txt, "--tokenizer", tok,
                       "--out", tmp_path / "w"], capsys)
    assert rc != 0
    (line,) = errors(err)
    assert "fused.onnx" in line and "fused_att" in line and "fused attention" in line
    assert "attn_implementation='eager'" in line
    assert not (tmp_path / "w").exists()


# ------------------------------------------------------------------------------ bad input
def small_cnn(tmp_path):
    return save(cnn_model(), tmp_path / "net.onnx")


def test_not_onnx(tmp_path, capsys):
    bad = tmp_path / "model.onnx"
    bad.write_text("this is not a protobuf\n")
    imgs = write_gray_images(tmp_path / "img", [np.zeros((9, 9, 3))])
    rc, err = run_cli(["--model", bad, "--inputs", imgs, "--out", tmp_path / "w"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert str(bad) in line and "not an ONNX model" in line
    assert len(err.strip().splitlines()) == 1


def test_unsupported_operator_names_the_node(tmp_path, capsys):
    nodes = [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="upsample_1", kernel_shape=[2, 2])]
    g = helper.make_graph(nodes, "up", [helper.make_tensor_value_info("x", F, [1, 3, 4, 4])],
                          [helper.make_tensor_value_info("y", F, None)], [init("w", np.ones((3, 2, 2, 2)))])
    m = save(helper.make_model(g), tmp_path / "up.onnx")
    imgs = write_gray_images(tmp_path / "img", [np.zeros((4, 4, 3))])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert "up.onnx" in line and "'upsample_1'" in line and "ConvTranspose" in line
    assert not (tmp_path / "w").exists()


def test_wrong_input_shape(tmp_path, capsys):
    m = small_cnn(tmp_path)
    imgs = write_gray_images(tmp_path / "img", [np.zeros((9, 9, 3))])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--size", "7"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert "net.onnx" in line and "wrong input shape" in line and "[1, 3, 7, 7]" in line


def test_empty_input_folder(tmp_path, capsys):
    m = small_cnn(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("no images here")
    rc, err = run_cli(["--model", m, "--inputs", tmp_path / "empty", "--out", tmp_path / "w"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert str(tmp_path / "empty") in line and "no image files" in line


def test_missing_tokenizer(tmp_path, capsys):
    z = np.zeros((2, 4, 4), np.float32)
    m = save(attention_model(z, z, z, z, np.zeros((8, 4))), tmp_path / "att.onnx")
    txt = write_texts(tmp_path / "txt", ["a b"])
    rc, err = run_cli(["--model", m, "--inputs", txt, "--out", tmp_path / "w"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert "txt" in line and "tokenizer" in line
    rc, err = run_cli(["--model", m, "--inputs", txt, "--out", tmp_path / "w",
                       "--tokenizer", tmp_path / "nope.json"], capsys)
    (line,) = errors(err)
    assert "nope.json" in line and "tokenizer.json not found" in line


def test_failure_midway_leaves_no_output(tmp_path, capsys):
    """The second image is corrupt: the run fails after the first sample was extracted;
    neither --out nor a temporary folder remains, and an existing --out is untouched."""
    m = small_cnn(tmp_path)
    imgs = write_gray_images(tmp_path / "img", [np.zeros((9, 9, 3))])
    (imgs / "001.png").write_bytes(b"\x89PNG broken")
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "out" / "w", "--quiet"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert "001.png" in line and "not a readable image" in line
    assert list((tmp_path / "out").iterdir()) == []
    # an existing workload survives a failed --force run
    (tmp_path / "out" / "w").mkdir()
    (tmp_path / "out" / "w" / "workload.json").write_text("{}")
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "out" / "w", "--force",
                       "--quiet"], capsys)
    assert rc == 2
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["w"]
    assert (tmp_path / "out" / "w" / "workload.json").read_text() == "{}"


def test_limit_and_progress(tmp_path, capsys):
    m = small_cnn(tmp_path)
    imgs = write_gray_images(tmp_path / "img", [np.full((9, 9, 3), i * 40) for i in range(4)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--limit", "2",
                       "--patterns", "dense,block4-50"], capsys)
    assert rc == 0, err
    assert "2/2 samples" in err
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    assert [mm["samples"] for mm in man["models"]] == [2, 2]
    assert [mm["name"] for mm in man["models"]] == ["net_block4-50", "net_dense"]
    assert len(man["provenance"]["extractions"]["net"]["inputs"]["samples"]) == 2


@pytest.mark.parametrize("command,prog", [
    (["-m", "dysta.extract"], "dysta.extract"),
    ([str(ROOT / "tools" / "onnx-extract" / "extract.py")], "extract.py")])
def test_command_line_exit_status(tmp_path, command, prog):
    """The real commands (python -m dysta.extract and the old tools/onnx-extract/extract.py):
    one error line, exit status 2."""
    r = subprocess.run([sys.executable] + command + ["--model", str(tmp_path / "none.onnx"),
                        "--inputs", str(tmp_path), "--out", str(tmp_path / "w")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{prog}: error: {tmp_path / 'none.onnx'}: model file not found"


def test_api_raises_the_command_line_message(tmp_path):
    """dysta.extract_onnx raises ExtractError (a DystaError) whose text is the CLI's line."""
    with pytest.raises(ExtractError) as e:
        extract_onnx(tmp_path / "none.onnx", tmp_path, tmp_path / "w")
    assert isinstance(e.value, DystaError)
    assert str(e.value) == f"{tmp_path / 'none.onnx'}: model file not found"
    m = small_cnn(tmp_path)
    imgs = write_gray_images(tmp_path / "img", [np.zeros((9, 9, 3), np.uint8)])
    with pytest.raises(ExtractError, match=r"^--patterns: unknown pattern 'sparse'"):
        extract_onnx(m, imgs, tmp_path / "w", patterns=["sparse"])
    assert not (tmp_path / "w").exists()


def test_api_equals_command_line(tmp_path, capsys):
    """The API and the command line write the same cells and layers."""
    m = small_cnn(tmp_path)
    rng = np.random.default_rng(4)
    imgs = write_gray_images(tmp_path / "img", [rng.integers(0, 256, size=(9, 9, 3)) for _ in range(2)])
    out = extract_onnx(m, imgs, tmp_path / "a", patterns=["dense", "filter50"], scale=0.1, quiet=True)
    assert out == (tmp_path / "a").resolve()
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "b", "--patterns",
                       "dense,filter50", "--scale", "0.1", "--quiet"], capsys)
    assert rc == 0, err
    for f in ("net_dense.csv", "net_filter50.csv"):
        assert (tmp_path / "a" / f).read_text() == (tmp_path / "b" / f).read_text()
    ma = json.loads((tmp_path / "a" / "workload.json").read_text())
    mb = json.loads((tmp_path / "b" / "workload.json").read_text())
    assert ma["models"] == mb["models"]
    assert ma["provenance"]["extractions"]["net"]["command"].startswith("dysta.extract_onnx(model=")


def test_importing_does_not_load_onnx():
    """import dysta.extract stays cheap: onnx and onnxruntime load on first use."""
    r = subprocess.run([sys.executable, "-c", "import sys, dysta.extract, dysta.extract.cli; "
                        "print(sorted(m for m in ('onnx', 'onnxruntime') if m in sys.modules))"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_preprocess_config_and_append(tmp_path, capsys):
    """--preprocess JSON gives the same cells as the equivalent flags; --append adds a second
    architecture to the same workload and keeps the first."""
    m = small_cnn(tmp_path)
    rng = np.random.default_rng(5)
    imgs = write_gray_images(tmp_path / "img", [rng.integers(0, 256, size=(12, 10, 3)) for _ in range(2)])
    cfg = tmp_path / "pre.json"
    cfg.write_text(json.dumps({"size": 9, "resize": "stretch", "channels": "bgr", "scale": 0.5,
                               "mean": [1, 2, 3], "std": [2, 2, 2]}))
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "a", "--patterns", "dense",
                       "--preprocess", cfg, "--quiet"], capsys)
    assert rc == 0, err
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "b", "--patterns", "dense",
                       "--size", "9", "--resize", "stretch", "--channels", "bgr", "--scale", "0.5",
                       "--mean", "1,2,3", "--std", "2,2,2", "--quiet"], capsys)
    assert rc == 0, err
    assert (tmp_path / "a" / "net_dense.csv").read_text() == (tmp_path / "b" / "net_dense.csv").read_text()
    man = json.loads((tmp_path / "a" / "workload.json").read_text())
    pre = man["provenance"]["extractions"]["net"]["inputs"]["preprocessing"]
    assert (pre["size"], pre["channels"], pre["mean"], pre["layout"]) == ([9, 9], "bgr", [1, 2, 3], "nchw")
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "a", "--patterns", "dense",
                       "--size", "9", "--arch", "net2", "--append", "--quiet"], capsys)
    assert rc == 0, err
    man = json.loads((tmp_path / "a" / "workload.json").read_text())
    assert [mm["name"] for mm in man["models"]] == ["net2_dense", "net_dense"]
    assert sorted(man["provenance"]["extractions"]) == ["net", "net2"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["net2_dense.csv", "net_dense.csv", "workload.json"]


def test_text_per_line_real_length_run(tmp_path, capsys):
    """--text-per-line: each non-empty line is a sample; without padding (a model with a
    dynamic sequence axis would run at the real length) the fixed-length test model still
    gets padded to its 8 tokens, and real_len counts the tokens of each line."""
    z = np.zeros((2, 4, 4), np.float32)
    rng = np.random.default_rng(2)
    m = save(attention_model(z, z, rng.normal(size=(2, 4, 4)), rng.normal(size=(2, 4, 4)),
                             rng.normal(size=(8, 4))), tmp_path / "att.onnx")
    tok = write_tokenizer(tmp_path / "tokenizer.json")
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "all.txt").write_text("a b\n\nc d e f a b c\nf\n")
    rc, err = run_cli(["--model", m, "--inputs", folder, "--tokenizer", tok, "--out", tmp_path / "w",
                       "--text-per-line", "--quiet"], capsys)
    assert rc == 0, err
    rows = read_csv(tmp_path / "w" / "att_dense.csv")
    assert [(r["sample"], r["real_len"]) for r in rows if r["layer"] == "0"] == [("0", "2"), ("1", "7"), ("2", "1")]
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    assert [s[1:3] for s in man["provenance"]["extractions"]["att"]["inputs"]["samples"]] == [
        ["all.txt", 1], ["all.txt", 3], ["all.txt", 4]]


# ---- end to end: what the extractor writes, dysta simulates ------------------------------------

def dysta_binary():
    """The built `dysta` (scripts/test-all.sh runs these tests after `swift test`), or None."""
    root = ROOT
    for candidate in [os.environ.get("DYSTA"), root / ".build/debug/dysta", root / ".build/release/dysta"]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@pytest.mark.skipif(dysta_binary() is None, reason="no built dysta binary (run swift build first)")
@pytest.mark.parametrize("kind", ["cnn", "attention"])
def test_dysta_simulates_the_extracted_folder(tmp_path, capsys, kind):
    if kind == "cnn":
        m = save(cnn_model(), tmp_path / "net.onnx")
        rng = np.random.default_rng(5)
        imgs = write_gray_images(tmp_path / "img", [rng.integers(0, 256, size=(9, 9, 3)).astype(np.uint8) for _ in range(4)])
        rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--scale", "0.1", "--quiet"], capsys)
    else:
        rng = np.random.default_rng(11)
        ws = [rng.normal(scale=1.5, size=(2, 4, 4)).astype(np.float32) for _ in range(4)]
        m = save(attention_model(*ws, rng.normal(size=(8, 4)).astype(np.float32)), tmp_path / "att.onnx")
        txt = write_texts(tmp_path / "txt", ["a b c d e f a b", "c", "d e f b", "a a b"])
        rc, err = run_cli(["--model", m, "--inputs", txt, "--tokenizer", write_tokenizer(tmp_path / "tokenizer.json"),
                           "--out", tmp_path / "w", "--quiet"], capsys)
    assert rc == 0, err
    r = subprocess.run([dysta_binary(), "simulate", "--traces", str(tmp_path / "w"), "--requests", "60", "--seeds", "1",
                        "--rate", "50", "--schedulers", "fcfs,dysta,dysta-hw", "--format", "csv"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("scheduler,model,seeds,violation_rate")
    assert {l.split(",")[0] for l in lines[1:]} == {"fcfs", "dysta", "dysta-hw"}


# ---- gated activations (SiLU, Swish, HardSwish) and layers the mapping cannot tile ----------
def gated_graph(form):
    """x [1, 2, 4, 4] -> Conv 2->3 k1 -> the activation written as nodes."""
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[1, 1])]
    inits = [init("w", rng.normal(size=(3, 2, 1, 1)))]
    if form == "silu":
        nodes += [helper.make_node("Sigmoid", ["y"], ["s"], name="sig"),
                  helper.make_node("Mul", ["y", "s"], ["a"], name="mul")]
    elif form == "swish":
        inits.append(init("beta", [1.5]))
        nodes += [helper.make_node("Mul", ["y", "beta"], ["yb"], name="beta_mul"),
                  helper.make_node("Sigmoid", ["yb"], ["s"], name="sig"),
                  helper.make_node("Mul", ["s", "y"], ["a"], name="mul")]
    elif form == "hardswish":
        nodes += [helper.make_node("HardSigmoid", ["y"], ["s"], name="hsig", alpha=1 / 6, beta=0.5),
                  helper.make_node("Mul", ["y", "s"], ["a"], name="mul")]
    elif form == "relu6":
        inits += [init("three", 3.0), init("zero", 0.0), init("six", 6.0)]
        nodes += [helper.make_node("Add", ["y", "three"], ["y3"], name="add3"),
                  helper.make_node("Clip", ["y3", "zero", "six"], ["c"], name="clip"),
                  helper.make_node("Mul", ["y", "c"], ["m"], name="mul"),
                  helper.make_node("Div", ["m", "six"], ["a"], name="div6")]
    elif form == "two-users":       # y is also read elsewhere: not a gate
        nodes += [helper.make_node("Sigmoid", ["y"], ["s"], name="sig"),
                  helper.make_node("Mul", ["y", "s"], ["a"], name="mul"),
                  helper.make_node("Relu", ["y"], ["r"], name="other")]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", F, [1, 2, 4, 4])],
                          [helper.make_tensor_value_info("a", F, None)], inits)
    return helper.make_model(g)


@pytest.mark.parametrize("form,want", [
    ("silu", "SiLU (x*Sigmoid(x))"), ("swish", "Swish (x*Sigmoid(beta*x))"),
    ("hardswish", "HardSwish (x*HardSigmoid(x))"), ("relu6", "HardSwish (x*ReLU6(x+3)/6)"),
    ("two-users", None)])
def test_gated_activations_are_the_nonlinearity(form, want):
    from dysta.extract.onnx import graph as G_
    G = G_.Graph(gated_graph(form))
    (L,) = G_.find_cnn_layers(G)
    assert L.nonlinearity == want
    assert L.act == ("a" if want else "y")
    assert G_.produces_zeros(want) == (want is not None and want.startswith("HardSwish"))


def silu_net():
    """x [1,3,6,6] -> Conv 3->4 k3 p1 -> SiLU (Sigmoid + Mul) -> Conv 4->4 k1 ->
    HardSwish (x * HardSigmoid(x)) -> Conv 4->2 k1 (raw output)."""
    rng = np.random.default_rng(8)
    nodes = [helper.make_node("Conv", ["x", "w0"], ["y0"], name="c0", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Sigmoid", ["y0"], ["s0"], name="sig0"),
             helper.make_node("Mul", ["y0", "s0"], ["a0"], name="silu0"),
             helper.make_node("Conv", ["a0", "w1"], ["y1"], name="c1", kernel_shape=[1, 1]),
             helper.make_node("HardSigmoid", ["y1"], ["s1"], name="hsig1", alpha=1 / 6, beta=0.5),
             helper.make_node("Mul", ["s1", "y1"], ["a1"], name="hswish1"),
             helper.make_node("Conv", ["a1", "w2"], ["out"], name="c2", kernel_shape=[1, 1])]
    g = helper.make_graph(nodes, "silu", [helper.make_tensor_value_info("x", F, [1, 3, 6, 6])],
                          [helper.make_tensor_value_info("out", F, None)],
                          [init("w0", rng.normal(scale=0.3, size=(4, 3, 3, 3))), init("w1", rng.normal(scale=4, size=(4, 4, 1, 1))),
                           init("w2", rng.normal(size=(2, 4, 1, 1)))])
    return helper.make_model(g)


def test_silu_network_warns_and_measures_the_activation(tmp_path, capsys):
    """SiLU ends layer 0 (its output is exactly zero only at 0 or where the sigmoid rounds to 0,
    not with these small weights: zero_fraction 0, and layer 1 reads it: in_zero_fraction 0), HardSwish ends layer 1 (exact zeros for inputs <= -3: the same
    count as layer 2's input zeros); a warning line and a provenance note say so."""
    m = save(silu_net(), tmp_path / "silu.onnx")
    rng = np.random.default_rng(2)
    imgs = write_gray_images(tmp_path / "img", [rng.integers(0, 256, size=(6, 6, 3)) for _ in range(3)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense",
                       "--scale", "0.02", "--mean", "2.5,2.5,2.5"], capsys)
    assert rc == 0, err
    warn = [l for l in err.splitlines() if l.startswith("warning:")]
    assert len(warn) == 1 and "1 of 3 layers end in SiLU (x*Sigmoid(x))" in warn[0]
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    ext = man["provenance"]["extractions"]["silu"]
    assert [l["nonlinearity"] for l in ext["layer_mapping"]] == ["SiLU (x*Sigmoid(x))", "HardSwish (x*HardSigmoid(x))", None]
    assert [l["activation"] for l in ext["layer_mapping"]] == ["a0", "a1", "out"]
    assert ext["activation_sparsity"].startswith("zero_fraction counts exact zeros")
    assert "SiLU (x*Sigmoid(x)) is a smooth activation" in ext["activation_sparsity"]
    rows = read_csv(tmp_path / "w" / "silu_dense.csv")
    by = {(r["sample"], r["layer"]): r for r in rows}
    zeros_hswish = 0
    for s in "012":
        assert by[(s, "0")]["zero_fraction"] == "0" and by[(s, "1")]["in_zero_fraction"] == "0"
        assert by[(s, "1")]["zero_fraction"] == by[(s, "2")]["in_zero_fraction"]
        zeros_hswish += float(by[(s, "1")]["zero_fraction"]) > 0
    assert zeros_hswish > 0          # HardSwish does produce exact zeros here


def test_no_nonlinearity_at_all_warns(tmp_path, capsys):
    m = save(cnn_model_without_activation(), tmp_path / "lin.onnx")
    imgs = write_gray_images(tmp_path / "img", [np.full((5, 5, 3), 7, np.uint8)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense"], capsys)
    assert rc == 0, err
    assert any(l.startswith("warning: none of the 2 layers is followed by a recognised non-linearity")
               for l in err.splitlines())
    man = json.loads((tmp_path / "w" / "workload.json").read_text())
    assert "activation_sparsity" in man["provenance"]["extractions"]["lin"]


def cnn_model_without_activation():
    rng = np.random.default_rng(1)
    nodes = [helper.make_node("Conv", ["x", "w0"], ["y0"], name="c0", kernel_shape=[3, 3]),
             helper.make_node("Conv", ["y0", "w1"], ["y1"], name="c1", kernel_shape=[1, 1])]
    g = helper.make_graph(nodes, "lin", [helper.make_tensor_value_info("x", F, [1, 3, 5, 5])],
                          [helper.make_tensor_value_info("y1", F, None)],
                          [init("w0", rng.normal(size=(2, 3, 3, 3))), init("w1", rng.normal(size=(2, 2, 1, 1)))])
    return helper.make_model(g)


def test_relu_network_has_no_warning(tmp_path, capsys):
    m = save(one_conv_model(np.ones((2, 1, 2, 2))), tmp_path / "one.onnx")
    imgs = write_gray_images(tmp_path / "img", [np.full((3, 3, 3), 7, np.uint8)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w", "--patterns", "dense"], capsys)
    assert rc == 0, err
    assert "warning" not in err


def test_row_too_wide_for_the_mapping_is_refused_naming_the_node(tmp_path, capsys):
    """YOLOv8's DFL head: a 1x1 conv 16 -> 1 over rows of 2100 anchors does not fit the
    Eyeriss-V2 iact buffer (F0 = 0); refused naming the node, nothing written (was: internal
    error ValueError: floor_log2 of 0)."""
    rng = np.random.default_rng(0)
    nodes = [helper.make_node("Conv", ["x", "w0"], ["y0"], name="stem", kernel_shape=[1, 1]),
             helper.make_node("Relu", ["y0"], ["r0"], name="relu"),
             helper.make_node("Conv", ["r0", "w1"], ["y1"], name="/model.22/dfl/conv/Conv", kernel_shape=[1, 1])]
    g = helper.make_graph(nodes, "dfl", [helper.make_tensor_value_info("x", F, [1, 3, 4, 800])],
                          [helper.make_tensor_value_info("y1", F, None)],
                          [init("w0", rng.normal(size=(16, 3, 1, 1))), init("w1", rng.normal(size=(1, 16, 1, 1)))])
    m = save(helper.make_model(g), tmp_path / "dfl.onnx")
    imgs = write_gray_images(tmp_path / "img", [np.full((4, 800, 3), 9, np.uint8)])
    rc, err = run_cli(["--model", m, "--inputs", imgs, "--out", tmp_path / "w"], capsys)
    assert rc == 2
    (line,) = errors(err)
    assert line.startswith(f"dysta.extract: error: {m}: node '/model.22/dfl/conv/Conv': input rows of "
                           f"width 800 (kernel 1, 16 channels per column) do not fit the Eyeriss-V2 iact buffer")
    assert not (tmp_path / "w").exists()
