#!/usr/bin/env bash
# Stops the cluster scripts/slurm-start.sh started: cancels every job through Slurm (slurmstepd
# outlives slurmd), then stops each daemon by its pidfile only. Idempotent; keeps $SLURM_RUN_DIR
# (job ids, the accounting database, the munge key) for the next start.
set -uo pipefail
. "$(dirname "$0")/slurm-common.sh"
say() { echo "[slurm-stop $(date +%H:%M:%S)] $*" >&2; }

if alive "$SLURM_RUN_DIR/slurmctld.pid" slurmctld; then
  ids=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
  if [ -n "${ids// /}" ]; then
    say "cancelling jobs $ids"
    scancel $ids 2>/dev/null
    for _ in $(seq 1 75); do [ -z "$(squeue -h -t R,CG,S -o %A 2>/dev/null)" ] && break; sleep 0.2; done
  fi
fi

stop() { # stop PIDFILE COMM: SIGTERM, up to 20 s, then SIGKILL
  local f=$1 c=$2 pid
  if ! alive "$f" "$c"; then rm -f "$f"; return 0; fi
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do alive "$f" "$c" || break; sleep 0.2; done
  if alive "$f" "$c"; then kill -KILL "$pid" 2>/dev/null; sleep 0.5; fi
  rm -f "$f"
  say "stopped $c"
}
stop "$SLURM_RUN_DIR/slurmd.pid" slurmd
stop "$SLURM_RUN_DIR/slurmctld.pid" slurmctld
stop "$SLURM_RUN_DIR/slurmdbd.pid" slurmdbd
stop "$SLURM_RUN_DIR/mysql/mariadbd.pid" mariadbd
stop "$SLURM_RUN_DIR/munge/munged.pid" munged
exit 0
