#!/usr/bin/env bash
# The hardware checks that need no Swift: RTL lint (Verilator -Wall + Yosys parse), the monitor
# unit test, a quick co-simulation of random stimulus from the Python reference model
# (tb/regress.sh --quick: w32/w16 x parallel/shared at depth 64) and the synthesis smoke
# test. ~2-3 minutes on 2 cores. Installs nothing: needs verilator, yosys, make, g++,
# python3. The last line is `N passed, M failed` (counted in the four suites).
#   hw/test.sh [--full]    --full: tb/regress.sh without --quick (64 stimulus files, ~10 min)
set -u -o pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for tool in verilator yosys make g++ python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "hw/test.sh: $tool not found on PATH" >&2; exit 127; }
done
passed=0; failed=0
suite() { # name command...
    local name="$1"; shift
    echo "== $name"
    if "$@"; then passed=$((passed + 1)); else echo "== $name FAILED"; failed=$((failed + 1)); fi
}
suite lint "$HW/lint.sh"
suite monitor "$HW/tb/monitor_test.sh"
if [ "${1:-}" = "--full" ]; then suite cosim "$HW/tb/regress.sh"; else suite cosim "$HW/tb/regress.sh" --quick; fi
suite synth-smoke "$HW/synth/smoke.sh"
echo "hw: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
