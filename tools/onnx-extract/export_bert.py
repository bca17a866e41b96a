#!/usr/bin/env python3
"""Export a BERT encoder (Hugging Face folder: config.json + model.safetensors) to ONNX without
torch: standard ONNX ops only, explicit MatMul + Softmax + MatMul attention with an additive
padding mask, exactly what the generic extractor needs (no fused attention).

  python3 tools/onnx-extract/export_bert.py MODEL_DIR OUT.onnx

Graph: inputs input_ids, attention_mask (int64, [1, seq]); word + position + token-type-0
embeddings, LayerNormalization; per layer Q/K/V MatMul + bias, heads split with Reshape /
Transpose, scores = Q Kᵀ · 1/√d + (1 − mask) · −1e9, Softmax, · V, output dense, residual,
LayerNormalization, FFN with exact erf GELU, residual, LayerNormalization; output
last_hidden_state [1, seq, hidden]. Float32 weights, opset 17.

Used by compare_attention.py to check the attention path against the shipped minilm-l6 trace.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from dysta.extract.attention.models import load_safetensors


def export(model_dir, out_path):
    model_dir = Path(model_dir)
    cfg = json.loads((model_dir / "config.json").read_text())
    w = load_safetensors(model_dir / "model.safetensors")
    pre = "bert." if any(k.startswith("bert.") for k in w) else ""
    H, D, nl = cfg["num_attention_heads"], cfg["hidden_size"], cfg["num_hidden_layers"]
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    hd = D // H
    inits, nodes, seen = [], [], set()

    def const(name, a, dtype=np.float32):
        if name not in seen:
            seen.add(name)
            inits.append(numpy_helper.from_array(np.asarray(a, dtype=dtype), name))
        return name

    def node(op, ins, name, **kw):
        out = name + "_out"
        nodes.append(helper.make_node(op, ins, [out], name=name, **kw))
        return out

    def linear(x, key, name):
        y = node("MatMul", [x, const(key + ".weight.T", w[pre + key + ".weight"].T.copy())], name + ".matmul")
        return node("Add", [y, const(key + ".bias", w[pre + key + ".bias"])], name + ".bias")

    def layer_norm(x, key, name):
        return node("LayerNormalization", [x, const(key + ".weight", w[pre + key + ".weight"]),
                                           const(key + ".bias", w[pre + key + ".bias"])],
                    name, axis=-1, epsilon=eps)

    # embeddings
    word = node("Gather", [const("word_embeddings", w[pre + "embeddings.word_embeddings.weight"]), "input_ids"],
                "embeddings.word")
    shape = node("Shape", ["input_ids"], "embeddings.shape")
    seq = node("Gather", [shape, const("one_i", 1, np.int64)], "embeddings.seq")
    pos_ids = node("Range", [const("zero_i", 0, np.int64), seq, const("step_i", 1, np.int64)], "embeddings.range")
    pos = node("Gather", [const("position_embeddings", w[pre + "embeddings.position_embeddings.weight"]), pos_ids],
               "embeddings.position")
    x = node("Add", [word, pos], "embeddings.add_position")
    x = node("Add", [x, const("token_type_0", w[pre + "embeddings.token_type_embeddings.weight"][0])],
             "embeddings.add_token_type")
    x = layer_norm(x, "embeddings.LayerNorm", "embeddings.layer_norm")
    # additive mask [1, 1, 1, seq]
    mf = node("Cast", ["attention_mask"], "mask.cast", to=TensorProto.FLOAT)
    inv = node("Sub", [const("one_f", 1.0), mf], "mask.invert")
    madd = node("Mul", [inv, const("neg_large", -1e9)], "mask.scale")
    madd = node("Unsqueeze", [madd, const("mask_axes", [1, 2], np.int64)], "mask.unsqueeze")
    heads_shape = const("heads_shape", [1, -1, H, hd], np.int64)
    model_shape = const("model_shape", [1, -1, D], np.int64)
    scale = const("scale", 1.0 / math.sqrt(hd))
    for l in range(nl):
        p = f"encoder.layer.{l}."
        n = f"layer{l}"
        q, k, v = (linear(x, p + "attention.self." + t, f"{n}.attention.{t}") for t in ("query", "key", "value"))
        qh = node("Transpose", [node("Reshape", [q, heads_shape], f"{n}.attention.q_heads")],
                  f"{n}.attention.q_t", perm=[0, 2, 1, 3])
        kh = node("Transpose", [node("Reshape", [k, heads_shape], f"{n}.attention.k_heads")],
                  f"{n}.attention.k_t", perm=[0, 2, 3, 1])
        vh = node("Transpose", [node("Reshape", [v, heads_shape], f"{n}.attention.v_heads")],
                  f"{n}.attention.v_t", perm=[0, 2, 1, 3])
        s = node("MatMul", [qh, kh], f"{n}.attention.scores")
        s = node("Mul", [s, scale], f"{n}.attention.scale")
        s = node("Add", [s, madd], f"{n}.attention.mask")
        prob = node("Softmax", [s], f"{n}.attention.softmax", axis=-1)
        ctx = node("MatMul", [prob, vh], f"{n}.attention.context")
        ctx = node("Reshape", [node("Transpose", [ctx], f"{n}.attention.ctx_t", perm=[0, 2, 1, 3]), model_shape],
                   f"{n}.attention.merge")
        a = linear(ctx, p + "attention.output.dense", f"{n}.attention.output")
        a = layer_norm(node("Add", [a, x], f"{n}.attention.residual"), p + "attention.output.LayerNorm",
                       f"{n}.attention.layer_norm")
        h = linear(a, p + "intermediate.dense", f"{n}.ffn.in")
        g = node("Erf", [node("Mul", [h, const("inv_sqrt2", 1 / math.sqrt(2))], f"{n}.ffn.gelu_scale")], f"{n}.ffn.erf")
        g = node("Mul", [node("Mul", [h, node("Add", [g, "one_f"], f"{n}.ffn.gelu_one")], f"{n}.ffn.gelu_mul"),
                         const("half", 0.5)], f"{n}.ffn.gelu")
        o = linear(g, p + "output.dense", f"{n}.ffn.out")
        x = layer_norm(node("Add", [o, a], f"{n}.ffn.residual"), p + "output.LayerNorm", f"{n}.ffn.layer_norm")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    g = helper.make_graph(
        nodes, "bert",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, "seq"])],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [1, "seq", D])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="dysta export_bert.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, str(out_path))
    return out_path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    export(sys.argv[1], sys.argv[2])
    print(f"wrote {sys.argv[2]}")
