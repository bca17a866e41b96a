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
#   5. the Python package on its wheel (scripts/test-python.sh): build it, install it into a fresh
#      virtual environment, run its API tests with the Swift toolchain hidden, then every Python
#      test (API, Python policies, Ctrl-C, Dask, the ONNX extractor) and the quick-start notebook.
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
    if ! command -v python3 >/dev/null 2>&1; then
        missing+=(python3 python3-venv)
    elif [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
        # Debian ships python3 without venv/ensurepip: `python3 -m venv` fails without python3-venv
        missing+=(python3-venv)
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "missing: ${missing[*]}; not root and no sudo: install them as root" \
                 "(apt-get install -y ${missing[*]}) and run again" >&2
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing: ${missing[*]}; no apt-get here: install them with the system's package manager" >&2
        return 1
    fi
    echo "installing from Debian's packages: ${missing[*]}"
    if ! { "${sudo[@]}" apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
        echo "apt-get could not install: ${missing[*]}" >&2
        return 1
    fi
}

step "install tools (verilator, yosys, iverilog)" install_debian
step "swift test" swift test
step "RTL lint (hw/lint.sh)" hw/lint.sh
step "monitor unit test (hw/tb/monitor_test.sh)" hw/tb/monitor_test.sh
step "co-simulation, short (hw/verify.sh --short)" env DYSTA=.build/debug/dysta hw/verify.sh --short
step "synthesis smoke check (hw/synth/smoke.sh)" hw/synth/smoke.sh
step "place-and-route smoke run (hw/pnr/pnr.sh --smoke)" hw/pnr/pnr.sh --smoke
step "python package: wheel, toolchain hidden, tests, notebook (scripts/test-python.sh)" scripts/test-python.sh

if [ "$failed" -gt 0 ]; then echo "failed steps: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
