#!/usr/bin/env python3
"""Per-variant summary of the CNN workload (stdlib only).

  python3 tools/trace-extract/cnn/summarize.py [workload dir]

Columns: weight density (all layers), mean in_zero_fraction and zero_fraction (over all
(sample, layer) cells), mean total effectual MACs per sample and its coefficient of variation
across samples (population std / mean), the low-light / normal ratio of mean total MACs, and the
ratio of total macs_stride1 to macs.
"""
import csv
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def main():
    wd = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "Sources/DystaBenchmark/workloads/cnn"
    man = json.loads((wd / "workload.json").read_text())
    low = {s[0] for s in man["provenance"]["inputs"]["samples"] if s[3]}
    print("| variant | layers | samples | weight density | mean in_zero | mean zero | "
          "mean MACs/sample | CV | low-light/normal MACs | macs_s1/macs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    total_bytes = (wd / "workload.json").stat().st_size
    for m in man["models"]:
        total_bytes += (wd / m["file"]).stat().st_size
        wnz = sum(L["weight_nonzeros"] for L in m["layers"])
        wt = sum(L["weight_total"] for L in m["layers"])
        macs = [0] * m["samples"]
        macs1 = 0
        izf = zf = n = 0
        with open(wd / m["file"], newline="") as f:
            for row in csv.DictReader(f):
                s = int(row["sample"])
                macs[s] += int(row["macs"])
                macs1 += int(row["macs_stride1"])
                izf += float(row["in_zero_fraction"])
                zf += float(row["zero_fraction"])
                n += 1
        assert n == m["samples"] * len(m["layers"])
        mean = sum(macs) / len(macs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in macs) / len(macs))
        lo = [macs[i] for i in range(len(macs)) if i in low]
        hi = [macs[i] for i in range(len(macs)) if i not in low]
        ratio = (sum(lo) / len(lo)) / (sum(hi) / len(hi)) if lo and hi else float("nan")
        print(f"| {m['name']} | {len(m['layers'])} | {m['samples']} | {wnz / wt:.3f} | "
              f"{izf / n:.3f} | {zf / n:.3f} | {mean / 1e9:.3f} G | {sd / mean:.3f} | "
              f"{ratio:.3f} | {macs1 / sum(macs):.3f} |")
    print(f"\ntotal size: {total_bytes / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
