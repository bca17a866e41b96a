#!/usr/bin/env bash
# Lints the RTL with `verilator --lint-only -Wall` (every warning is an error) for the
# presets, every rule/unit combination and the extreme corners of the parameter ranges,
# then parses it with Yosys (`read_verilog -sv; hierarchy -check; proc`) for two configs.
set -euo pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v verilator >/dev/null || { echo "lint: verilator not found on PATH" >&2; exit 127; }
cd "$HW/rtl"
FILES=$(tr "\n" " " < files.f)
# D S F G Fg T V Lb
SHAPES=(
  "6 32 8 32 24 32 5 6"     # w32
  "6 16 0 16 12 32 5 6"     # w16
  "4 8 0 8 1 16 1 1"        # smallest
  "10 32 16 32 31 40 8 10"  # largest
  "9 8 7 32 1 40 8 1"
  "4 32 0 8 7 16 3 10"
)
fails=0; runs=0
for shape in "${SHAPES[@]}"; do
  read -r D S F G FG T V LB <<<"$shape"
  for mean in 0 1; do for paper in 0 1; do for shared in 0 1; do
    runs=$((runs+1))
    if ! out=$(verilator --lint-only -Wall --top-module dysta_scheduler_top \
        -GDEPTH_LOG2=$D -GSCORE_BITS=$S -GSCORE_FRAC=$F -GGAMMA_BITS=$G -GGAMMA_FRAC=$FG \
        -GTIME_BITS=$T -GVARIANT_BITS=$V -GLAYER_BITS=$LB -GGAMMA_MEAN=$mean \
        -GSCORE_PAPER=$paper -GSHARED_UNITS=$shared $FILES 2>&1); then
      echo "lint FAILED for D=$D S=$S F=$F G=$G Fg=$FG T=$T V=$V Lb=$LB mean=$mean paper=$paper shared=$shared"
      echo "$out" | head -6
      fails=$((fails+1))
    fi
  done; done; done
done
if command -v yosys >/dev/null; then
  for shared in 0 1; do
    runs=$((runs+1))
    if ! yosys -q -p "read_verilog -sv $FILES; chparam -set SHARED_UNITS $shared dysta_scheduler_top; hierarchy -check -top dysta_scheduler_top; proc" >/dev/null 2>&1; then
      echo "yosys parse FAILED (SHARED_UNITS=$shared)"; fails=$((fails+1))
    fi
  done
else
  echo "lint: yosys not found, skipped the Yosys parse"
fi
echo "lint: $runs configurations, $fails failed"
[ "$fails" -eq 0 ]
