"""Helpers shared by the trace extractors (dysta.extract.onnx, tools/trace-extract): file
hashes, the cell and manifest formatting of the shipped traces, progress lines."""
import hashlib
import json
import os
import sys
import time
from pathlib import Path

# dysta/extract/_common.py -> python/dysta/extract -> the repository (in a checkout)
_CHECKOUT = Path(__file__).resolve().parents[3]


def log(*a):
    """Print to stderr, flushed (progress and warnings; stdout stays free)."""
    print(*a, file=sys.stderr, flush=True)


def one_thread():
    """One numeric thread for BLAS / OpenMP / tokenizers (effective when set before numpy's
    libraries start their thread pools; onnxruntime sessions set their own)."""
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(v, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def sha256_file(path):
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(b):
    """Hex sha256 of a bytes object."""
    return hashlib.sha256(b).hexdigest()


def repo_root():
    """The repository root when dysta runs from a checkout (python/ inside it), else the
    current directory: provenance paths are written relative to it."""
    if (_CHECKOUT / "Package.swift").is_file():
        return _CHECKOUT
    return Path.cwd()


def rel(path):
    """``path`` (or a command line holding paths) with the repository root removed, so the
    provenance stays machine-independent."""
    return str(path).replace(str(repo_root()) + os.sep, "")


CNN_CSV_HEADER = ("sample,layer,zero_fraction,in_zero_fraction,macs,macs_stride1,nnz_columns,"
                  "nnz_columns_artifact\n")
CLAMPED = [0]      # zero_fraction cells clamped to 0.999999 so far (frac(..., clamp=True))


def frac(zeros, total, clamp=False):
    """Exact count ratio, 6 significant digits; clamp keeps zero_fraction < 1."""
    s = "%.6g" % (zeros / total)
    if clamp and s == "1":
        CLAMPED[0] += 1
        return "0.999999"
    return s


def dumps(obj, indent=0):
    """JSON; a dict or list that holds no dict or list, or is short, is written on one line."""
    pad = "  " * indent
    flat = lambda o: not any(isinstance(v, (dict, list)) for v in (o.values() if isinstance(o, dict) else o))
    if isinstance(obj, (dict, list)) and (flat(obj) or len(json.dumps(obj, ensure_ascii=False)) <= 120):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, dict):
        items = [f"{pad}  {json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        items = [pad + "  " + dumps(v, indent + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(obj, ensure_ascii=False)


class Progress:
    """A progress line on stderr at most every ``every`` seconds (and at the end)."""

    def __init__(self, label, total, quiet=False, every=10.0):
        self.label, self.total, self.quiet, self.every = label, total, quiet, every
        self.t0 = self.last = time.time()

    def step(self, done):
        now = time.time()
        if self.quiet or (now - self.last < self.every and done != self.total):
            return
        self.last = now
        el = now - self.t0
        eta = el / done * (self.total - done) if done else 0
        log(f"  {self.label}: {done}/{self.total} samples, {el:.0f} s, ~{eta:.0f} s left")
