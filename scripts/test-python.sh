#!/usr/bin/env bash
# The Python package's tests, run on the built wheel (what users install), not on the sources:
#   1. build the wheel (scripts/build-wheel.sh);
#   2. no file of the installed wheel names the toolchain's folder (readelf -d: RUNPATH/RPATH);
#   3. install it into a fresh virtual environment and, with the Swift toolchain's folder hidden
#      under an empty tmpfs (a mount namespace, unshare -m), resolve every library (ldd) and run
#      the API and the Python-policy tests;
#   4. the whole pytest suite on the installed wheel (with its `extract` extra at the pins of
#      tools/onnx-extract/requirements.txt), comparing with the built `dysta` command
#      (DYSTA_CLI, default .build/debug/dysta), Dask and the ONNX extractor included;
#   5. the notebook Examples/notebooks/quickstart.ipynb, top to bottom (nbclient).
# Called by scripts/test-all.sh; prints pytest's closing lines.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scripts/build-wheel.sh
wheel=$(ls dist/dysta-*.whl)
toolchain_dir=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
toolchain_root=$(dirname "$toolchain_dir")   # e.g. /opt/swift

environment=$(mktemp -d "${TMPDIR:-/tmp}/dysta-wheel-XXXXXX")
trap 'rm -rf "$environment"' EXIT
python3 -m venv "$environment/venv"
py="$environment/venv/bin/python"
# The extractor's libraries at the pins the shipped traces were made with (constraints).
"$py" -m pip install -q --disable-pip-version-check -c tools/onnx-extract/requirements.txt \
    "$wheel[extract]" -r python/requirements-test.txt
installed=$("$py" -c 'import dysta, pathlib; print(pathlib.Path(dysta.__file__).parent)')
echo "installed: $installed (from $(basename "$wheel"))"

# 2. Run paths: only $ORIGIN, never the toolchain.
for library in "$installed"/_lib/*.so*; do
    if readelf -d "$library" | grep -E 'RUNPATH|RPATH' | grep -v '\[\$ORIGIN\]'; then
        echo "FAIL: $library has a run path other than \$ORIGIN" >&2
        exit 1
    fi
done
echo "run paths: every library of the wheel searches only its own folder"

# 3. The toolchain hidden.
unshare -m bash -euo pipefail -c '
    mount -t tmpfs none "$1"
    [ -z "$(ls -A "$1")" ]
    ! command -v swift >/dev/null 2>&1 || ! swift --version >/dev/null 2>&1
    if ldd "$2/_lib/libDystaFFI.so" | grep -E "not found|$1"; then echo "FAIL: unresolved or toolchain library" >&2; exit 1; fi
    echo "toolchain hidden ($1 is an empty tmpfs): every library resolves"
    cd "$4"
    DYSTA_NO_CLI=1 "$3" -m pytest -q -p no:cacheprovider python/tests/test_policies.py python/tests/test_api.py -k "not sweep_on_a_dask"
' hidden "$toolchain_root" "$installed" "$py" "$root"

# 4. Everything (the API, Python policies, Ctrl-C, Dask, the ONNX extractor), against the command line.
DYSTA_CLI="${DYSTA_CLI:-$root/.build/debug/dysta}" "$py" -m pytest -q -p no:cacheprovider python/tests

# 5. The notebook.
"$py" -m pip install -q --disable-pip-version-check nbclient ipykernel matplotlib nbformat
(cd Examples/notebooks && "$py" - <<'PYTHON'
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read("quickstart.ipynb", as_version=4)
NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
print(f"notebook: {sum(c.cell_type == 'code' for c in notebook.cells)} code cells ran without error")
PYTHON
)
