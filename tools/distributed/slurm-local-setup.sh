#!/usr/bin/env bash
# A single-node SLURM on this machine, for trying tools/distributed/slurm/ without a cluster.
#
#   sudo tools/distributed/slurm-local-setup.sh          # install, configure, start
#   sudo tools/distributed/slurm-local-setup.sh stop     # stop the daemons it started
#
# Debian/Ubuntu only (apt-get). Installs slurm-wlm and munge, makes a munge key if there is
# none, writes a minimal /etc/slurm/slurm.conf for one node (this host, 127.0.0.1, all its
# cores, partition "local"), and starts munged, slurmctld and slurmd in the background
# (no systemd needed). Everything stays on this machine. Not part of CI.
set -euo pipefail

if [[ ${1:-} == stop ]]; then
    for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
        [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    exit 0
fi

[[ $(id -u) == 0 ]] || { echo "run as root (it installs packages and starts daemons)" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge
fi

# munge: a key readable by the munge user only, and the daemon.
if [[ ! -s /etc/munge/munge.key ]]; then
    if command -v mungekey >/dev/null; then mungekey --create --force; else dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; fi
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    sleep 1
fi
munge -n | unmunge >/dev/null

# slurm.conf: one node, this host.
node=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
# Written by tools/distributed/slurm-local-setup.sh: a single-node cluster on $node.
ClusterName=local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

# Start (or restart) the daemons.
for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
    [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null && sleep 1 || true
done
slurmctld
slurmd
for _ in $(seq 1 30); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^idle'; then break; fi
    sleep 1
done
scontrol update NodeName="$node" State=RESUME 2>/dev/null || true
sinfo
