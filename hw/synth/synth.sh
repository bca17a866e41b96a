#!/usr/bin/env bash
# Synthesis cost of dysta_scheduler_top (scheduler + 64-lane monitor) with Yosys, for
# depth 64 and 512 x w16 and w32 x parallel and shared units (score_rule dysta, gamma_rule
# mean, variant_bits 5, layer_bits 6: the presets of hw/presets.txt). Two runs per configuration:
#   xilinx:  synth_xilinx -family xc7 -top dysta_scheduler_top -flatten -noiopad
#            (out of context: no I/O buffers, as a block beside an accelerator)
#   generic: Yosys's default `synth` script with memories kept as $mem_v2 macros (the
#            script without its memory_map step: mapping the 2^(V+Lb)-entry tables to
#            flip-flops would make the gate count measure the tables, not the scheduler,
#            and take minutes); `cells` counts the gates, flip-flops and the 9 macros,
#            `mem_bits` the bits inside the macros.
# Writes hw/synth/results.csv (columns below) and logs to hw/build/synth/.
#   hw/synth/synth.sh [DEPTHS...]      default: 64 512
set -euo pipefail
HW="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../presets.sh
source "$HW/presets.sh"
OUT="$HW/build/synth"
CSV="$HW/synth/results.csv"
command -v yosys >/dev/null || { echo "synth: yosys not found on PATH (Debian: apt-get install yosys; tested with 0.23)" >&2; exit 127; }
mkdir -p "$OUT"
FILES=""
while IFS= read -r f; do [ -n "$f" ] && FILES+=" $HW/rtl/$f"; done <"$HW/rtl/files.f"

DEPTHS=("$@")
[ "${#DEPTHS[@]}" -gt 0 ] || DEPTHS=(64 512)

# sum of the counts of the named cells in a Yosys `stat` report
count() { # file cell...
    local file="$1"; shift
    awk -v names=" $* " '{ if (NF == 2 && index(names, " " $1 " ") > 0) s += $2 } END { print s + 0 }' "$file"
}

echo "depth,width,units,lut,ff,dsp,bram18,lutram,cells,cycles_per_decision_formula,cycles_full_queue,ramb18,ramb36,lutram_luts,srl,carry4,mem_bits,xilinx_seconds,generic_seconds" >"$CSV.tmp"
total0=$SECONDS
for depth in "${DEPTHS[@]}"; do
    case "$depth" in 16) D=4 ;; 64) D=6 ;; 512) D=9 ;; 1024) D=10 ;; *) echo "synth: depth $depth not supported" >&2; exit 2 ;; esac
    for width in w16 w32; do
        for units in parallel shared; do
            if [ "$units" = shared ]; then CPS=4; else CPS=1; fi
            name="d${depth}-${width}-${units}"
            CH="chparam $(preset_chparam "$width" depth_log2=$D units=$units) dysta_scheduler_top"
            t0=$SECONDS
            yosys -q -l "$OUT/$name.xilinx.log" -p "read_verilog -sv $FILES; $CH; synth_xilinx -family xc7 -top dysta_scheduler_top -flatten -noiopad; tee -q -o $OUT/$name.xilinx.stat stat" >/dev/null 2>&1 \
                || { echo "synth: yosys failed for $name, see ${OUT#"$HW"/}/$name.xilinx.log" >&2; exit 1; }
            tx=$((SECONDS - t0))
            t0=$SECONDS
            yosys -q -l "$OUT/$name.generic.log" -p "read_verilog -sv $FILES; $CH; hierarchy -check -top dysta_scheduler_top; proc; flatten; opt_clean; tee -q -o $OUT/$name.mem.stat stat; synth -flatten -top dysta_scheduler_top -run coarse:fine; opt -fast -full; techmap; opt -fast; abc -fast; opt -fast; tee -q -o $OUT/$name.generic.stat stat" >/dev/null 2>&1 \
                || { echo "synth: yosys failed for $name, see ${OUT#"$HW"/}/$name.generic.log" >&2; exit 1; }
            tg=$((SECONDS - t0))
            X="$OUT/$name.xilinx.stat"
            lut=$(count "$X" LUT1 LUT2 LUT3 LUT4 LUT5 LUT6)
            ff=$(count "$X" FDRE FDSE FDCE FDPE)
            dsp=$(count "$X" DSP48E1)
            r18=$(count "$X" RAMB18E1)
            r36=$(count "$X" RAMB36E1)
            lutram=$(count "$X" RAM32M RAM64M RAM32X1D RAM64X1D RAM128X1D RAM256X1D RAM32X1S RAM64X1S RAM128X1S RAM256X1S RAM512X1S)
            lutram_luts=$(( 4 * $(count "$X" RAM32M RAM64M RAM128X1D RAM256X1S) + 2 * $(count "$X" RAM32X1D RAM64X1D RAM128X1S) + $(count "$X" RAM32X1S RAM64X1S) + 8 * $(count "$X" RAM256X1D RAM512X1S) ))
            srl=$(count "$X" SRL16E SRLC32E)
            carry=$(count "$X" CARRY4)
            cells=$(awk '/Number of cells:/ { n = $4 } END { print n + 0 }' "$OUT/$name.generic.stat")
            membits=$(awk '/Number of memory bits:/ { n = $5 } END { print n + 0 }' "$OUT/$name.mem.stat")
            if [ "$CPS" = 1 ]; then formula="n+10"; else formula="${CPS}n+10"; fi
            full=$((CPS * (1 << D) + 10 + 8))
            echo "$depth,$width,$units,$lut,$ff,$dsp,$((r18 + 2 * r36)),$lutram,$cells,$formula,$full,$r18,$r36,$lutram_luts,$srl,$carry,$membits,$tx,$tg" >>"$CSV.tmp"
            echo "synth: $name  LUT $lut  FF $ff  DSP $dsp  BRAM18 $((r18 + 2 * r36))  LUTRAM $lutram  cells $cells  (xilinx ${tx} s, generic ${tg} s)"
        done
    done
done
mv "$CSV.tmp" "$CSV"
echo "synth: wrote ${CSV#"$HW"/} in $((SECONDS - total0)) s"
