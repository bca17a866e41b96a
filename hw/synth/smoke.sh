#!/usr/bin/env bash
# Synthesis smoke test for CI (< 1 min): generic Yosys synthesis of dysta_scheduler_top at
# depth 16 (DEPTH_LOG2=4) with the w16 preset, parallel units. Memories are kept as $mem_v2
# macros (the default `synth` script without memory_map; see synth.sh). Fails if Yosys
# fails, if fewer than MIN_CELLS cells remain, if the 9 memories (7 tables, slot state,
# scores) were not all kept, or if the multipliers were optimised away.
set -euo pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIN_CELLS=2000
command -v yosys >/dev/null || { echo "smoke: yosys not found on PATH (Debian: apt-get install yosys)" >&2; exit 127; }
OUT="$HW/build/synth-smoke"
mkdir -p "$OUT"
FILES=""
while IFS= read -r f; do [ -n "$f" ] && FILES+=" $HW/rtl/$f"; done <"$HW/rtl/files.f"
t0=$SECONDS
# shellcheck source=../presets.sh
source "$HW/presets.sh"
yosys -q -l "$OUT/smoke.log" -p "read_verilog -sv $FILES; \
  chparam $(preset_chparam w16 depth_log2=4) dysta_scheduler_top; \
  synth -flatten -top dysta_scheduler_top -run :fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; \
  tee -q -o $OUT/smoke.stat stat; check -assert" >/dev/null 2>&1 || { echo "smoke: FAIL: yosys failed, see ${OUT#"$HW"/}/smoke.log"; echo "smoke: 0 passed, 1 failed"; exit 1; }
cells=$(awk '/Number of cells:/ { n = $4 } END { print n + 0 }' "$OUT/smoke.stat")
mems=$(awk '$1 == "$mem_v2" { n = $2 } END { print n + 0 }' "$OUT/smoke.stat")
xors=$(awk '$1 == "$_XOR_" || $1 == "$_XNOR_" { n += $2 } END { print n + 0 }' "$OUT/smoke.stat")
dffs=$(awk '$1 ~ /DFF/ { n += $2 } END { print n + 0 }' "$OUT/smoke.stat")
echo "smoke: depth 16 w16 parallel: $cells cells ($mems memories, $dffs flip-flops, $xors XOR/XNOR) in $((SECONDS - t0)) s"
fail=0
[ "$cells" -ge "$MIN_CELLS" ] || { echo "smoke: FAIL: only $cells cells (expected >= $MIN_CELLS): design optimised away?"; fail=1; }
[ "$mems" -eq 9 ] || { echo "smoke: FAIL: $mems memories kept (expected 9)"; fail=1; }
[ "$xors" -ge 1000 ] || { echo "smoke: FAIL: only $xors XOR/XNOR gates: multipliers optimised away?"; fail=1; }
[ "$dffs" -ge 200 ] || { echo "smoke: FAIL: only $dffs flip-flops"; fail=1; }
if [ "$fail" -eq 0 ]; then echo "smoke: 1 passed, 0 failed"; else echo "smoke: 0 passed, 1 failed"; fi
exit "$fail"
