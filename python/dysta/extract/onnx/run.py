"""One extraction: model + inputs -> a workload folder (dysta-trace/1). Called by
dysta.extract.extract_onnx and python -m dysta.extract with the same options."""
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from .. import _common
from ..cnn import counting, pruning
from . import extractor as ex
from . import graph as G_
from . import samples as S
from .graph import GraphError, node_name
from ...errors import ExtractError

ACTIVATION_NOTE = (
    "zero_fraction counts exact zeros of the layer's output activation and in_zero_fraction those "
    "of its input. {kinds} is a smooth activation: it is exactly zero only at x = 0 and where the "
    "runtime's float32 sigmoid rounds to 0 (onnxruntime: x below about -17), so for these layers "
    "and the layers that read them the cells count such rounding zeros (often ~0, more on inputs "
    "that drive the layer far negative), not the activation sparsity a ReLU network has. What the "
    "trace carries for them is the weight sparsity of the pruning patterns and the exact zeros "
    "the graph does produce (zero padding, ReLU-type layers elsewhere); sparsity from "
    "thresholding small activations is not modelled.")
NO_ACTIVATION_NOTE = (
    "No scheduled layer is followed by a recognised non-linearity: zero_fraction is that of the "
    "raw layer outputs, and activation sparsity is ~0 unless the graph produces exact zeros "
    "itself.")


def build_inputs(opts, model_path):
    folder = Path(opts.inputs)
    has_txt = folder.is_dir() and any(p.suffix.lower() == ".txt" for p in folder.iterdir())
    has_img = folder.is_dir() and any(p.suffix.lower() in S.IMAGE_EXT for p in folder.iterdir())
    if has_txt and not has_img:
        tok = opts.tokenizer
        if tok is None:
            for cand in (Path(model_path).parent / "tokenizer.json", folder / "tokenizer.json"):
                if cand.is_file():
                    tok = cand
                    break
        if tok is None:
            raise S.InputError(folder, "text inputs need a tokenizer: --tokenizer tokenizer.json "
                                       "(none beside the model or in the input folder)")
        return S.TextInputs(folder, tok, opts.max_tokens, opts.text_per_line)
    pre = S.Preprocess.from_config(opts.preprocess) if opts.preprocess else S.Preprocess()
    for k in ("size", "resize", "channels", "layout", "scale", "mean", "std"):
        v = getattr(opts, k)
        if v is not None:
            setattr(pre, k, v)
    return S.ImageInputs(folder, pre)


def check_mappable(cm):
    """Layers the Eyeriss-V2 artifact mapping cannot tile (an input row wider than the iact
    GLB: F0 would be 0), refused naming the node instead of failing inside the counting."""
    for lay in cm.layers:
        if not counting.artifact_fits(lay.W, lay.R, lay.c0):
            n = cm.info[lay.name].node
            raise GraphError(
                f"node '{node_name(n)}': input rows of width {lay.W} (kernel {lay.R}, {lay.c0} "
                f"channels per column) do not fit the Eyeriss-V2 iact buffer "
                f"({counting.IACT_GLB_BITS} bits), so the accelerator mapping cannot tile this "
                f"{n.op_type}; cut the graph before it (e.g. a detection head's post-processing: "
                f"onnx.utils.extract_model with the backbone's outputs)")


def activation_warning(cm):
    """(warning line or None, provenance note or None) about what activation sparsity the
    trace can carry, from the layers' non-linearities."""
    nls = [cm.info[l.name].nonlinearity for l in cm.layers]
    smooth = sorted({n for n in nls if n is not None and not G_.produces_zeros(n)})
    if smooth:
        k = sum(1 for n in nls if n is not None and not G_.produces_zeros(n))
        kinds = ", ".join(smooth)
        return (f"warning: {k} of {len(nls)} layers end in {kinds}, exactly zero only at x = 0 or "
                f"where the sigmoid rounds to 0: their zero_fraction (and the next layers' "
                f"in_zero_fraction) counts rounding zeros, not ReLU-like activation sparsity; the "
                f"trace carries weight sparsity (provenance: activation_sparsity)"), \
            ACTIVATION_NOTE.format(kinds=kinds)
    if all(n is None for n in nls):
        return (f"warning: none of the {len(nls)} layers is followed by a recognised "
                f"non-linearity: zero_fraction is that of the raw outputs, ~0 "
                f"(provenance: activation_sparsity)"), NO_ACTIVATION_NOTE
    return None, None


def run(opts, command):
    """Extract; ``opts`` has the attributes of the command line's options (dysta.extract.cli).
    Returns the workload folder."""
    t0 = time.time()
    model_path = Path(opts.model)
    try:
        return _run(opts, command, model_path, t0)
    except GraphError as e:
        if e.path is None:
            e.path = str(opts.model)
        raise


def _run(opts, command, model_path, t0):
    log = _common.log
    if opts.patterns is not None:
        patterns = [p.strip() for p in opts.patterns.split(",") if p.strip()]
    else:
        patterns = None
    if patterns:
        ex.check_patterns(patterns)
    if opts.limit is not None and opts.limit < 1:
        raise ExtractError("--limit", "must be at least 1")
    model = ex.load_model(model_path)
    model_sha = _common.sha256_file(model_path)
    G = G_.Graph(model)
    inputs = build_inputs(opts, model_path)
    if opts.limit:
        inputs.limit(opts.limit)
    kind = opts.kind
    if kind == "auto":
        atts, _ = G_.find_attention_layers(G)
        fused = [n for n in model.graph.node if n.op_type in G_.FUSED_ATTENTION]
        kind = "attention" if (atts or fused or inputs.kind == "text") else "cnn"
    if kind == "cnn" and inputs.kind == "text":
        raise ExtractError(opts.inputs, "CNN extraction needs image inputs, the folder holds text")
    arch = opts.arch or re.sub(r"[^A-Za-z0-9.+-]+", "-", model_path.stem).strip("-").lower()
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$", arch):
        raise ExtractError("--arch", f"architecture key {arch!r}: use letters, digits, '.', '+', '-' "
                                     f"(no '_', which separates architecture and pattern)")
    out = Path(opts.out)
    stage = ex.Staging(out, force=opts.force, append=opts.append)
    try:
        old = None
        if opts.append and (stage.out / "workload.json").is_file():
            old = json.loads((stage.out / "workload.json").read_text())
            if old.get("kind") != kind:
                raise ExtractError(stage.out, f"--append: the workload is of kind {old.get('kind')}, "
                                              f"this model gives {kind}")
        feeder = ex.Feeder(model_path, G, inputs, pad_to=opts.pad_to, pad_id=opts.pad_id)
        first, first_len, _ = feeder.feeds(0)
        n = len(inputs)
        log(f"{model_path.name}: {kind}, {n} samples ({inputs.kind})")
        entries, csvs, prov_model = [], {}, {}
        if kind == "cnn":
            patterns = patterns or ex.DEFAULT_PATTERNS
            cm = ex.CnnModel(model, model_path, feeder, first)
            check_mappable(cm)
            keep = {s for s in opts.keep_dense.split(",") if s}
            cm.set_prunable(opts.prune_first_last, keep)
            log(f"  {len(cm.layers)} layers: " + ", ".join(l.name for l in cm.layers[:6])
                + (" ..." if len(cm.layers) > 6 else ""))
            warning, note = activation_warning(cm)
            if warning:
                log(warning)
            for pat in patterns:
                tp = time.time()
                variant = f"{arch}_{pat}"
                csv, layers = ex.cnn_variant(cm, feeder, n, pat, opts.quiet, variant)
                csvs[f"{variant}.csv"] = csv
                entries.append({"name": variant, "architecture": arch, "pattern": pat,
                                "file": f"{variant}.csv", "samples": n, "layers": layers})
                log(f"  {variant}: {n} x {len(layers)} cells, {time.time() - tp:.0f} s")
            prov_model["layer_mapping"] = [
                {"layer": i, "name": l.name, "onnx_node": cm.info[l.name].node.name,
                 "op": cm.info[l.name].node.op_type, "input": cm.info[l.name].x,
                 "explicit_pad": cm.info[l.name].pad_node.name if cm.info[l.name].pad_node is not None else None,
                 "activation": cm.info[l.name].act,
                 "nonlinearity": cm.info[l.name].nonlinearity
                 + ("(after residual Add)" if cm.info[l.name].residual else "")
                 if cm.info[l.name].nonlinearity else None,
                 "pruned": l.prunable, "follows": l.follows}
                for i, l in enumerate(cm.layers)]
            if note:
                prov_model["activation_sparsity"] = note
            prov_model["patterns"] = patterns
            prov_model["pruning"] = pruning.__doc__.strip() + (
                " Generic extractor: the first and the last scheduled layer are not pruned "
                "(unless --prune-first-last), nor the nodes of --keep-dense; magnitudes are the "
                "weights times the per-channel scales of the affine chain after the layer "
                "(BatchNorm folded).")
            prov_model["keep_dense"] = sorted(keep)
        else:
            if patterns and patterns != ["dense"]:
                raise ExtractError("--patterns", "attention models are extracted dense only")
            am = ex.AttentionModel(model, model_path, feeder, first, first_len, opts.causal, opts.hidden)
            log(f"  {len(am.atts)} attention layers ({am.atts[0].heads} heads x {am.atts[0].head_dim})")
            variant = f"{arch}_dense"
            csv, stats = ex.attention_run(am, feeder, n, opts.threshold, opts.quiet, variant)
            csvs[f"{variant}.csv"] = csv
            entries.append({"name": variant, "architecture": arch, "pattern": "dense",
                            "file": f"{variant}.csv", "samples": n, "layers": am.manifest_layers()})
            lens = [s[0] for s in stats]
            dens = [s[1] for s in stats]
            prov_model["layer_mapping"] = [
                {"layer": i, "name": a.name, "onnx_softmax_node": a.node.name,
                 "probabilities": a.probs, "onnx_pv_matmul_node": a.pv.name,
                 "causal": bool(a.causal)} for i, a in enumerate(am.atts)]
            prov_model["softmax_nodes_not_attention"] = am.skipped
            prov_model["threshold"] = opts.threshold
            prov_model["causal_option"] = opts.causal
            prov_model["padding"] = ("none: every sample runs at its real length" if feeder.pad_to is None
                                     and inputs.kind == "text" else
                                     f"run padded to {feeder.pad_to} tokens with attention_mask; "
                                     f"only the real query-key pairs count" if inputs.kind == "text"
                                     else "images: no padding, real_len = the model's token count")
            prov_model["statistics"] = {
                "density_mean": float("%.6g" % np.mean(dens)),
                "density_std_over_samples": float("%.6g" % np.std(dens)),
                "real_len_min": int(min(lens)), "real_len_max": int(max(lens)),
                "real_len_mean": float("%.6g" % np.mean(lens))}
        prov_model.update({
            "model_file": model_path.name, "model_sha256": model_sha,
            "model_bytes": model_path.stat().st_size, "source": opts.source,
            "onnx_opsets": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
            "producer": f"{model.producer_name} {model.producer_version}".strip(),
            "inputs": inputs.provenance(),
            "command": _common.rel(command),
        })
        # manifest
        if old is not None:
            keep_models = [m for m in old["models"] if m["architecture"] != arch]
            for m in keep_models:
                src = stage.out / m["file"]
                (stage.tmp / m["file"]).write_bytes(src.read_bytes())
            models = keep_models + entries
            prov = old.get("provenance", {})
            extractions = dict(prov.get("extractions", {}))
        else:
            models, prov, extractions = entries, {}, {}
        extractions[arch] = prov_model
        models.sort(key=lambda m: m["name"])
        names = [m["name"] for m in models]
        if len(set(names)) != len(names):
            raise ExtractError(out, "duplicate model names in the workload")
        for fname, text in csvs.items():
            (stage.tmp / fname).write_text(text, encoding="utf-8", newline="\n")
        archs = sorted({m["architecture"] for m in models})
        desc = opts.description or (old or {}).get("description") or (
            f"Generated by {ex.TOOL} from ONNX model(s) {', '.join(archs)}.")
        provenance = {
            "tool": ex.TOOL,
            "python": sys.version.split()[0],
            "python_packages": ex.versions(),
            "threads": "1 (OMP/OpenBLAS/onnxruntime intra- and inter-op), onnxruntime graph optimisations off",
            "cells": ("CNN: dysta.extract.cnn.counting definitions (docs/trace-format.md); "
                      "attention: dysta.extract.attention.attention_cell "
                      "(density over valid query-key pairs, causal j <= i for causal layers; "
                      "Sanger pack-and-split with 64-wide vectors, 32 PEs)"),
            "number_format": "%.6g",
            "extractions": extractions,
        }
        for k, v in prov.items():
            if k not in provenance:
                provenance[k] = v
        manifest = {
            "format": "dysta-trace/1",
            "name": opts.name or (old or {}).get("name") or stage.out.name,
            "kind": kind,
            "accelerator": "sanger" if kind == "attention" else "eyeriss-v2",
            "description": desc,
            "models": models,
            "provenance": provenance,
        }
        (stage.tmp / "workload.json").write_text(_common.dumps(manifest) + "\n",
                                                 encoding="utf-8", newline="\n")
        stage.commit()
    except BaseException:
        stage.abort()
        raise
    size_mb = sum(p.stat().st_size for p in stage.out.iterdir()) / 1e6
    log(f"wrote {stage.out} ({len(models)} models, {size_mb:.2f} MB) in {time.time() - t0:.0f} s")
    return stage.out
