#!/usr/bin/env python3
"""Scores candidate policies against the beyond-the-paper targets on a sweep's summary.csv.

Usage: targets.py SUMMARY.csv [SUMMARY.csv ...] [--points fig14,fig15]

For every (workload, load, slo) point of the Fig. 14 grid (attention loads 0.75, 1; cnn 0.6,
0.8; SLO 10…150) and the Fig. 15 arrival sweep (SLO 10; attention 0.25…1, cnn 0.4…1.2) found
in the summaries, and every scheduler that is not one of the 11 existing policies, counts
the points where: violation rate ≤ best existing mean + its CI half-width; ANTT ≤ 1.05 × the
best existing ANTT; where dysta violates > 2%, violation ≤ 0.8 × dysta's. Prints one line per
candidate (sorted by total points met) — used to choose lax-srpt's constants on seeds other
than the evaluation's (docs/semantics.md).
"""
import csv
import sys

EXISTING = ["fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3",
            "sdrm3-sparse", "dysta", "dysta-naive", "dysta-oracle"]
POINTS = set()
for load in (0.75, 1.0):
    for slo in (10, 25, 50, 75, 100, 150):
        POINTS.add(("attention", load, slo))
for load in (0.6, 0.8):
    for slo in (10, 25, 50, 75, 100, 150):
        POINTS.add(("cnn", load, slo))
for load in (0.25, 0.5, 0.75, 1.0):
    POINTS.add(("attention", load, 10))
for load in (0.4, 0.6, 0.8, 1.0, 1.2):
    POINTS.add(("cnn", load, 10))


def number(text):
    return float(text) if text != "" else float("nan")


def main(paths):
    cells = {}
    for path in paths:
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                point = (row["workload"], round(float(row["load"]), 6), round(float(row["slo"]), 6))
                cells.setdefault(point, {})[row["scheduler"]] = row
    points = sorted(p for p in cells if (p[0], p[1], p[2]) in POINTS)
    candidates = sorted({s for p in points for s in cells[p] if s not in EXISTING})
    lines = []
    for candidate in candidates:
        met = [0, 0, 0]
        total = [0, 0, 0]
        misses = []
        worst = 0.0
        for point in points:
            row = cells[point]
            if candidate not in row or any(e not in row for e in EXISTING):
                continue
            mine = row[candidate]
            best_violation = min((row[e] for e in EXISTING), key=lambda r: number(r["violation_rate"]))
            best_antt = min(number(row[e]["antt"]) for e in EXISTING)
            dysta = number(row["dysta"]["violation_rate"])
            violation = number(mine["violation_rate"])
            ok = [violation <= number(best_violation["violation_rate"]) + number(best_violation["violation_rate_ci95"]) + 1e-12,
                  number(mine["antt"]) <= 1.05 * best_antt]
            total[0] += 1
            total[1] += 1
            met[0] += ok[0]
            met[1] += ok[1]
            if dysta > 0.02:
                total[2] += 1
                ok.append(violation <= 0.8 * dysta)
                met[2] += ok[2]
            if not all(ok):
                misses.append("%s/%g/%g:%s" % (point[0][0], point[1], point[2], "".join("VAD"[i] for i, o in enumerate(ok) if not o)))
            if "worst_ntt" in mine:
                worst = max(worst, number(mine["worst_ntt"]))
        lines.append((sum(met), "%-60s viol %2d/%d antt %2d/%d dysta %d/%d worst-ntt %.0f  misses %s" % (
            candidate, met[0], total[0], met[1], total[1], met[2], total[2], worst, " ".join(misses))))
    for _, line in sorted(lines, key=lambda item: -item[0]):
        print(line)


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")])
