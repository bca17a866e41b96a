#!/usr/bin/env bash
# RTL regression without the Swift exporter: random stimulus from the independent Python
# model (random_stimulus.py) for every combination of {w32, w16} x gamma_rule x score_rule x
# units at depth_log2 6 (SEEDS seeds each), and at depth_log2 4 and 9 (one seed each),
# layer_bits 6; then hw/cosim.sh on all of them. Files go to hw/build/stim/.
#   hw/tb/regress.sh [--quick]     --quick: the two presets only, depth 6, parallel+shared
# Environment: SEEDS (default 2), OPS (random commands per file, default 1500).
set -euo pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$HW/build/stim"
SEEDS="${SEEDS:-2}"
OPS="${OPS:-1500}"
rm -rf "$OUT"
mkdir -p "$OUT"
files=()
gen() { # preset depth mean/last dysta/paper parallel/shared seed
    local f="$OUT/$1-d$2-$3-$4-$5-s$6.stim"
    python3 "$HW/tb/random_stimulus.py" --preset "$1" --depth-log2 "$2" --layer-bits 6 \
        --gamma-rule "$3" --score-rule "$4" --units "$5" --seed "$6" --ops "$OPS" -o "$f"
    files+=("$f")
}
if [ "${1:-}" = "--quick" ]; then
    for p in w32 w16; do for u in parallel shared; do gen "$p" 6 mean dysta "$u" 1; done; done
else
    for p in w32 w16; do
        for g in mean last; do for s in dysta paper; do for u in parallel shared; do
            for ((seed = 1; seed <= SEEDS; seed++)); do gen "$p" 6 "$g" "$s" "$u" "$seed"; done
            gen "$p" 4 "$g" "$s" "$u" 101
            gen "$p" 9 "$g" "$s" "$u" 201
        done; done; done
    done
fi
exec "$HW/cosim.sh" "${files[@]}"
