# Sourced by hw/synth/synth.sh and hw/pnr/pnr.sh: the presets of hw/presets.txt as Yosys
# `chparam` arguments.
#   preset_chparam PRESET [key=value...]   e.g. preset_chparam w16 depth_log2=9 units=shared
# prints "-set DEPTH_LOG2 9 -set SCORE_BITS 16 ..." (keys as in hw/presets.txt; the rules
# become GAMMA_MEAN, SCORE_PAPER and SHARED_UNITS).
preset_chparam() {
    local preset="$1"; shift
    local line
    line="$(awk -v p="$preset" '$1 == p { $1 = ""; print }' "$(dirname "${BASH_SOURCE[0]}")/presets.txt")"
    [ -n "$line" ] || { echo "unknown preset '$preset' (hw/presets.txt)" >&2; return 1; }
    declare -A val=()
    local item
    for item in $line "$@"; do val[${item%%=*}]="${item#*=}"; done
    local out="" key
    for key in depth_log2 score_bits score_frac gamma_bits gamma_frac time_bits variant_bits layer_bits; do
        out+="-set ${key^^} ${val[$key]} "
    done
    out+="-set GAMMA_MEAN $([ "${val[gamma_rule]}" = mean ] && echo 1 || echo 0) "
    out+="-set SCORE_PAPER $([ "${val[score_rule]}" = paper ] && echo 1 || echo 0) "
    out+="-set SHARED_UNITS $([ "${val[units]}" = shared ] && echo 1 || echo 0)"
    echo "$out"
}
