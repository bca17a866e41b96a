#!/usr/bin/env bash
# Unit test of dysta_monitor (popcount, clear, saturation) for three shapes, including the
# real one (64 lanes, 32-bit counter, driven into saturation: ~67 M cycles, a few seconds).
# Builds into hw/build/monitor-*/. Prints `N passed, M failed`.
set -u -o pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v verilator >/dev/null 2>&1 || { echo "monitor_test: verilator not found on PATH" >&2; exit 127; }
passed=0; failed=0
for shape in "8 10" "5 12" "64 32"; do
    read -r lanes bits <<<"$shape"
    dir="$HW/build/monitor-$lanes-$bits"
    mkdir -p "$dir"
    if ! verilator --cc --exe --build -j "${COSIM_JOBS:-2}" -O3 --top-module dysta_monitor \
            -GLANES="$lanes" -GCOUNT_BITS="$bits" -CFLAGS "-O1 -DTB_LANES=$lanes -DTB_COUNT_BITS=$bits" \
            -Mdir "$dir/obj" -o Vmon "$HW/rtl/dysta_sat.v" "$HW/rtl/dysta_zext.v" "$HW/rtl/dysta_monitor.v" \
            "$HW/tb/monitor_tb.cpp" >"$dir/build.log" 2>&1; then
        echo "FAIL monitor LANES=$lanes COUNT_BITS=$bits: build failed, see ${dir#"$HW"/}/build.log"
        failed=$((failed + 1)); continue
    fi
    if "$dir/obj/Vmon"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
