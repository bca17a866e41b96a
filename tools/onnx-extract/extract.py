#!/usr/bin/env python3
"""Any ONNX model becomes a Dysta workload (native trace format dysta-trace/1).

  extract.py --model X.onnx --inputs DIR --out W/ [--kind auto|cnn|attention] [options]

CNN (Conv / Gemm / MatMul layers): per sample and layer the zero fractions, effectual MACs and
the Eyeriss-V2 column counts of tools/trace-extract/cnn, for each weight-pruning pattern
(magnitude pruning of the model's own initializers, the pruned model is run). Attention
(explicit Softmax): per sample and attention layer the Sanger density over valid query-key
pairs and the pack-and-split load balance of tools/trace-extract/attention.

Images: --inputs is a folder of image files (sorted by name) with declared preprocessing
(--size, --channels, --layout, --scale, --mean, --std or --preprocess CONFIG.json).
Text: a folder of .txt files (one sample per file, or per line with --text-per-line) and
--tokenizer tokenizer.json. The result is written to a temporary folder and moved to --out
only when complete. See tools/onnx-extract/README.md and docs/your-own-model.md.
"""
import argparse
import shlex
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def floats(s):
    try:
        v = [float(x) for x in s.replace(" ", "").split(",") if x]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got {s!r}")
    return v


def size(s):
    try:
        parts = [int(x) for x in s.lower().replace("x", ",").split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {s!r}")
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"expected N or HxW, got {s!r}")
    return parts


def parser():
    ap = argparse.ArgumentParser(prog="extract.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="the ONNX file")
    ap.add_argument("--inputs", required=True, help="folder of images or of .txt files")
    ap.add_argument("--out", required=True, help="workload folder to write (dysta --traces DIR)")
    ap.add_argument("--kind", choices=["auto", "cnn", "attention"], default="auto",
                    help="auto: attention if the graph has attention Softmax nodes, else cnn")
    ap.add_argument("--arch", help="architecture key of the variants (default: model file stem)")
    ap.add_argument("--name", help="workload name (default: the --out folder name)")
    ap.add_argument("--description", help="workload description (one paragraph)")
    ap.add_argument("--source", default="", help="where the ONNX file comes from (free text for "
                                                  "the provenance, e.g. 'PyPI wheel X 1.0, path/in/wheel')")
    ap.add_argument("--limit", type=int, help="first N samples only")
    ap.add_argument("--force", action="store_true", help="replace an existing --out folder")
    ap.add_argument("--append", action="store_true",
                    help="add (or replace) this architecture's variants in an existing workload")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    ap.add_argument("--debug", action="store_true", help="full traceback on errors")
    g = ap.add_argument_group("CNN")
    g.add_argument("--patterns", default=None,
                   help="comma-separated pruning patterns: dense, unstructuredP, filterP, block4-P "
                        "(default: dense,unstructured20,unstructured60,filter20,block4-20,block4-60)")
    g.add_argument("--prune-first-last", action="store_true",
                   help="also prune the first and the last layer (default: never pruned)")
    g.add_argument("--keep-dense", default="", help="comma-separated ONNX node names never pruned")
    g = ap.add_argument_group("images")
    g.add_argument("--preprocess", help="JSON file with keys size, resize, channels, layout, "
                                        "scale, mean, std (flags below override it)")
    g.add_argument("--size", type=size, help="N or HxW (default: the model's fixed input size)")
    g.add_argument("--resize", choices=["cover", "stretch"],
                   help="images of another size: cover = scale to cover, centre crop (default); "
                        "stretch = resize to HxW")
    g.add_argument("--channels", choices=["rgb", "bgr"], help="channel order (default rgb)")
    g.add_argument("--layout", choices=["nchw", "nhwc"], help="default: from the model input")
    g.add_argument("--scale", type=float, help="pixel multiplier before mean/std (e.g. 0.00392156862745098)")
    g.add_argument("--mean", type=floats, help="3 values, in channel order (default 0,0,0)")
    g.add_argument("--std", type=floats, help="3 values, in channel order (default 1,1,1)")
    g = ap.add_argument_group("text / attention")
    g.add_argument("--tokenizer", help="tokenizer.json (default: tokenizer.json beside the model, "
                                       "then in --inputs)")
    g.add_argument("--text-per-line", action="store_true", help="each non-empty line is a sample")
    g.add_argument("--max-tokens", type=int, default=512, help="truncation (default 512)")
    g.add_argument("--pad-to", type=int, help="run every sample padded to N tokens with an attention "
                                              "mask (default: real length, or the model's fixed length)")
    g.add_argument("--pad-id", type=int, default=0, help="token id of padding (default 0)")
    g.add_argument("--threshold", type=float, default=2e-3,
                   help="softmax probability above which a pair is kept (default 2e-3)")
    g.add_argument("--causal", choices=["auto", "yes", "no"], default="auto",
                   help="auto: a layer is causal when no query attends to a later token")
    g.add_argument("--hidden", type=int, help="model width for the Sanger model (default heads x head_dim)")
    return ap


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    try:
        import extractor
    except ImportError as e:
        print(f"extract.py: error: missing Python package ({e.name}): pip install -r "
              f"{HERE / 'requirements.txt'}", file=sys.stderr)
        return 2
    try:
        run(args, argv, extractor)
        return 0
    except (extractor.ExtractError, extractor.samples.InputError) as e:
        if args.debug:
            raise
        print(f"extract.py: error: {e.path}: {e}", file=sys.stderr)
        return 2
    except extractor.GraphError as e:
        if args.debug:
            raise
        print(f"extract.py: error: {args.model}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("extract.py: interrupted (nothing written)", file=sys.stderr)
        return 130
    except Exception as e:            # anything unforeseen: still one line, nothing written
        if args.debug:
            raise
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print(f"extract.py: error: {args.model}: internal error {type(e).__name__}: {msg} "
              f"(--debug shows the traceback)", file=sys.stderr)
        return 1


def build_inputs(args, ex, model_path, kind_hint):
    S = ex.samples
    folder = Path(args.inputs)
    has_txt = folder.is_dir() and any(p.suffix.lower() == ".txt" for p in folder.iterdir())
    has_img = folder.is_dir() and any(p.suffix.lower() in S.IMAGE_EXT for p in folder.iterdir())
    if has_txt and not has_img:
        tok = args.tokenizer
        if tok is None:
            for cand in (Path(model_path).parent / "tokenizer.json", folder / "tokenizer.json"):
                if cand.is_file():
                    tok = cand
                    break
        if tok is None:
            raise S.InputError(folder, "text inputs need a tokenizer: --tokenizer tokenizer.json "
                                       "(none beside the model or in the input folder)")
        return S.TextInputs(folder, tok, args.max_tokens, args.text_per_line)
    pre = S.Preprocess.from_config(args.preprocess) if args.preprocess else S.Preprocess()
    for k in ("size", "resize", "channels", "layout", "scale", "mean", "std"):
        v = getattr(args, k)
        if v is not None:
            setattr(pre, k, v)
    return S.ImageInputs(folder, pre)


def run(args, argv, ex):
    import json
    t0 = time.time()
    model_path = Path(args.model)
    if args.patterns is not None:
        patterns = [p.strip() for p in args.patterns.split(",") if p.strip()]
    else:
        patterns = None
    if patterns:
        ex.check_patterns(patterns)
    if args.limit is not None and args.limit < 1:
        raise ex.ExtractError("--limit", "must be at least 1")
    model = ex.load_model(model_path)
    model_sha = ex.sha256_file(model_path)
    G = ex.G_.Graph(model)
    inputs = build_inputs(args, ex, model_path, args.kind)
    if args.limit:
        inputs.limit(args.limit)
    kind = args.kind
    if kind == "auto":
        atts, _ = ex.G_.find_attention_layers(G)
        fused = [n for n in model.graph.node if n.op_type in ex.G_.FUSED_ATTENTION]
        kind = "attention" if (atts or fused or inputs.kind == "text") else "cnn"
    if kind == "cnn" and inputs.kind == "text":
        raise ex.ExtractError(args.inputs, "CNN extraction needs image inputs, the folder holds text")
    arch = args.arch or ex.re.sub(r"[^A-Za-z0-9.+-]+", "-", model_path.stem).strip("-").lower()
    if not ex.re.match(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$", arch):
        raise ex.ExtractError("--arch", f"architecture key {arch!r}: use letters, digits, '.', '+', '-' "
                                        f"(no '_', which separates architecture and pattern)")
    out = Path(args.out)
    stage = ex.Staging(out, force=args.force, append=args.append)
    try:
        old = None
        if args.append and (stage.out / "workload.json").is_file():
            old = json.loads((stage.out / "workload.json").read_text())
            if old.get("kind") != kind:
                raise ex.ExtractError(stage.out, f"--append: the workload is of kind {old.get('kind')}, "
                                                 f"this model gives {kind}")
        feeder = ex.Feeder(model_path, G, inputs, pad_to=args.pad_to, pad_id=args.pad_id)
        first, first_len, _ = feeder.feeds(0)
        n = len(inputs)
        ex.log(f"{model_path.name}: {kind}, {n} samples ({inputs.kind})")
        entries, csvs, prov_model = [], {}, {}
        if kind == "cnn":
            patterns = patterns or ex.DEFAULT_PATTERNS
            cm = ex.CnnModel(model, model_path, feeder, first)
            keep = {s for s in args.keep_dense.split(",") if s}
            cm.set_prunable(args.prune_first_last, keep)
            ex.log(f"  {len(cm.layers)} layers: " + ", ".join(l.name for l in cm.layers[:6])
                   + (" ..." if len(cm.layers) > 6 else ""))
            for pat in patterns:
                tp = time.time()
                variant = f"{arch}_{pat}"
                csv, layers = ex.cnn_variant(cm, feeder, n, pat, args.quiet, variant)
                csvs[f"{variant}.csv"] = csv
                entries.append({"name": variant, "architecture": arch, "pattern": pat,
                                "file": f"{variant}.csv", "samples": n, "layers": layers})
                ex.log(f"  {variant}: {n} x {len(layers)} cells, {time.time() - tp:.0f} s")
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
            prov_model["patterns"] = patterns
            prov_model["pruning"] = ex.pruning.__doc__.strip() + (
                " Generic extractor: the first and the last scheduled layer are not pruned "
                "(unless --prune-first-last), nor the nodes of --keep-dense; magnitudes are the "
                "weights times the per-channel scales of the affine chain after the layer "
                "(BatchNorm folded).")
            prov_model["keep_dense"] = sorted(keep)
        else:
            if patterns and patterns != ["dense"]:
                raise ex.ExtractError("--patterns", "attention models are extracted dense only")
            am = ex.AttentionModel(model, model_path, feeder, first, first_len, args.causal, args.hidden)
            ex.log(f"  {len(am.atts)} attention layers ({am.atts[0].heads} heads x {am.atts[0].head_dim})")
            variant = f"{arch}_dense"
            csv, stats = ex.attention_run(am, feeder, n, args.threshold, args.quiet, variant)
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
            prov_model["threshold"] = args.threshold
            prov_model["causal_option"] = args.causal
            prov_model["padding"] = ("none: every sample runs at its real length" if feeder.pad_to is None
                                     and inputs.kind == "text" else
                                     f"run padded to {feeder.pad_to} tokens with attention_mask; "
                                     f"only the real query-key pairs count" if inputs.kind == "text"
                                     else "images: no padding, real_len = the model's token count")
            prov_model["statistics"] = {
                "density_mean": float("%.6g" % ex.np.mean(dens)),
                "density_std_over_samples": float("%.6g" % ex.np.std(dens)),
                "real_len_min": int(min(lens)), "real_len_max": int(max(lens)),
                "real_len_mean": float("%.6g" % ex.np.mean(lens))}
        prov_model.update({
            "model_file": model_path.name, "model_sha256": model_sha,
            "model_bytes": model_path.stat().st_size, "source": args.source,
            "onnx_opsets": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
            "producer": f"{model.producer_name} {model.producer_version}".strip(),
            "inputs": inputs.provenance(),
            "command": ex.rel("python3 " + TOOL_CMD + " " + " ".join(shlex.quote(a) for a in argv)),
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
            raise ex.ExtractError(out, "duplicate model names in the workload")
        for fname, text in csvs.items():
            (stage.tmp / fname).write_text(text, encoding="utf-8", newline="\n")
        archs = sorted({m["architecture"] for m in models})
        desc = args.description or (old or {}).get("description") or (
            f"Generated by {ex.TOOL} from ONNX model(s) {', '.join(archs)}.")
        provenance = {
            "tool": ex.TOOL,
            "python": sys.version.split()[0],
            "python_packages": ex.versions(),
            "threads": "1 (OMP/OpenBLAS/onnxruntime intra- and inter-op), onnxruntime graph optimisations off",
            "cells": ("CNN: tools/trace-extract/cnn/counting.py definitions (docs/trace-format.md); "
                      "attention: tools/trace-extract/attention/extract.py attention_cell "
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
            "name": args.name or (old or {}).get("name") or stage.out.name,
            "kind": kind,
            "accelerator": "sanger" if kind == "attention" else "eyeriss-v2",
            "description": desc,
            "models": models,
            "provenance": provenance,
        }
        (stage.tmp / "workload.json").write_text(ex.cnn_extract.dumps(manifest) + "\n",
                                                 encoding="utf-8", newline="\n")
        stage.commit()
    except BaseException:
        stage.abort()
        raise
    size_mb = sum(p.stat().st_size for p in stage.out.iterdir()) / 1e6
    ex.log(f"wrote {stage.out} ({len(models)} models, {size_mb:.2f} MB) in {time.time() - t0:.0f} s")


TOOL_CMD = "tools/onnx-extract/extract.py"

if __name__ == "__main__":
    sys.exit(main())
