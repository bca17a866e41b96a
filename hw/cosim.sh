#!/usr/bin/env bash
# Co-simulation: replays Dysta hardware stimulus files (docs/hardware.md, "Stimulus file")
# through the RTL with Verilator and checks every expected value.
#
#   hw/cosim.sh FILE...
#
# For each file: reads its `config` line, builds (or reuses) one Verilator model for that
# configuration in hw/build/<config-hash>/ (rebuilt when the RTL, the testbench or this
# script change), runs it and reports PASS/FAIL. The last line is `N passed, M failed`
# (counted in stimulus files); the exit status is 0 only if every file passed.
# Works from any directory. Installs nothing: needs verilator (5.006 tested), make and a
# C++ compiler on PATH. Environment: COSIM_JOBS (parallel compile jobs, default 2).
#
#   COSIM_SIM=icarus hw/cosim.sh FILE...
#
# replays the files through the 4-state testbench hw/tb/tb_icarus.v under Icarus Verilog
# instead (iverilog 11 tested; built in hw/build/icarus-<config-hash>/): registers start at
# X and unused inputs are driven to X, so a missing reset or an X on an output fails.
set -u -o pipefail

HW="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SELF="$HW/$(basename "${BASH_SOURCE[0]}")"
JOBS="${COSIM_JOBS:-2}"
SIM="${COSIM_SIM:-verilator}"

if [ "$SIM" = icarus ]; then
    for tool in iverilog vvp; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "cosim: $tool not found on PATH (Debian/Ubuntu: apt-get install iverilog; tested with 11)" >&2
            exit 127
        fi
    done
elif [ "$SIM" != verilator ]; then
    echo "cosim: COSIM_SIM=$SIM: expected verilator or icarus" >&2
    exit 2
elif ! command -v verilator >/dev/null 2>&1; then
    echo "cosim: verilator not found on PATH (Debian/Ubuntu: apt-get install verilator; tested with 5.006)" >&2
    exit 127
fi
for tool in make g++; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "cosim: $tool not found on PATH (needed to compile the Verilator model)" >&2
        exit 127
    fi
done
if [ "$#" -eq 0 ]; then
    echo "usage: $0 STIMULUS_FILE..." >&2
    exit 2
fi

KEYS="depth_log2 score_bits score_frac gamma_bits gamma_frac time_bits variant_bits layer_bits gamma_rule score_rule units"
RTL_FILES=()
while IFS= read -r f; do
    [ -n "$f" ] && RTL_FILES+=("$HW/rtl/$f")
done <"$HW/rtl/files.f"
if [ "$SIM" = icarus ]; then
    SRC_HASH="$( { iverilog -V 2>&1 | head -1; cat "$HW/rtl/files.f" "${RTL_FILES[@]}" "$HW/tb/tb_icarus.v" "$SELF"; } | sha1sum | cut -c1-40)"
else
    SRC_HASH="$( { verilator --version; cat "$HW/rtl/files.f" "${RTL_FILES[@]}" "$HW/tb/tb.cpp" "$SELF"; } | sha1sum | cut -c1-40)"
fi

# config_params FILE -> prints "KEY -Gparams -Ddefines" or an error line (returns 1)
config_params() {
    local file="$1" first second
    first="$(sed -n '1p' "$file")"
    second="$(sed -n '2p' "$file")"
    if [ "$first" != "dysta-hw-stimulus 1" ]; then
        echo "$file:1: first line must be 'dysta-hw-stimulus 1'"
        return 1
    fi
    case "$second" in
        "config "*) ;;
        *) echo "$file:2: expected the 'config ...' line"; return 1 ;;
    esac
    declare -A val=()
    local item name value
    for item in ${second#config }; do
        name="${item%%=*}"
        value="${item#*=}"
        if [ "$name" = "$item" ]; then echo "$file:2: config item '$item' is not name=value"; return 1; fi
        case " $KEYS " in
            *" $name "*) ;;
            *) echo "$file:2: unknown config key '$name'"; return 1 ;;
        esac
        if [ -n "${val[$name]+x}" ]; then echo "$file:2: config key '$name' given twice"; return 1; fi
        val[$name]="$value"
    done
    local k
    for k in $KEYS; do
        if [ -z "${val[$k]+x}" ]; then echo "$file:2: config lacks $k"; return 1; fi
    done
    # numeric ranges (docs/hardware.md, "Parameters")
    check_range() { # name lo hi
        local v="${val[$1]}"
        if ! [[ "$v" =~ ^[0-9]{1,4}$ ]] || [ "$((10#$v))" -lt "$2" ] || [ "$((10#$v))" -gt "$3" ]; then
            echo "$file:2: $1=$v outside $2-$3"
            return 1
        fi
    }
    check_range depth_log2 4 10 || return 1
    check_range score_bits 8 32 || return 1
    check_range score_frac 0 16 || return 1
    check_range gamma_bits 8 32 || return 1
    check_range gamma_frac 1 31 || return 1
    check_range time_bits 16 40 || return 1
    check_range variant_bits 1 8 || return 1
    check_range layer_bits 1 10 || return 1
    local S=$((10#${val[score_bits]})) F=$((10#${val[score_frac]})) G=$((10#${val[gamma_bits]})) FG=$((10#${val[gamma_frac]}))
    if [ "$F" -ge "$S" ]; then echo "$file:2: score_frac must be below score_bits"; return 1; fi
    if [ "$FG" -ge "$G" ]; then echo "$file:2: gamma_frac must be below gamma_bits"; return 1; fi
    local mean paper shared
    case "${val[gamma_rule]}" in mean) mean=1 ;; last) mean=0 ;; *) echo "$file:2: gamma_rule=${val[gamma_rule]}: expected mean or last"; return 1 ;; esac
    case "${val[score_rule]}" in paper) paper=1 ;; dysta) paper=0 ;; *) echo "$file:2: score_rule=${val[score_rule]}: expected dysta or paper"; return 1 ;; esac
    case "${val[units]}" in shared) shared=1 ;; parallel) shared=0 ;; *) echo "$file:2: units=${val[units]}: expected parallel or shared"; return 1 ;; esac
    local nums=(
        DEPTH_LOG2 "$((10#${val[depth_log2]}))" SCORE_BITS "$S" SCORE_FRAC "$F" GAMMA_BITS "$G"
        GAMMA_FRAC "$FG" TIME_BITS "$((10#${val[time_bits]}))" VARIANT_BITS "$((10#${val[variant_bits]}))"
        LAYER_BITS "$((10#${val[layer_bits]}))" GAMMA_MEAN "$mean" SCORE_PAPER "$paper" SHARED_UNITS "$shared"
    )
    local canon="" i
    for ((i = 0; i < ${#nums[@]}; i += 2)); do
        canon+="${nums[i]}=${nums[i+1]} "
    done
    local key
    key="$(printf '%s' "$canon" | sha1sum | cut -c1-16)"
    echo "$key $canon"
}

# current DIR FILE -> true when DIR/FILE was built from the current sources
current() { [ -f "$1/$2" ] && [ -f "$1/stamp" ] && [ "$(cat "$1/stamp")" = "$SRC_HASH" ]; }

# build_failed DIR -> reports a failed build (its log's tail), returns 1
build_failed() {
    echo "cosim: build FAILED, see ${1#"$HW"/}/build.log:" >&2
    tail -20 "$1/build.log" >&2
    return 1
}

# build_icarus KEY CANON... -> ensures $HW/build/icarus-KEY/tb.vvp is current
build_icarus() {
    local key="$1"; shift
    local dir="$HW/build/icarus-$key"
    current "$dir" tb.vvp && return 0
    mkdir -p "$dir"
    local pparams=() kv
    for kv in "$@"; do pparams+=("-Ptb.$kv"); done
    iverilog -g2012 -Wall -Wno-timescale -o "$dir/tb.vvp.$$" -s tb "${pparams[@]}" \
        "${RTL_FILES[@]}" "$HW/tb/tb_icarus.v" >"$dir/build.log" 2>&1 || build_failed "$dir" || return 1
    mv -f "$dir/tb.vvp.$$" "$dir/tb.vvp"
    printf '%s\n' "$SRC_HASH" >"$dir/stamp"
}

# build KEY CANON... -> ensures $HW/build/KEY/Vtb is current
build_model() {
    local key="$1"; shift
    local dir="$HW/build/$key"
    current "$dir" Vtb && return 0
    mkdir -p "$dir"
    local gparams=() cflags="" kv
    for kv in "$@"; do
        gparams+=("-G$kv")
        cflags+=" -DCFG_$kv"
    done
    local obj="$dir/obj.$$"
    rm -rf "$obj"
    echo "cosim: building the model for $* in ${dir#"$HW"/}/ ..." >&2
    local t0=$SECONDS
    if ! verilator --cc --exe --build -j "$JOBS" -O3 -Wno-fatal \
            --top-module dysta_scheduler_top "${gparams[@]}" \
            -CFLAGS "-O1 $cflags" -Mdir "$obj" -o Vtb \
            "${RTL_FILES[@]}" "$HW/tb/tb.cpp" >"$dir/build.log" 2>&1; then
        rm -rf "$obj"
        build_failed "$dir"
        return 1
    fi
    mv -f "$obj/Vtb" "$dir/Vtb.$$" && mv -f "$dir/Vtb.$$" "$dir/Vtb"
    rm -rf "$obj"
    printf '%s\n' "$*" >"$dir/config"
    printf '%s\n' "$SRC_HASH" >"$dir/stamp"
    echo "cosim: built in $((SECONDS - t0)) s" >&2
}

passed=0
failed=0
for file in "$@"; do
    if [ ! -r "$file" ] || [ -d "$file" ]; then
        echo "FAIL $file: cannot read the file"
        failed=$((failed + 1))
        continue
    fi
    if ! info="$(config_params "$file")"; then
        echo "$info" >&2
        echo "FAIL $file: malformed stimulus"
        failed=$((failed + 1))
        continue
    fi
    read -r key canon <<<"$info"
    if [ "$SIM" = icarus ]; then
        # shellcheck disable=SC2086
        if ! build_icarus "$key" $canon; then
            echo "FAIL $file: the testbench did not build"
            failed=$((failed + 1))
            continue
        fi
        out="$(vvp -n "$HW/build/icarus-$key/tb.vvp" "+stim=$file" 2>&1)"
        rc=$?
        printf '%s\n' "$out" | grep -v '^VCD info' | grep -v '^\S*: \$finish called'
        # the verdict is the summary line (vvp's exit status after $fatal is not portable)
        if [ "$rc" -eq 0 ] && ! printf '%s\n' "$out" | grep -q '^cosim: .* 0 mismatches$'; then rc=1; fi
    else
        # shellcheck disable=SC2086
        if ! build_model "$key" $canon; then
            echo "FAIL $file: the model did not build"
            failed=$((failed + 1))
            continue
        fi
        "$HW/build/$key/Vtb" "$file"
        rc=$?
    fi
    if [ "$rc" -eq 0 ]; then
        echo "PASS $file"
        passed=$((passed + 1))
    else
        echo "FAIL $file (exit $rc)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
