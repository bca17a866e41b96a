#!/usr/bin/env python3
"""Turns hw/synth/results.csv (written by hw/synth/synth.sh) into
docs/hardware/synthesis.md (tables) and docs/hardware/fig16-resources.svg (grouped bars per
resource, one bar per configuration, normalised to the depth-512 w32 parallel design, as the
paper's Fig. 16 normalises to its non-shared FP32 design). Pure Python, no plotting library.

    hw/synth/report.py [--csv FILE] [--out-dir DIR]
"""

import argparse
import csv
import os
import sys
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

RESOURCES = [("lut", "LUT"), ("ff", "FF"), ("dsp", "DSP"), ("bram18", "BRAM (18 Kb)")]
REFERENCE = ("512", "w32", "parallel")
# one colour per configuration: depth 64 light, depth 512 dark; w16 blue-green, w32 orange;
# shared units hatched
COLOURS = {
    ("64", "w16"): "#9ecae1", ("64", "w32"): "#fdae6b",
    ("512", "w16"): "#3182bd", ("512", "w32"): "#e6550d",
}


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"report: {path} has no rows")
    return rows


def key(row):
    return (row["depth"], row["width"], row["units"])


def label(row):
    return f"depth {row['depth']}, {row['width']}, {row['units']}"


def fmt_ratio(x):
    return f"{x:.2f}"


def svg_figure(rows):
    ref = next((r for r in rows if key(r) == REFERENCE), None)
    if ref is None:
        sys.exit("report: results.csv lacks the depth-512 w32 parallel reference design")
    order = sorted(rows, key=lambda r: (int(r["depth"]), r["width"], r["units"] != "parallel"))
    W, H = 980, 560
    left, right, top, bottom = 80, 250, 70, 80
    pw, ph = W - left - right, H - top - bottom
    ratios = {}
    for res, _ in RESOURCES:
        base = float(ref[res])
        for r in order:
            v = float(r[res])
            ratios[(res, key(r))] = (v / base) if base > 0 else 0.0
    vmax = max(ratios.values())
    step = 0.25 if vmax <= 1.5 else 0.5
    ymax = step * (int(vmax / step) + 1)
    y = lambda v: top + ph - v / ymax * ph

    out = []
    out.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
               'font-family="Helvetica, Arial, sans-serif">')
    out.append('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#222" '
               'stroke-width="1.6" stroke-opacity="0.55"/></pattern></defs>')
    out.append(f'<rect x="0" y="0" width="{W}" height="{H}" fill="white"/>')
    out.append(f'<text x="{left + pw / 2}" y="30" font-size="19" text-anchor="middle" font-weight="bold">'
               'Dysta scheduler + monitor on Xilinx 7-series (Yosys synth_xilinx)</text>')
    out.append(f'<text x="{left + pw / 2}" y="52" font-size="13" text-anchor="middle" fill="#444">'
               'resources normalised to the depth-512 w32 parallel design (= 1.0); '
               'score rule dysta, gamma rule mean</text>')
    # grid and y axis
    v = 0.0
    while v <= ymax + 1e-9:
        yy = y(v)
        is_one = abs(v - 1.0) < 1e-9
        stroke = "#999" if is_one else "#e3e3e3"
        dash = ' stroke-dasharray="6,4"' if is_one else ""
        out.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{left + pw}" y2="{yy:.1f}" '
                   f'stroke="{stroke}" stroke-width="1"{dash}/>')
        out.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" font-size="12" text-anchor="end">{v:.2f}</text>')
        v += step
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#333"/>')
    out.append(f'<text x="22" y="{top + ph / 2}" font-size="14" text-anchor="middle" '
               f'transform="rotate(-90 22 {top + ph / 2})">normalised resource usage</text>')
    out.append(f'<text x="{left + pw / 2}" y="{H - 22}" font-size="14" text-anchor="middle">resource</text>')
    # bars
    groups = len(RESOURCES)
    gw = pw / groups
    n = len(order)
    bw = gw * 0.8 / n
    for gi, (res, name) in enumerate(RESOURCES):
        gx = left + gi * gw + gw * 0.1
        for bi, r in enumerate(order):
            val = ratios[(res, key(r))]
            x = gx + bi * bw
            yy = y(val)
            colour = COLOURS.get((r["depth"], r["width"]), "#999")
            hgt = top + ph - yy
            title = f"{label(r)}: {name} {r[res]} ({fmt_ratio(val)}x)"
            out.append(f'<g><title>{escape(title)}</title>'
                       f'<rect x="{x:.1f}" y="{yy:.1f}" width="{bw - 2:.1f}" height="{hgt:.1f}" '
                       f'fill="{colour}" stroke="#333" stroke-width="0.6"/>')
            if r["units"] == "shared":
                out.append(f'<rect x="{x:.1f}" y="{yy:.1f}" width="{bw - 2:.1f}" height="{hgt:.1f}" '
                           'fill="url(#hatch)" stroke="none"/>')
            out.append('</g>')
            tx, ty = x + (bw - 2) / 2 + 3.5, yy - 4
            out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="10" '
                       f'transform="rotate(-90 {tx:.1f} {ty:.1f})">{fmt_ratio(val)}</text>')
        out.append(f'<text x="{left + gi * gw + gw / 2:.1f}" y="{top + ph + 22}" font-size="14" '
                   f'text-anchor="middle" font-weight="bold">{escape(name)}</text>')
        absref = ref[res]
        out.append(f'<text x="{left + gi * gw + gw / 2:.1f}" y="{top + ph + 40}" font-size="11" '
                   f'text-anchor="middle" fill="#555">1.0 = {absref}</text>')
    # legend
    lx, ly = left + pw + 20, top + 10
    out.append(f'<text x="{lx}" y="{ly}" font-size="13" font-weight="bold">configuration</text>')
    for i, r in enumerate(order):
        yy = ly + 16 + i * 24
        colour = COLOURS.get((r["depth"], r["width"]), "#999")
        out.append(f'<rect x="{lx}" y="{yy}" width="18" height="14" fill="{colour}" stroke="#333" stroke-width="0.6"/>')
        if r["units"] == "shared":
            out.append(f'<rect x="{lx}" y="{yy}" width="18" height="14" fill="url(#hatch)"/>')
        out.append(f'<text x="{lx + 26}" y="{yy + 12}" font-size="12">{escape(label(r))}</text>')
    out.append(f'<text x="{lx}" y="{ly + 16 + n * 24 + 12}" font-size="11" fill="#555">hatched: shared units</text>')
    out.append(f'<text x="{lx}" y="{ly + 16 + n * 24 + 28}" font-size="11" fill="#555">(one multiplier)</text>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def markdown(rows, csv_rel):
    order = sorted(rows, key=lambda r: (int(r["depth"]), r["width"], r["units"] != "parallel"))
    ref = next(r for r in rows if key(r) == REFERENCE)
    L = []
    L.append("# Synthesis cost of the scheduler hardware")
    L.append("")
    L.append("Generated by `hw/synth/report.py` from `" + csv_rel + "` (written by `hw/synth/synth.sh`);")
    L.append("do not edit by hand. Regenerate with `hw/synth/synth.sh && hw/synth/report.py`.")
    L.append("")
    L.append("Design: `dysta_scheduler_top` (scheduler of [../hardware.md](../hardware.md) plus the")
    L.append("64-lane non-zero monitor), score rule `dysta`, γ rule `mean`, `time_bits` 32, `variant_bits` 5,")
    L.append("`layer_bits` 6; w32 = scores 32/8, γ 32/24; w16 = scores 16/0, γ 16/12. Tools: Yosys 0.23.")
    L.append("")
    L.append("- **Xilinx 7-series**: `synth_xilinx -family xc7 -flatten -noiopad` (out of context, no I/O")
    L.append("  buffers). LUT = LUT1–LUT6 (logic only); FF = FDRE/FDSE/FDCE/FDPE; DSP = DSP48E1;")
    L.append("  BRAM = RAMB18E1 + 2 × RAMB36E1 (in 18 Kb blocks); LUTRAM = distributed-RAM primitives")
    L.append("  (RAM32M/RAM64M/RAM*X1*), each 1–4 LUTs (`lutram_luts` in the CSV), not included in LUT.")
    L.append("- **Generic**: Yosys's default `synth` script without its `memory_map` step, so the nine")
    L.append("  memories (seven tables, slot state, scores) stay macros (`$mem_v2`, one cell each; their")
    L.append("  bits are `mem_bits`); cells = gates + flip-flops + those macros. With `memory_map` the")
    L.append("  2^11-entry tables would become ~10^5 flip-flops and dominate the count.")
    L.append("- **Cycles**: DECIDE takes cps·n + 10 cycles (cps = 1 parallel, 4 shared with the dysta")
    L.append("  rule); *full queue* = one DECIDE at n = depth plus one LAYER_DONE (8).")
    L.append("")
    L.append("| depth | width | units | LUT | FF | DSP | BRAM18 | LUTRAM | generic cells | memory bits | cycles / decision | cycles at full queue |")
    L.append("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for r in order:
        L.append(f"| {r['depth']} | {r['width']} | {r['units']} | {r['lut']} | {r['ff']} | {r['dsp']} | "
                 f"{r['bram18']} | {r['lutram']} | {r['cells']} | {r['mem_bits']} | "
                 f"{r['cycles_per_decision_formula']} | {r['cycles_full_queue']} |")
    L.append("")
    L.append("Normalised to the depth-512 w32 parallel design (the reference of the figure):")
    L.append("")
    L.append("| depth | width | units | " + " | ".join(n for _, n in RESOURCES) + " |")
    L.append("| ---: | --- | --- | " + " | ".join("---:" for _ in RESOURCES) + " |")
    for r in order:
        cells = []
        for res, _ in RESOURCES:
            base = float(ref[res])
            cells.append(fmt_ratio(float(r[res]) / base) if base > 0 else "–")
        L.append(f"| {r['depth']} | {r['width']} | {r['units']} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("![Resources normalised to the depth-512 w32 parallel design](fig16-resources.svg)")
    L.append("")
    L.extend(observations(rows))
    L.append("Synthesis time on this project's 2-core machine (seconds, Xilinx / generic):")
    L.append("")
    L.append("| depth | width | units | synth_xilinx (s) | generic (s) |")
    L.append("| ---: | --- | --- | ---: | ---: |")
    for r in order:
        L.append(f"| {r['depth']} | {r['width']} | {r['units']} | {r['xilinx_seconds']} | {r['generic_seconds']} |")
    L.append("")
    L.append("## Next to an accelerator")
    L.append("")
    L.append("TODO: the accelerator rows need a published, cited resource figure (Eyeriss-V2: logic")
    L.append("gate count in NAND2 equivalents and on-chip SRAM from its implementation table, Chen et al.,")
    L.append("IEEE JETCAS 2019 / arXiv:1807.07928; or Sanger's area or FPGA resources, Lu et al., MICRO")
    L.append("2021). The search available when this page was made did not return those tables, so no")
    L.append("number is given here. For the comparison, convert the generic cell count to NAND2")
    L.append("equivalents (or synthesise with a standard-cell library) and compare `mem_bits` with the")
    L.append("accelerator's SRAM.")
    L.append("")
    L.append("| design | logic | on-chip memory | source |")
    L.append("| --- | ---: | ---: | --- |")
    d512 = ref
    L.append(f"| Dysta scheduler, depth 512, w32, parallel | {d512['cells']} generic cells | "
             f"{int(d512['mem_bits']) / 8192:.1f} KiB | this page |")
    L.append("| Eyeriss-V2 | TODO | TODO | TODO (cite) |")
    L.append("")
    return "\n".join(L) + "\n"


def observations(rows):
    """A few sentences computed from the numbers (so they stay true when the CSV changes)."""
    by = {key(r): r for r in rows}
    L = ["Reading the numbers:", ""]
    for width in ("w16", "w32"):
        for depth in ("64", "512"):
            p, s = by.get((depth, width, "parallel")), by.get((depth, width, "shared"))
            if not p or not s:
                continue
            L.append(f"- depth {depth}, {width}: sharing the multiplier takes DSP48E1 from {p['dsp']} to "
                     f"{s['dsp']} and the generic cell count from {p['cells']} to {s['cells']} "
                     f"({float(s['cells']) / float(p['cells']):.2f}x); LUT change by "
                     f"{int(s['lut']) - int(p['lut']):+d} (the operand multiplexers) and FF by "
                     f"{int(s['ff']) - int(p['ff']):+d}; a decision takes "
                     f"{s['cycles_per_decision_formula']} instead of {p['cycles_per_decision_formula']} cycles.")
    for width in ("w16", "w32"):
        for units in ("parallel", "shared"):
            a, b = by.get(("64", width, units)), by.get(("512", width, units))
            if not a or not b:
                continue
            L.append(f"- {width} {units}, depth 64 -> 512: BRAM18 {a['bram18']} -> {b['bram18']}, LUTRAM "
                     f"{a['lutram']} -> {b['lutram']}, memory bits {a['mem_bits']} -> {b['mem_bits']}, LUT "
                     f"{a['lut']} -> {b['lut']}, FF {a['ff']} -> {b['ff']}.")
    L.append("- The slot storage moves from LUTRAM (depth 64) to block RAM (depth 512); the LUTRAM's")
    L.append("  registered read ports then become fabric flip-flops, which is why depth 64 can need more")
    L.append("  FF than depth 512. The 2^(V+Lb)-entry tables (rem, mant, shift) need the same block RAM")
    L.append("  at every depth; logic barely depends on the depth (only counters and addresses widen).")
    L.append("")
    return L


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", default=os.path.join(HERE, "results.csv"))
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "docs", "hardware"))
    a = ap.parse_args()
    rows = load(a.csv)
    os.makedirs(a.out_dir, exist_ok=True)
    csv_rel = os.path.relpath(os.path.abspath(a.csv), ROOT)
    with open(os.path.join(a.out_dir, "synthesis.md"), "w", encoding="utf-8") as f:
        f.write(markdown(rows, csv_rel))
    with open(os.path.join(a.out_dir, "fig16-resources.svg"), "w", encoding="utf-8") as f:
        f.write(svg_figure(rows))
    print(f"report: wrote {os.path.relpath(os.path.join(a.out_dir, 'synthesis.md'), ROOT)} and fig16-resources.svg")


if __name__ == "__main__":
    main()
