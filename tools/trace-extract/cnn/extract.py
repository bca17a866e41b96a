#!/usr/bin/env python3
"""Build the CNN workload of the Dysta benchmark (Sources/DystaBenchmark/workloads/cnn/).

  python3 tools/trace-extract/cnn/extract.py                      # everything
  python3 tools/trace-extract/cnn/extract.py --models vgg16-hed   # re-run one architecture
                                                                  # (other entries of an existing
                                                                  # workload.json are kept)
Prerequisite: `apt-get install mate-backgrounds` (Debian, version 1.26.0-1).

This script only makes the environment: it creates the pinned virtualenv
tools/trace-extract/.cache/cnn/venv (requirements.txt beside it, plus the dysta package of this
checkout, editable), re-runs itself inside it with one numeric thread and calls
dysta.extract.cnn.build.main (the models, the runs and the cells live in the package,
python/dysta/extract/cnn). See README.md beside this file.
"""
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
VENV = HERE.parent / ".cache" / "cnn" / "venv"
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def ensure_venv():
    """Re-exec inside the pinned venv (created on first use)."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        print(f"creating virtualenv {VENV}", file=sys.stderr, flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    stamp = VENV / "requirements.stamp"
    req = (HERE / "requirements.txt").read_text() + "+dysta -e python\n"
    if not stamp.exists() or stamp.read_text() != req:
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "--no-deps", "-r",
                               str(HERE / "requirements.txt")])
        # the models, counting, pruning and helpers: the dysta package of this checkout
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "--no-deps", "-e",
                               str(ROOT / "python")])
        stamp.write_text(req)
    os.execv(str(py), [str(py), str(Path(__file__).resolve())] + sys.argv[1:])


if __name__ == "__main__":
    for v in THREADS:
        os.environ[v] = "1"
    ensure_venv()
    from dysta.extract.cnn.build import main
    main()
