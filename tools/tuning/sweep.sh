#!/usr/bin/env bash
# Runs the beyond-the-paper target points (the Fig. 14 grid and the Fig. 15 arrival sweep, as
# offered loads) for the given schedulers and seeds, then scores every scheduler that is not
# one of the paper's 11 with targets.py.
#   tools/tuning/sweep.sh OUT SEEDS SCHEDULERS
#   e.g. tools/tuning/sweep.sh /tmp/tune 101-120 'fcfs,sjf,...,lax-srpt[margin=0.25]'
# The evaluation (dysta reproduce beyond) uses seeds 1-5; tuning must use other seeds.
set -euo pipefail
out=$1 seeds=$2 schedulers=$3
dysta=${DYSTA:-.build/release/dysta}
mkdir -p "$out"
# EXTRA: more sweep flags, e.g. EXTRA='--accelerators 2'.
run() { "$dysta" sweep --quiet ${EXTRA:-} --workloads "$1" --loads "$2" --slos "$3" --seeds "$seeds" --schedulers "$schedulers" --out "$out/$4"; }
run attention 0.75,1 10,25,50,75,100,150 attention-fig14
run attention 0.25,0.5 10 attention-fig15
run cnn 0.6,0.8 10,25,50,75,100,150 cnn-fig14
run cnn 0.4,1,1.2 10 cnn-fig15
