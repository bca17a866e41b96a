#!/usr/bin/env python3
"""Attention sparsity traces for Dysta's real benchmark (Sources/DystaBenchmark/workloads/
attention and attention-fixed, native format dysta-trace/1).

    python3 tools/trace-extract/attention/extract.py [--limit N] [--out DIR]

This script only makes the environment: it creates a venv under
tools/trace-extract/.cache/attention-venv with the pinned libraries of requirements.txt (numpy,
tokenizers; `pip install --no-deps`) and the dysta package of this checkout (editable), re-runs
itself inside it with one numeric thread and calls dysta.extract.attention.build.main (texts,
models, cells and workloads live in the package, python/dysta/extract/attention). See
README.md beside this file.
"""
import hashlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CACHE = os.path.join(REPO, "tools", "trace-extract", ".cache")
VENV = os.path.join(CACHE, "attention-venv")
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
              "RAYON_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


def bootstrap():
    """Create the venv (pinned libs + the package), then re-exec inside it with one numeric thread."""
    vpy = os.path.join(VENV, "bin", "python")
    inside = os.path.abspath(sys.prefix) == os.path.abspath(VENV)
    if inside and all(os.environ.get(k) == v for k, v in THREAD_ENV.items()):
        return
    if not inside:
        req = os.path.join(HERE, "requirements.txt")
        stamp = os.path.join(VENV, ".requirements.sha256")
        want = hashlib.sha256(open(req, "rb").read() + b"+dysta -e python").hexdigest()
        have = open(stamp).read().strip() if os.path.exists(stamp) else None
        if have != want:
            os.makedirs(CACHE, exist_ok=True)
            if not os.path.exists(vpy):
                subprocess.check_call([sys.executable, "-m", "venv", VENV])
            subprocess.check_call([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                   "--no-deps", "-r", req])
            subprocess.check_call([vpy, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                   "--no-deps", "-e", os.path.join(REPO, "python")])
            with open(stamp, "w") as f:
                f.write(want + "\n")
    env = dict(os.environ)
    env.update(THREAD_ENV)
    os.execve(vpy, [vpy, os.path.abspath(__file__)] + sys.argv[1:], env)


if __name__ == "__main__":
    bootstrap()
    from dysta.extract.attention.build import main
    main()
