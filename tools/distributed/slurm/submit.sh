#!/bin/bash
# Submits a dysta sweep as a SLURM job array of N shards plus a merge job that waits for them.
#
#   tools/distributed/slurm/submit.sh EXPERIMENT OUT N [extra sbatch options...]
#
# e.g. DYSTA=$PWD/.build/release/dysta tools/distributed/slurm/submit.sh grid.yaml results/grid 8 --partition=short
# OUT must be on a file system every node sees. The merged result lands in OUT/merged.
set -euo pipefail

experiment=${1:?usage: submit.sh EXPERIMENT OUT N [sbatch options]}
out=${2:?usage: submit.sh EXPERIMENT OUT N [sbatch options]}
count=${3:?usage: submit.sh EXPERIMENT OUT N [sbatch options]}
shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
array=$(sbatch --parsable --export=ALL --array="1-$count" "$@" "$here/sweep.sbatch" "$experiment" "$out" "$count")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" "$@" "$here/merge.sbatch" "$out")
echo "array job $array ($count shards), merge job $merge; result: $out/merged"
