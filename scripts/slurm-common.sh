# Shared by slurm-start.sh and slurm-stop.sh (sourced): the run directory and a liveness test by pidfile.
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
SLURM_RUN_DIR=${SLURM_RUN_DIR:-/tmp/metacurate-slurm}

alive() { # alive PIDFILE COMM: the pid in the file runs COMM and is not a zombie (kill -0 succeeds on zombies)
  local pid st
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
  st=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [ "$st" != Z ] && [ "$st" != X ]
}
