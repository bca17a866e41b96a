#!/usr/bin/env python3
"""Summarise one run.sh grid (RUN_DIR) as Markdown: timings, replay exactness, results side by side.

Usage: compare.py RUN_DIR     (needs numpy and scipy; run with the artifact's venv python)

Reads RUN_DIR/env.txt (grid), time-*.txt (/usr/bin/time), artifact/stdout.txt (the per-seed
metrics dict simulator.py prints before averaging), dysta/ and dysta-ref/ (dysta simulate CSV per
rate and SLO) and replay/ (dysta on the artifact's own request streams, one CSV per seed, rate, SLO).
"""
import csv
import math
import os
import re
import statistics
import sys

import numpy as np
from scipy.stats import t as student_t

POLICIES = ["fcfs", "sjf", "prema", "planaria", "sdrm3", "dysta_oracle", "dysta"]
OURS = {p: p.replace("_", "-") for p in POLICIES}
METRICS = [("vio_rate", "violation_rate"), ("antt", "antt"), ("thrpt", "throughput")]


def read_grid(run):
    env = open(os.path.join(run, "env.txt")).read()
    m = re.search(r"grid: rates \[(.*?)\] slos \[(.*?)\] seeds (\d+)", env)
    return [int(x) for x in m.group(1).split()], m.group(2).split(), int(m.group(3)), env


def read_time(path):
    return {k: float(v.rstrip("%")) for k, v in (kv.split("=") for kv in open(path).read().split())}


def read_artifact(run):
    for line in open(os.path.join(run, "artifact", "stdout.txt")):
        if line.startswith("{") and "vio_rate" in line:
            return eval(line, {"np": np})  # the dict simulator.py prints; floats shown as np.float64(...)
    sys.exit("no metrics dict in artifact/stdout.txt")


def read_ours(path):
    with open(path) as f:
        return {r["scheduler"]: r for r in csv.DictReader(f) if r["model"] == "all"}


def mean_ci(xs):
    if len(xs) < 2:
        return xs[0], 0.0, 0.0
    sd = statistics.stdev(xs)
    return statistics.fmean(xs), student_t.ppf(0.975, len(xs) - 1) * sd / math.sqrt(len(xs)), sd


def same_mean(ma, sa, na, mr, cr, nr):
    """Pooled two-sample t-test at 5%: True when the means are compatible. The ref's standard
    deviation is recovered from its CI half-width; with one artifact seed only the ref's spread is used."""
    sr = cr * math.sqrt(nr) / student_t.ppf(0.975, nr - 1)
    df = na + nr - 2
    sp = math.sqrt(((na - 1) * sa ** 2 + (nr - 1) * sr ** 2) / df)
    return abs(ma - mr) <= student_t.ppf(0.975, df) * sp * math.sqrt(1 / na + 1 / nr) + 1e-12


def main():
    run = sys.argv[1]
    rates, slos, seeds, env = read_grid(run)
    art = read_artifact(run)
    out = [f"# Artifact vs dysta: {os.path.basename(os.path.abspath(run))}", "", "```", env.strip(), "```", ""]

    # Timing
    ta = read_time(os.path.join(run, "time-artifact.txt"))
    tds = [read_time(os.path.join(run, f)) for f in sorted(os.listdir(run)) if f.startswith("time-dysta-")]
    med = statistics.median(t["wall_s"] for t in tds)
    runs = len(rates) * len(slos) * seeds * len(POLICIES)
    out += ["## Time (one core, /usr/bin/time)", "",
            "| simulator | wall s | user s | peak RSS MB | simulations | ms / simulation |", "|---|---|---|---|---|---|",
            f"| artifact simulator.py | {ta['wall_s']:.2f} | {ta['user_s']:.2f} | {ta['maxrss_kb'] / 1024:.0f} | {runs} | {1000 * ta['wall_s'] / runs:.1f} |"]
    for i, t in enumerate(tds, 1):
        out.append(f"| dysta simulate, rep {i} | {t['wall_s']:.2f} | {t['user_s']:.2f} | {t['maxrss_kb'] / 1024:.0f} | {runs} | {1000 * t['wall_s'] / runs:.2f} |")
    out += ["", f"Wall-time ratio artifact / dysta (median of {len(tds)}): **{ta['wall_s'] / med:.0f}×**; "
            f"peak-memory ratio: {ta['maxrss_kb'] / max(t['maxrss_kb'] for t in tds):.1f}×.", ""]

    # Replay: identical request streams
    n = same_vio = 0
    worst = {m: (0.0, None) for m, _ in METRICS}
    for s in range(1, seeds + 1):
        for rate in rates:
            for k, slo in enumerate(slos):
                ours = read_ours(os.path.join(run, "replay", f"seed{s}_rate{rate}_slo{slo}.csv"))
                for p in POLICIES:
                    n += 1
                    for am, om in METRICS:
                        a, o = float(art[rate][am][p][k][s - 1]), float(ours[OURS[p]][om])
                        d = abs(a - o) if am == "vio_rate" else abs(a - o) / abs(a)
                        if d > worst[am][0]:
                            worst[am] = (d, f"{p} seed {s} rate {rate} SLO {slo}: {a!r} vs {o!r}")
                    same_vio += float(art[rate]["vio_rate"][p][k][s - 1]) == float(ours[OURS[p]]["violation_rate"])
    out += ["## Same request streams (artifact's tables replayed with `dysta simulate --replay`)", "",
            f"{n} (seed, rate, SLO, policy) runs; violation rate identical in {same_vio}.", ""]
    for am, _ in METRICS:
        d, where = worst[am]
        kind = "absolute" if am == "vio_rate" else "relative"
        out.append(f"- {am}: largest {kind} difference {d:.3g}" + (f" ({where})" if where else ""))
    out.append("")

    # Independent streams: statistical comparison
    refseeds = None
    agree = total = 0
    rows = []
    for rate in rates:
        for k, slo in enumerate(slos):
            ours = read_ours(os.path.join(run, "dysta", f"rate{rate}_slo{slo}.csv"))
            ref = read_ours(os.path.join(run, "dysta-ref", f"rate{rate}_slo{slo}.csv"))
            for p in POLICIES:
                o, r = ours[OURS[p]], ref[OURS[p]]
                refseeds = r["seeds"]
                cells = [str(rate), slo, p]
                for am, om, scale in [("vio_rate", "violation_rate", 100), ("antt", "antt", 1)]:
                    am_, ac, asd = mean_ci([float(x) for x in art[rate][am][p][k]])
                    om_, oc = float(o[om]), float(o[om + "_ci95"] or 0)
                    rm_, rc = float(r[om]), float(r[om + "_ci95"] or 0)
                    ok = same_mean(am_, asd, seeds, rm_, rc, int(r["seeds"]))
                    agree += ok
                    total += 1
                    cells += [f"{scale * am_:.2f} ± {scale * ac:.2f}", f"{scale * om_:.2f} ± {scale * oc:.2f}",
                              f"{scale * rm_:.2f} ± {scale * rc:.2f}" + ("" if ok else " ✗")]
                rows.append("| " + " | ".join(cells) + " |")
    out += ["## Independent request streams (different RNGs): mean ± 95% CI over seeds", "",
            f"artifact and dysta: {seeds} seeds each; ref: dysta with {refseeds} seeds. "
            f"✗ = the artifact's mean and the ref mean differ at the 5% level (pooled two-sample t-test): "
            f"{total - agree} of {total} metric cells (cells are not independent: ANTT barely depends on the SLO).", "",
            "| rate | SLO | policy | viol % artifact | viol % dysta | viol % dysta ref | ANTT artifact | ANTT dysta | ANTT dysta ref |",
            "|---|---|---|---|---|---|---|---|---|"] + rows
    print("\n".join(out))


if __name__ == "__main__":
    main()
