"""hw/pnr/results.csv -> the Markdown table of docs/hardware.md ("Clock").

    python3 hw/pnr/table.py [hw/pnr/results.csv [BEFORE.csv]]

BEFORE (optional): the same flow on an earlier RTL; adds its median fmax as a column.
"""
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(path):
    with open(path, newline="") as f:
        return {(r["depth"], r["width"], r["units"]): r for r in csv.DictReader(f)}


def main(argv):
    now = rows(argv[1] if len(argv) > 1 else os.path.join(HERE, "results.csv"))
    before = rows(argv[2]) if len(argv) > 2 else {}
    head = "| depth | width | units | LUT4 | FF | DP16KD | MULT18X18D | fmax min / median / max (MHz) |"
    rule = "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |"
    if before:
        head += " before (median) |"
        rule += " ---: |"
    print(head + " critical path (median seed) |")
    print(rule + " --- |")
    for key, r in now.items():
        line = (f"| {r['depth']} | {r['width']} | {r['units']} | {r['lut4']} | {r['ff']} | {r['dp16kd']} | "
                f"{r['mult18x18d']} | {r['fmax_min_mhz']} / **{r['fmax_median_mhz']}** / {r['fmax_max_mhz']} |")
        if before:
            line += f" {before[key]['fmax_median_mhz'] if key in before else '–'} |"
        print(line + f" `{r['critical_path_median_seed']}` |")


if __name__ == "__main__":
    main(sys.argv)
