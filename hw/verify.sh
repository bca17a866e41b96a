#!/usr/bin/env bash
# Co-simulation of the RTL against the Swift model, every offered configuration.
#
#   hw/verify.sh            the documented long run (>= 100 000 decisions; docs/hardware.md)
#   hw/verify.sh --short    the run inside the project's tests (a few configurations)
#
# For each configuration the Swift model (`dysta hw`) writes stimuli with its expected
# results: a random stress stream and simulated runs of both shipped workloads; the
# independent Python model (hw/tb/random_stimulus.py) writes one more random stream, which
# `dysta hw check` replays through the Swift model (two software models agree) before the
# RTL sees it. hw/cosim.sh then replays every file through the Verilator model of the RTL
# and again through the 4-state Icarus testbench (COSIM_SIM=icarus: X inputs, X registers).
# Needs the `dysta` binary: DYSTA (default: .build/release/dysta, else .build/debug/dysta).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HW="$ROOT/hw"
MODE="${1:-long}"
DYSTA="${DYSTA:-}"
if [ -z "$DYSTA" ]; then
    for candidate in "$ROOT/.build/release/dysta" "$ROOT/.build/debug/dysta"; do
        if [ -x "$candidate" ]; then DYSTA="$candidate"; break; fi
    done
fi
[ -x "${DYSTA:-}" ] || { echo "verify: no dysta binary (run 'swift build -c release' or set DYSTA)" >&2; exit 2; }
OUT="$HW/build/verify-$MODE"
rm -rf "$OUT"
mkdir -p "$OUT"

# name|dysta hw options|python options
configs=()
if [ "$MODE" = "--short" ]; then
    STRESS=600; ATTENTION=60; CNN=25; PYOPS=600
    configs+=("w32-d6-mean-dysta-parallel|--hw-preset w32 --hw-depth-log2 6 --hw-gamma-rule mean --hw-score-rule dysta --hw-units parallel|--preset w32 --depth-log2 6 --gamma-rule mean --score-rule dysta --units parallel")
    configs+=("w16-d4-last-paper-shared|--hw-preset w16 --hw-depth-log2 4 --hw-gamma-rule last --hw-score-rule paper --hw-units shared|--preset w16 --depth-log2 4 --gamma-rule last --score-rule paper --units shared")
    configs+=("w16-d6-mean-dysta-shared|--hw-preset w16 --hw-depth-log2 6 --hw-gamma-rule mean --hw-score-rule dysta --hw-units shared|--preset w16 --depth-log2 6 --gamma-rule mean --score-rule dysta --units shared")
else
    STRESS=3000; ATTENTION=300; CNN=120; PYOPS=3000
    for preset in w32 w16; do for gamma in mean last; do for score in dysta paper; do for units in parallel shared; do
        for depth in 6 $([ "$gamma$score$units" = "meandystaparallel" ] && echo 4 9) $([ "$gamma$score$units" = "lastpapershared" ] && echo 4 9); do
            configs+=("$preset-d$depth-$gamma-$score-$units|--hw-preset $preset --hw-depth-log2 $depth --hw-gamma-rule $gamma --hw-score-rule $score --hw-units $units|--preset $preset --depth-log2 $depth --gamma-rule $gamma --score-rule $score --units $units")
        done
    done; done; done; done
fi

files=()
seed=1
for entry in "${configs[@]}"; do
    IFS='|' read -r name swift python <<<"$entry"
    # shellcheck disable=SC2086
    "$DYSTA" hw stress $swift --seed "$seed" --decisions "$STRESS" --out "$OUT/$name-stress.txt"
    # shellcheck disable=SC2086
    "$DYSTA" hw export $swift --workload attention --load 1.0 --requests "$ATTENTION" --seed "$seed" --out "$OUT/$name-attention.txt" 2>/dev/null
    # shellcheck disable=SC2086
    "$DYSTA" hw export $swift --workload cnn --load 0.8 --requests "$CNN" --seed "$seed" --out "$OUT/$name-cnn.txt" 2>/dev/null
    # shellcheck disable=SC2086
    python3 "$HW/tb/random_stimulus.py" $python --layer-bits 6 --seed "$seed" --ops "$PYOPS" -o "$OUT/$name-python.txt"
    files+=("$OUT/$name-stress.txt" "$OUT/$name-attention.txt" "$OUT/$name-cnn.txt" "$OUT/$name-python.txt")
    seed=$((seed + 1))
done
echo "verify: ${#configs[@]} configurations, ${#files[@]} stimulus files in $OUT"
"$DYSTA" hw check "$OUT"/*-python.txt
"$HW/cosim.sh" "${files[@]}" | tee "$OUT/cosim.log"
echo "verify: the same files under Icarus Verilog (4-state)"
COSIM_SIM=icarus "$HW/cosim.sh" "${files[@]}" | tee "$OUT/cosim-icarus.log"
