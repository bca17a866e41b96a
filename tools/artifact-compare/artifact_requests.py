#!/usr/bin/env python3
"""Dump the artifact's own request streams as dysta request tables (for `dysta simulate --replay`).

Usage: artifact_requests.py ARTIFACT_CHECKOUT CSV_DIR OUT_DIR --rates 6 8 --slos 10 25 \
           --seeds 5 --requests 1000 [--seed 1] [--seq-len 512]

Nothing of the artifact is copied: its modules are imported from ARTIFACT_CHECKOUT/dysta_scheduler
and its own functions build the latency table and the request tables, seeded and ordered as its
simulator.py does (random.seed(seed + r) once per seed round r, then one table per arrival rate
in the given order; models in os.listdir order of CSV_DIR). Each (round, rate, SLO) gives
OUT_DIR/seed{seed+r}_rate{rate}_slo{slo}.csv with columns id,arrival,model,sample,priority,target
(target = the artifact's per-model target latency x SLO multiplier, computed in the same float
operations). Floats are written with repr(), so they round-trip exactly.
"""
import argparse
import csv
import os
import random
import sys
from argparse import Namespace


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("artifact")
    p.add_argument("csv_dir")
    p.add_argument("out_dir")
    p.add_argument("--rates", nargs="+", type=int, required=True)
    p.add_argument("--slos", nargs="+", type=float, required=True)
    p.add_argument("--seeds", type=int, default=5, help="number of seed rounds (the artifact's --num_random_seeds)")
    p.add_argument("--seed", type=int, default=1, help="the artifact's --seed")
    p.add_argument("--requests", type=int, default=1000, help="the artifact's --num_sample")
    p.add_argument("--seq-len", type=int, default=512)
    a = p.parse_args()

    sys.path.insert(0, os.path.join(os.path.abspath(a.artifact), "dysta_scheduler"))
    from utils_common import construct_lat_table, generate_reqst_table  # the artifact's code

    files = [f for f in os.listdir(a.csv_dir) if "csv" in f]  # as simulator.py's --csv_lat_dir
    paths = [os.path.join(a.csv_dir, f) for f in files]
    models = [f.split(".")[0] for f in files]
    args = Namespace(seq_len=a.seq_len, draw_dist=False, figs_path=a.out_dir, csv_lat_files=paths)
    lut = construct_lat_table(models, paths, args)

    os.makedirs(a.out_dir, exist_ok=True)
    for r in range(a.seeds):
        random.seed(a.seed + r)
        for rate in a.rates:
            table = generate_reqst_table(rate, a.requests, models, lut)
            for slo in a.slos:
                name = f"seed{a.seed + r}_rate{rate}_slo{slo:g}.csv"
                with open(os.path.join(a.out_dir, name), "w", newline="") as f:
                    w = csv.writer(f, lineterminator="\n")
                    w.writerow(["id", "arrival", "model", "sample", "priority", "target"])
                    for i, req in enumerate(table):
                        arrival, target, model, priority, _, sample = req[:6]
                        w.writerow([i, repr(float(arrival)), model, sample, priority, repr(float(target * slo))])
    print(f"wrote {a.seeds * len(a.rates) * len(a.slos)} request tables to {a.out_dir}")


if __name__ == "__main__":
    main()
