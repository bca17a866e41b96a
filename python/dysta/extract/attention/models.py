"""The attention benchmark's models as pure-numpy float32 forward passes: BERT / MPNet
post-LN encoders (safetensors) and a Llama decoder (GGUF, SmolLM2)."""
import json
import math
import os
import struct

import numpy as np

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
