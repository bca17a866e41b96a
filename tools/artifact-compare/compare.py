#!/usr/bin/env python3
"""Summarise one run.sh grid (RUN_DIR) as Markdown: timings, replay exactness, results side by side.

Usage: compare.py RUN_DIR     (needs numpy and scipy; run with the artifact's venv python)

Reads RUN_DIR/env.txt (grid), time-*.txt (/usr/bin/time), artifact/stdout.txt (the per-seed
metrics dict simulator.py prints before averaging), dysta/ and dysta-ref/ (dysta simulate CSV per
rate and SLO), replay/ (dysta on the artifact's own request streams, one CSV per seed, rate, SLO)
and, when run.sh timed `dysta sweep` (time-sweep-*.txt), sweep/ (its runs.csv and summary.csv) and
dysta-seed/ (dysta simulate CSV per seed, rate and SLO).
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


def same(a, b):
    """Two CSV cells hold the same value (both empty = undefined, else equal as floats)."""
    return a == b or (a != "" and b != "" and float(a) == float(b))


def sweep_vs_simulate(run, rates, slos, seeds):
    """The sweep's runs.csv against `dysta simulate` run one seed at a time (dysta-seed/), every
    metric column; and its summary.csv (mean, ci95 per cell) against the timed multi-seed
    `dysta simulate` CSVs (dysta/)."""
    with open(os.path.join(run, "sweep", "runs.csv")) as f:
        rows = list(csv.DictReader(f))
    metrics = [c for c in rows[0] if c in ("violation_rate", "antt", "throughput", "latency_p50", "latency_p95",
                                           "latency_p99", "mean_np", "worst_ntt")]
    seen, identical, diffs = set(), 0, []
    single = {}
    for r in rows:
        rate, slo, p, s = int(float(r["rate"])), r["slo"], r["scheduler"], int(r["seed"])
        slo = next(x for x in slos if float(x) == float(slo))
        seen.add((rate, slo, p, s))
        key = (s, rate, slo)
        if key not in single:
            single[key] = read_ours(os.path.join(run, "dysta-seed", f"seed{s}_rate{rate}_slo{slo}.csv"))
        o = single[key][p]
        bad = [m for m in metrics if not same(r[m], o[m])]
        identical += not bad
        diffs += [f"{p} seed {s} rate {rate} SLO {slo} {m}: {r[m]} vs {o[m]}" for m in bad]
    expected = {(rate, slo, OURS[p], s) for rate in rates for slo in slos for p in POLICIES for s in range(1, seeds + 1)}
    with open(os.path.join(run, "sweep", "summary.csv")) as f:
        cells = list(csv.DictReader(f))
    cell_same = 0
    worst = (0.0, None)
    for c in cells:
        rate, slo = int(float(c["rate"])), next(x for x in slos if float(x) == float(c["slo"]))
        o = read_ours(os.path.join(run, "dysta", f"rate{rate}_slo{slo}.csv"))[c["scheduler"]]
        cols = [m + sfx for m in metrics for sfx in ("", "_ci95")]
        cell_same += all(same(c[m], o[m]) for m in cols) and c["seeds"] == o["seeds"]
        for m in cols:
            if c[m] and o[m] and float(o[m]) != 0:
                d = abs(float(c[m]) - float(o[m])) / abs(float(o[m]))
                if d > worst[0]:
                    worst = (d, f"{c['scheduler']} rate {rate} SLO {slo} {m}: {c[m]} vs {o[m]}")
    out = ["## One `dysta sweep` process vs `dysta simulate`", "",
           f"- Per run (`sweep/runs.csv` against `dysta simulate --seeds N`, one seed at a time, all {len(metrics)} metric columns: "
           f"{', '.join(metrics)}): {identical} of {len(rows)} rows identical; "
           f"(rate, SLO, policy, seed) runs expected {len(expected)}, present {len(seen & expected)}, unexpected {len(seen - expected)}."]
    out += [f"  - differs: {d}" for d in diffs[:20]]
    out += [f"- Per cell (`sweep/summary.csv` mean and ci95 against the timed multi-seed `dysta simulate` CSVs): "
            f"{cell_same} of {len(cells)} cells identical in every column"
            + (f"; largest relative difference {worst[0]:.3g} ({worst[1]})." if worst[1] else ".")]
    out.append("")
    return out


def main():
    run = sys.argv[1]
    rates, slos, seeds, env = read_grid(run)
    art = read_artifact(run)
    out = [f"# Artifact vs dysta: {os.path.basename(os.path.abspath(run))}", "", "```", env.strip(), "```", ""]

    # Timing
    ta = read_time(os.path.join(run, "time-artifact.txt"))
    tds = [read_time(os.path.join(run, f)) for f in sorted(os.listdir(run)) if f.startswith("time-dysta-")]
    tss = [read_time(os.path.join(run, f)) for f in sorted(os.listdir(run)) if f.startswith("time-sweep-")]
    runs = len(rates) * len(slos) * seeds * len(POLICIES)
    out += ["## Time (one core, /usr/bin/time)", "",
            "| simulator | wall s | user s | peak RSS MB | simulations | ms / simulation |", "|---|---|---|---|---|---|",
            f"| artifact simulator.py | {ta['wall_s']:.2f} | {ta['user_s']:.2f} | {ta['maxrss_kb'] / 1024:.0f} | {runs} | {1000 * ta['wall_s'] / runs:.1f} |"]
    for label, ts in [(f"dysta sweep, 1 process, --threads 1", tss), (f"dysta simulate, {len(rates) * len(slos)} processes", tds)]:
        for i, t in enumerate(ts, 1):
            out.append(f"| {label}, rep {i} | {t['wall_s']:.2f} | {t['user_s']:.2f} | {t['maxrss_kb'] / 1024:.0f} | {runs} | {1000 * t['wall_s'] / runs:.2f} |")
    out.append("")
    for label, ts in [("one `dysta sweep` process on one thread", tss), (f"{len(rates) * len(slos)} `dysta simulate` processes", tds)]:
        if ts:
            med = statistics.median(t["wall_s"] for t in ts)
            out.append(f"- Wall-time ratio artifact / dysta as {label} (median of {len(ts)}): **{ta['wall_s'] / med:.0f}×**; "
                       f"peak-memory ratio: {ta['maxrss_kb'] / max(t['maxrss_kb'] for t in ts):.1f}×.")
    out.append("")
    if tss:
        out += sweep_vs_simulate(run, rates, slos, seeds)

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
