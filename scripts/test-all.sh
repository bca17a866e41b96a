#!/usr/bin/env bash
# The project's whole test suite, as the README's test command and CI (.ci/run) run it:
#   1. the Swift tests (swift test);
#   2. RTL lint (Verilator -Wall, Yosys parse) and the monitor's unit test;
#   3. the RTL co-simulation, short run (hw/verify.sh --short: Swift model, Python model and
#      the RTL agree on every decision of several configurations, under Verilator and under
#      Icarus Verilog with X inputs and X initial registers);
#   4. a synthesis smoke check of the RTL with Yosys (hw/synth/smoke.sh) and a place-and-route
#      smoke run (hw/pnr/pnr.sh --smoke: the smallest configuration, one seed, fails when its
#      fmax falls below the recorded median by more than the recorded seed spread; installs its
#      pinned PyPI tools into hw/pnr/.venv on first use);
#   5. the Python tests of the tools (pytest, in a project-local virtual environment .venv),
#      when there are any.
# Installs what is missing: verilator, yosys and iverilog from Debian's packages (apt-get update first),
# Python packages into .venv. The last line is "N passed, M failed" (steps); the exit status is
# non-zero when a step failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

passed=0
failed=0
failures=()
step() {
    local name="$1"
    shift
    echo "=== $name"
    local started=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "=== $name: ok ($((SECONDS - started)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== $name: FAILED ($((SECONDS - started)) s)"
    fi
}

install_debian() {
    local missing=()
    command -v verilator >/dev/null 2>&1 || missing+=(verilator)
    command -v yosys >/dev/null 2>&1 || missing+=(yosys)
    command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
    command -v make >/dev/null 2>&1 || missing+=(make)
    command -v g++ >/dev/null 2>&1 || missing+=(g++)
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing from Debian's packages: ${missing[*]}"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

python_tests() {
    local tests
    tests=$(find tools -name 'test_*.py' -not -path '*/.venv/*' -not -path '*/.cache/*' | sort)
    if [ -z "$tests" ]; then
        echo "no Python tests under tools/"
        return 0
    fi
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv || return 1
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check pytest numpy || return 1
    local requirements
    for requirements in $(find tools -name 'requirements-test.txt' | sort); do
        .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements" || return 1
    done
    # shellcheck disable=SC2086
    .venv/bin/python -m pytest -q $tests
}

step "install tools (verilator, yosys, iverilog)" install_debian
step "swift test" swift test
step "RTL lint (hw/lint.sh)" hw/lint.sh
step "monitor unit test (hw/tb/monitor_test.sh)" hw/tb/monitor_test.sh
step "co-simulation, short (hw/verify.sh --short)" env DYSTA=.build/debug/dysta hw/verify.sh --short
step "synthesis smoke check (hw/synth/smoke.sh)" hw/synth/smoke.sh
step "place-and-route smoke run (hw/pnr/pnr.sh --smoke)" hw/pnr/pnr.sh --smoke
step "python tests" python_tests

if [ "$failed" -gt 0 ]; then echo "failed steps: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
