#!/usr/bin/env bash
# Time the paper artifact's simulator and `dysta` on the same Fig. 14-style grid, then compare results.
# dysta is timed twice: as 12 `dysta simulate` processes (one per rate and SLO) and as one
# `dysta sweep` process on one thread (--threads 1) running the whole grid.
#
# usage: tools/artifact-compare/run.sh ARTIFACT_CHECKOUT [OUT_DIR]
#
# ARTIFACT_CHECKOUT: a work tree of SamsungLabs/Sparse-Multi-DNN-Scheduling (run unmodified, from
# its own directory; nothing is copied into this repository). OUT_DIR (default
# /tmp/artifact-compare) receives everything; OUT_DIR/$TAG/ holds one grid's run.
#
# Environment (defaults in brackets):
#   PYTHON    python with numpy pandas scipy scikit-learn matplotlib brokenaxes [/tmp/artifact-venv/bin/python]
#   DYSTA     dysta binary [this repository's .build/release/dysta]
#   RATES     arrival rates, req/s, integers (the artifact parses them as int) ["6 8"]
#   SLOS      SLO multipliers ["10 25 50 75 100 150"]
#   SEEDS     seed rounds: artifact seeds 1..SEEDS, dysta --seeds 1-SEEDS [5]
#   REQUESTS  requests per run [1000]
#   CPU       the one core both simulators are pinned to with taskset [1]
#   REPEAT    timed repetitions of each dysta timing (12 simulate processes; one sweep) (the artifact runs once) [3]
#   REF_SEEDS seeds of an extra, untimed dysta run used as a low-noise reference [100]
#   TAG       sub-directory name [main]
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ART=$(cd "${1:?usage: run.sh ARTIFACT_CHECKOUT [OUT_DIR]}" && pwd)
OUT=${2:-/tmp/artifact-compare}
PYTHON=${PYTHON:-/tmp/artifact-venv/bin/python}
DYSTA=${DYSTA:-$HERE/../../.build/release/dysta}
RATES=${RATES:-"6 8"}
SLOS=${SLOS:-"10 25 50 75 100 150"}
SEEDS=${SEEDS:-5}
REQUESTS=${REQUESTS:-1000}
CPU=${CPU:-1}
REPEAT=${REPEAT:-3}
REF_SEEDS=${REF_SEEDS:-100}
TAG=${TAG:-main}
# the Fig. 14 policy set of script/attnn/dysta_comparison_sanger_across_slo.sh
ART_POLICIES="fcfs sjf prema planaria sdrm3 dysta_oracle dysta"
OUR_POLICIES=fcfs,sjf,prema,planaria,sdrm3,dysta-oracle,dysta
TIME_FMT="wall_s=%e user_s=%U sys_s=%S maxrss_kb=%M cpu=%P"

RUN="$OUT/$TAG"
CSV="$OUT/csv/sanger"   # the artifact picks its Sanger model only if the path contains "sanger"
mkdir -p "$RUN"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 MPLBACKEND=Agg

echo "== converting the shipped attention workload to artifact CSVs in $CSV"
python3 "$HERE/to_artifact_csv.py" "$CSV"

{
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm), $(getconf _NPROCESSORS_ONLN) cores, load average before runs: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "artifact: $(git -C "$ART" rev-parse HEAD 2>/dev/null || echo unknown) at $ART"
  echo "python: $("$PYTHON" -c 'import sys,numpy,pandas,matplotlib;print(sys.version.split()[0],"numpy",numpy.__version__,"pandas",pandas.__version__,"matplotlib",matplotlib.__version__)')"
  echo "dysta: $DYSTA ($(sha256sum "$DYSTA" | cut -c1-16))"
  echo "grid: rates [$RATES] slos [$SLOS] seeds $SEEDS requests $REQUESTS policies [$ART_POLICIES] cpu $CPU"
} > "$RUN/env.txt"
cat "$RUN/env.txt"

echo "== artifact simulator.py (one process, core $CPU)"
mkdir -p "$RUN/artifact"
( cd "$RUN/artifact" &&   # it writes its PDF figure into the working directory
  /usr/bin/time -f "$TIME_FMT" -o "$RUN/time-artifact.txt" \
    taskset -c "$CPU" "$PYTHON" "$ART/dysta_scheduler/simulator.py" \
      --schedule_method $ART_POLICIES --fig_across_slo --csv_lat_dir "$CSV/" \
      --lat_slo_mult $SLOS --sample_per_sec $RATES --num_sample "$REQUESTS" \
      --num_random_seeds "$SEEDS" > stdout.txt 2> stderr.txt )
cat "$RUN/time-artifact.txt"

echo "== dysta simulate --semantics artifact, one process per (rate, SLO) cell, core $CPU, x$REPEAT"
mkdir -p "$RUN/dysta"
export DYSTA CSV OUR_POLICIES RATES SLOS SEEDS REQUESTS RUN
for i in $(seq 1 "$REPEAT"); do
  /usr/bin/time -f "$TIME_FMT" -o "$RUN/time-dysta-$i.txt" taskset -c "$CPU" bash -c '
    for rate in $RATES; do for slo in $SLOS; do
      "$DYSTA" simulate --traces "$CSV" --trace-kind sanger --semantics artifact \
        --schedulers "$OUR_POLICIES" --rate "$rate" --slo "$slo" --seeds "1-$SEEDS" \
        --requests "$REQUESTS" --format csv -o "$RUN/dysta/rate${rate}_slo${slo}.csv"
    done; done'
  cat "$RUN/time-dysta-$i.txt"
done

echo "== dysta sweep --semantics artifact, the whole grid in one process on one thread, core $CPU, x$REPEAT"
# A sweep resumes from what its --out folder already holds, so every repetition starts from an
# empty folder; the last one's runs.csv/summary.csv stay for the comparison.
for i in $(seq 1 "$REPEAT"); do
  rm -rf "$RUN/sweep"
  /usr/bin/time -f "$TIME_FMT" -o "$RUN/time-sweep-$i.txt" taskset -c "$CPU" \
    "$DYSTA" sweep --traces "$CSV" --trace-kind sanger --semantics artifact --schedulers "$OUR_POLICIES" \
      --rates "$(echo $RATES | tr ' ' ,)" --slos "$(echo $SLOS | tr ' ' ,)" --seeds "1-$SEEDS" \
      --requests "$REQUESTS" --threads 1 --out "$RUN/sweep" --quiet
  cat "$RUN/time-sweep-$i.txt"
done

echo "== untimed: dysta simulate one seed at a time (per-run values to check the sweep's runs.csv against)"
mkdir -p "$RUN/dysta-seed"
for rate in $RATES; do for slo in $SLOS; do for s in $(seq 1 "$SEEDS"); do
  "$DYSTA" simulate --traces "$CSV" --trace-kind sanger --semantics artifact --schedulers "$OUR_POLICIES" \
    --rate "$rate" --slo "$slo" --seeds "$s" --requests "$REQUESTS" --format csv \
    -o "$RUN/dysta-seed/seed${s}_rate${rate}_slo${slo}.csv"
done; done; done

echo "== untimed: dysta reference with $REF_SEEDS seeds"
mkdir -p "$RUN/dysta-ref"
for rate in $RATES; do for slo in $SLOS; do
  "$DYSTA" simulate --traces "$CSV" --trace-kind sanger --semantics artifact --schedulers "$OUR_POLICIES" \
    --rate "$rate" --slo "$slo" --seeds "1-$REF_SEEDS" --requests "$REQUESTS" --format csv \
    -o "$RUN/dysta-ref/rate${rate}_slo${slo}.csv"
done; done

echo "== untimed: replay the artifact's own request streams in dysta"
"$PYTHON" "$HERE/artifact_requests.py" "$ART" "$CSV" "$RUN/requests" \
  --rates $RATES --slos $SLOS --seeds "$SEEDS" --requests "$REQUESTS" > "$RUN/requests.log"
mkdir -p "$RUN/replay"
for f in "$RUN"/requests/*.csv; do
  "$DYSTA" simulate --traces "$CSV" --trace-kind sanger --semantics artifact --schedulers "$OUR_POLICIES" \
    --replay "$f" --seeds 1 --format csv -o "$RUN/replay/$(basename "$f")"
done

echo "== comparing"
"$PYTHON" "$HERE/compare.py" "$RUN" | tee "$RUN/compare.md"
