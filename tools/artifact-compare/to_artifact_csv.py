#!/usr/bin/env python3
"""Convert a native attention workload (dysta-trace/1) into the paper artifact's Sanger CSVs.

Usage: to_artifact_csv.py OUT_DIR [--workload DIR]

DIR defaults to this repository's shipped `attention` workload
(Sources/DystaBenchmark/workloads/attention). One file per model variant is written to
OUT_DIR, named after the variant's CSV in the manifest (e.g. `minilm-l6.csv`), with the
columns the artifact reads (see docs/file-formats.md):

    batch-indx       <- sample
    layer-indx       <- layer
    overall-sparsity <- density       (the artifact's Sanger "sparsity" is a density)
    50%-skip         <- load_balance  (Sanger pack-and-split PE load balance)

Values are copied as text, unchanged, rows sorted by (sample, layer); the output is therefore
byte-for-byte deterministic. The per-sample `seq_len`/`real_len` columns are dropped: the
artifact's format has none and both simulators then use one fixed length (512 by default).

The artifact picks the Sanger latency model only when the CSV path contains "sanger", so
OUT_DIR should (a warning is printed otherwise).
"""
import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_WORKLOAD = os.path.join(HERE, "..", "..", "Sources", "DystaBenchmark", "workloads", "attention")


def convert(workload_dir, out_dir):
    with open(os.path.join(workload_dir, "workload.json")) as f:
        manifest = json.load(f)
    if manifest.get("kind") != "attention":
        sys.exit(f"{workload_dir}: kind is {manifest.get('kind')!r}, expected 'attention'")
    os.makedirs(out_dir, exist_ok=True)
    for model in manifest["models"]:
        with open(os.path.join(workload_dir, model["file"]), newline="") as f:
            rows = list(csv.DictReader(f))
        rows.sort(key=lambda r: (int(r["sample"]), int(r["layer"])))
        n, layers = model["samples"], len(model["layers"])
        if len(rows) != n * layers:
            sys.exit(f"{model['file']}: {len(rows)} rows, expected {n} samples x {layers} layers")
        out_path = os.path.join(out_dir, os.path.basename(model["file"]))
        with open(out_path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["batch-indx", "layer-indx", "overall-sparsity", "50%-skip"])
            for r in rows:
                w.writerow([r["sample"], r["layer"], r["density"], r["load_balance"]])
        print(f"{out_path}: {model['name']}, {n} samples x {layers} layers")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--workload", default=DEFAULT_WORKLOAD, help="native attention workload directory")
    a = p.parse_args()
    if "sanger" not in os.path.abspath(a.out_dir):
        print("warning: 'sanger' is not in OUT_DIR; the artifact will not use its Sanger model", file=sys.stderr)
    convert(a.workload, a.out_dir)


if __name__ == "__main__":
    main()
