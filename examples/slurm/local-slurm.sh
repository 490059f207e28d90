#!/bin/bash
# A one-node Slurm cluster on this machine for as long as COMMAND runs:
#
#   examples/slurm/local-slurm.sh WORKDIR COMMAND [ARGUMENT...]
#
# Starts munged (as the munge user, with a key of its own), slurmctld and slurmd (in the
# foreground, in the background of this script) on two free ports, with a slurm.conf for one node
# `localhost` with this machine's CPUs; runs COMMAND with SLURM_CONF pointing at it; then cancels
# any job left and stops the three daemons it started, by their process ids, also when COMMAND
# fails or this script is interrupted. State, spool and logs live in WORKDIR; munge's key and
# socket in a temporary folder of their own, removed at the end.
# Needs root (slurmd starts jobs as their user) and Debian's slurmctld, slurmd, slurm-client and
# munge; no systemd. vanish's test suite drives it (examples/slurm/README.md).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 WORKDIR COMMAND [ARGUMENT...]" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "$0: slurmd and munged must be started by root" >&2
    exit 2
fi
for program in munged mungekey slurmctld slurmd sbatch sinfo scontrol scancel setpriv; do
    command -v "$program" >/dev/null || { echo "$0: $program is not installed (apt-get install slurmctld slurmd slurm-client munge)" >&2; exit 2; }
done
work=$(mkdir -p "$1" && cd "$1" && pwd)
shift
mkdir -p "$work/state" "$work/spool" "$work/log"
# munged (as the munge user) refuses a socket or key in a folder others may write to, or one it
# cannot reach: WORKDIR's parents may be closed to it, so its files live in a folder of their own.
munge_dir=$(mktemp -d /tmp/vanish-munge.XXXXXX)
chmod 755 "$munge_dir"
mkdir -p "$munge_dir/run" "$munge_dir/key"
pids=()

stop() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "${SLURM_CONF:-}" ] && [ -n "${slurmctld_pid:-}" ]; then
        # Jobs still queued or running end before the daemons that run them.
        scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null || true
        for _ in $(seq 20); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    # Last started, first stopped: slurmd, slurmctld, munged.
    for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "${pids[i]}" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    [ -n "${munge_dir:-}" ] && rm -rf "$munge_dir"
    if [ "$status" -ne 0 ]; then
        for log in "$work"/log/*.log; do
            [ -f "$log" ] || continue
            echo "--- last lines of $log" >&2
            tail -n 15 "$log" >&2
        done
    fi
    exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nothing listens on, from a range Slurm does not use by default (6817, 6818).
free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    echo "$0: no free port found" >&2
    return 1
}
controller_port=$(free_port)
node_port=$(free_port)
while [ "$node_port" = "$controller_port" ]; do node_port=$(free_port); done

mungekey --create --keyfile="$munge_dir/key/munge.key" --force
chown -R munge:munge "$munge_dir/run" "$munge_dir/key"
chmod 700 "$munge_dir/key"
chmod 600 "$munge_dir/key/munge.key"
socket="$munge_dir/run/munge.socket"
setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
    --socket="$socket" --key-file="$munge_dir/key/munge.key" \
    --pid-file="$munge_dir/run/munged.pid" --log-file="$munge_dir/run/munged.log" --seed-file="$munge_dir/run/munged.seed" \
    >"$work/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
    [ -S "$socket" ] && break
    sleep 0.1
done
[ -S "$socket" ] || { echo "$0: munged did not start:" >&2; cat "$work/log/munged.out" >&2; exit 1; }

touch "$work/plugstack.conf"
cat >"$work/slurm.conf" <<CONF
# One node, this machine; written by examples/slurm/local-slurm.sh.
ClusterName=vanish-local
SlurmctldHost=localhost
SlurmctldPort=$controller_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
PlugStackConfig=$work/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"

slurmctld -D -c -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
slurmctld_pid=$!
pids+=($slurmctld_pid)
slurmd -D -N localhost -f "$SLURM_CONF" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 60); do
    state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
if [ "$state" != idle ]; then
    echo "$0: the node did not become idle (state '${state:-none}'); see $work/log" >&2
    exit 1
fi
echo "local Slurm: slurmctld on port $controller_port, slurmd on $node_port, node localhost with $(nproc) CPUs" >&2
# In the background, waited for: a signal then stops the script at once (bash runs a trap only
# after a foreground command ends), and stop() ends the command first, then the daemons.
timeout "${LOCAL_SLURM_TIMEOUT:-600}" "$@" &
pids+=($!)
wait "$!"
