"""One CSV row of hw/pnr/results.csv from one configuration's Yosys and nextpnr outputs.

    python3 hw/pnr/summarize.py DIR NAME SYNTH_SECONDS PNR_SECONDS SEED...

DIR holds synth.stat (Yosys `stat` after synth_ecp5) and report-SEED.json (nextpnr --report);
NAME is dDEPTH-WIDTH-UNITS. fmax is the achieved frequency of clk per seed; the critical path
is the worst path of the median seed: its first and last cell and its delay split into cell
delays (clock-to-output, logic) and routing.
"""
import json
import re
import statistics
import sys


def short(cell):
    """A placed cell's name without the top instance and the mapping suffixes Yosys adds."""
    cell = cell.removeprefix("u_sched.")
    return re.split(r"_TRELLIS_|_CCU2C|_MULT18X18D|_LUT4|\$", cell)[0]


def main(argv):
    d, name, tsyn, tpnr, seeds = argv[1], argv[2], argv[3], argv[4], argv[5:]
    cells = {}
    with open(f"{d}/synth.stat") as f:
        for line in f:
            m = re.match(r"\s+(\d+)\s+(\S+)\s*$", line)
            if m:
                cells[m.group(2)] = cells.get(m.group(2), 0) + int(m.group(1))
    runs = []
    for s in seeds:
        with open(f"{d}/report-{s}.json") as f:
            r = json.load(f)
        fmax = min(v["achieved"] for v in r["fmax"].values())
        path = r["critical_paths"][0]["path"] if r.get("critical_paths") else []
        src = short(path[0]["from"]["cell"]) if path else ""
        dst = short(path[-1]["to"]["cell"]) if path else ""
        cell = sum(p["delay"] for p in path if p["type"] != "routing")
        route = sum(p["delay"] for p in path if p["type"] == "routing")
        runs.append((fmax, f"{src} -> {dst} ({cell:.1f} ns cells + {route:.1f} ns routing)"))
    runs.sort()
    fm = [f for f, _ in runs]
    depth, width, units = name.split("-")
    row = [depth[1:], width, units, cells.get("LUT4", 0), cells.get("TRELLIS_FF", 0), cells.get("DP16KD", 0),
           cells.get("MULT18X18D", 0), cells.get("CCU2C", 0), " ".join(seeds),
           f"{min(fm):.1f}", f"{statistics.median(fm):.1f}", f"{max(fm):.1f}",
           '"' + runs[len(runs) // 2][1].replace('"', "'") + '"', tsyn, tpnr]
    print(",".join(str(x) for x in row))


if __name__ == "__main__":
    main(sys.argv)
