#!/bin/bash
# Trains SPEC as a Slurm job array of SHARDS tasks, then merges the shards in a job that starts
# when every task has succeeded:
#
#   examples/slurm/submit.sh [--wait] SPEC SHARD_DIR REPORT_DIR SHARDS
#
# --wait returns when the merge has ended: status 0 if it completed, 1 if it failed or never ran
# (a task failed: rerun the missing shards with shard.sbatch, then merge.sbatch alone).
# SHARD_DIR and REPORT_DIR must be on a file system every node sees. sbatch passes the environment
# on, so VANISH=/path/to/vanish reaches the jobs.
set -euo pipefail
wait=0
if [ "${1:-}" = "--wait" ]; then wait=1; shift; fi
if [ $# -ne 4 ]; then
    echo "usage: $0 [--wait] SPEC SHARD_DIR REPORT_DIR SHARDS" >&2
    exit 2
fi
spec=$1 shard_dir=$2 report_dir=$3 shards=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$shard_dir"
array=$(sbatch --parsable --array="0-$((shards - 1))" "$here/shard.sbatch" "$spec" "$shard_dir" "$shards")
array=${array%%;*}
merge_options=(--parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes)
[ "$wait" = 1 ] && merge_options+=(--wait)
# With --wait, sbatch prints the job id at once and returns when the job ends.
merge=$(sbatch "${merge_options[@]}" "$here/merge.sbatch" "$shard_dir" "$report_dir" || true)
merge=${merge%%;*}
echo "shards: job array $array ($shards tasks); merge: job $merge (after every task succeeded)"
[ "$wait" = 1 ] || exit 0
state=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
if [ "$state" != COMPLETED ]; then
    echo "merge job $merge ended ${state:-unknown}; the array's tasks:" >&2
    scontrol show job "$array" 2>/dev/null | grep -E "JobId=|JobState=" >&2 || true
    exit 1
fi
