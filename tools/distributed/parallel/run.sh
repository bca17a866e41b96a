#!/bin/bash
# A dysta sweep on a few machines with GNU parallel: N shards spread over the hosts, then a
# merge on this machine.
#
#   tools/distributed/parallel/run.sh EXPERIMENT OUT N [HOSTS_FILE]
#
# Without HOSTS_FILE the shards run here, in parallel (one job per core). HOSTS_FILE lists
# GNU parallel sshlogins, one per line (e.g. `2/user@node1` = 2 jobs at a time on node1; `:` is
# this machine). Every host needs `dysta` on its PATH (or DYSTA=/path/to/dysta set here, the same
# path on every host) and the experiment's inputs (trace folders, request tables) at the same
# paths as here: simplest is a shared file system, run from a folder every host mounts at the
# same path. Shard folders are written under OUT on the host that ran them and copied back
# here (--return); on a shared file system set RETURN=0 to skip that copy. A shard that failed or was interrupted is rerun by
# running this script again: finished shards are skipped and the unfinished one resumes.
set -euo pipefail

experiment=${1:?usage: run.sh EXPERIMENT OUT N [HOSTS_FILE]}
out=${2:?usage: run.sh EXPERIMENT OUT N [HOSTS_FILE]}
count=${3:?usage: run.sh EXPERIMENT OUT N [HOSTS_FILE]}
hosts=${4:-}
dysta=${DYSTA:-dysta}
return_shards=${RETURN:-1}
command -v parallel >/dev/null || { echo "GNU parallel is not installed (Debian: apt-get install parallel)" >&2; exit 1; }
mkdir -p "$out"

if [[ -z $hosts ]]; then
    # Here only: one shard per core, each with one thread.
    seq 1 "$count" | parallel --halt now,fail=1 --line-buffer --tag \
        "$dysta" sweep --experiment "$experiment" --shard "{}/$count" --out "$out/shard-{}" --threads 1 --progress-interval 30
else
    copy_back=()
    [[ $return_shards == 1 ]] && copy_back=(--return "$out/shard-{}")
    seq 1 "$count" | parallel --halt now,fail=1 --line-buffer --tag --sshloginfile "$hosts" --workdir . "${copy_back[@]}" \
        "$dysta" sweep --experiment "$experiment" --shard "{}/$count" --out "$out/shard-{}" --progress-interval 30
fi
"$dysta" merge "$out"/shard-* --out "$out/merged"
echo "merged $count shards into $out/merged"
