#!/usr/bin/env bash
# Starts a real single-node Slurm cluster on this Debian machine (munge, slurmctld, slurmd, and for
# sacct slurmdbd + a private MariaDB), installing the Debian packages that are missing. Idempotent:
# a second run only checks. State lives in $SLURM_RUN_DIR (default /tmp/metacurate-slurm). Needs root.
# Follows ../shared/docs/slurm-notes.md (§3-§4); stop it with scripts/slurm-stop.sh.
#
# knobs: SLURM_RUN_DIR, SLURM_ACCOUNTING (1: slurmdbd + MariaDB so sacct works; 0: none), SLURM_CPUS (8),
# SLURM_MEM_MB (16000), SLURM_CLUSTER (local), SLURM_MYSQL_PORT (3307), SLURM_CLEAN (1: start from scratch)
set -euo pipefail
. "$(dirname "$0")/slurm-common.sh"
ACCOUNTING=${SLURM_ACCOUNTING:-1}
CPUS=${SLURM_CPUS:-8}
MEM_MB=${SLURM_MEM_MB:-16000}
CLUSTER=${SLURM_CLUSTER:-local}
MYSQL_PORT=${SLURM_MYSQL_PORT:-3307}
NODE=$(hostname -s)
MARKER="# managed by metacurate scripts/slurm-start.sh"
say() { echo "[slurm-start $(date +%H:%M:%S)] $*" >&2; }
die() { say "error: $*"; exit 1; }

wait_for() { # wait_for SECONDS WHAT CMD...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "timed out after ${secs}s waiting for $what"
    sleep 0.2
  done
}

[ "$(id -u)" = 0 ] || die "needs root (the daemons run as root; munged as munge)"
[ -r /etc/debian_version ] || die "needs Debian (its slurm-wlm packages)"

# 1. packages
need=()
for f in /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch /usr/bin/sacct /usr/sbin/munged; do [ -x $f ] || { need+=(slurmctld slurmd slurm-client munge); break; }; done
if [ "$ACCOUNTING" = 1 ]; then
  [ -x /usr/sbin/slurmdbd ] || need+=(slurmdbd)
  [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# 2. directories and the munge key
if [ "${SLURM_CLEAN:-0}" = 1 ] && [ -d "$SLURM_RUN_DIR" ]; then
  for d in slurmd.pid:slurmd slurmctld.pid:slurmctld slurmdbd.pid:slurmdbd mysql/mariadbd.pid:mariadbd munge/munged.pid:munged; do
    alive "$SLURM_RUN_DIR/${d%%:*}" "${d##*:}" && die "SLURM_CLEAN=1 but ${d##*:} is running; run scripts/slurm-stop.sh first"
  done
  rm -rf "$SLURM_RUN_DIR"
fi
mkdir -p "$SLURM_RUN_DIR"/{state,spool,log,mysql,munge}
chmod 755 "$SLURM_RUN_DIR"
chown munge:munge "$SLURM_RUN_DIR/munge"; chmod 711 "$SLURM_RUN_DIR/munge"
[ -s "$SLURM_RUN_DIR/munge/munge.key" ] || dd if=/dev/urandom of="$SLURM_RUN_DIR/munge/munge.key" bs=1024 count=1 status=none
chown munge:munge "$SLURM_RUN_DIR/munge/munge.key"; chmod 400 "$SLURM_RUN_DIR/munge/munge.key"
SOCK=$SLURM_RUN_DIR/munge/munge.socket.2

# 3. configuration (rewritten only when it changes; a config this script did not write is never touched)
if [ "$ACCOUNTING" = 1 ]; then
  ACCT="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
# the dbd connection does not use AuthInfo's socket; this names the munge socket for it
AccountingStoragePass=$SOCK
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30"
else
  ACCT="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
fi
SLURM_CONF="$MARKER
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$SLURM_RUN_DIR/state
SlurmdSpoolDir=$SLURM_RUN_DIR/spool
SlurmctldPidFile=$SLURM_RUN_DIR/slurmctld.pid
SlurmdPidFile=$SLURM_RUN_DIR/slurmd.pid
SlurmctldLogFile=$SLURM_RUN_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_RUN_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
$ACCT
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_RUN_DIR/log/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"
DBD_CONF="$MARKER
AuthType=auth/munge
AuthInfo=socket=$SOCK
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
DebugLevel=info
LogFile=$SLURM_RUN_DIR/log/slurmdbd.log
PidFile=$SLURM_RUN_DIR/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=slurm
StorageLoc=slurm_acct_db
"
changed=0
put_conf() { # put_conf FILE MODE CONTENT
  if [ -e "$1" ]; then
    grep -qxF "$MARKER" "$1" || die "$1 exists and was not written by this script; not overwriting it"
    [ "$(cat "$1")" = "$(printf '%s' "$3")" ] && return 0
  fi
  mkdir -p "$(dirname "$1")"
  printf '%s' "$3" > "$1.tmp"; chmod "$2" "$1.tmp"; mv "$1.tmp" "$1"
  changed=1
}
put_conf /etc/slurm/slurm.conf 644 "$SLURM_CONF"
[ "$ACCOUNTING" = 1 ] && put_conf /etc/slurm/slurmdbd.conf 600 "$DBD_CONF"
stop_daemon() { # stop_daemon PIDFILE COMM
  alive "$1" "$2" || return 0
  kill -TERM "$(cat "$1")" 2>/dev/null || true
  for _ in $(seq 1 150); do alive "$1" "$2" || return 0; sleep 0.2; done
  die "$2 did not stop within 30 s"
}
if [ $changed = 1 ]; then
  say "configuration changed: restarting the Slurm daemons that run"
  stop_daemon "$SLURM_RUN_DIR/slurmd.pid" slurmd
  stop_daemon "$SLURM_RUN_DIR/slurmctld.pid" slurmctld
  stop_daemon "$SLURM_RUN_DIR/slurmdbd.pid" slurmdbd
fi

# 4. munged
if ! alive "$SLURM_RUN_DIR/munge/munged.pid" munged; then
  runuser -u munge -- /usr/sbin/munged --key-file="$SLURM_RUN_DIR/munge/munge.key" --socket="$SOCK" \
    --pid-file="$SLURM_RUN_DIR/munge/munged.pid" --log-file="$SLURM_RUN_DIR/munge/munged.log" --seed-file="$SLURM_RUN_DIR/munge/munged.seed"
fi
munge_ok() { munge -S "$SOCK" -n | unmunge -S "$SOCK"; }
wait_for 20 "munged" munge_ok

# 5. accounting: MariaDB and slurmdbd
if [ "$ACCOUNTING" = 1 ]; then
  MYSOCK=$SLURM_RUN_DIR/mysql/mysqld.sock
  if [ ! -d "$SLURM_RUN_DIR/mysql/data/mysql" ]; then
    mariadb-install-db --no-defaults --user=root --datadir="$SLURM_RUN_DIR/mysql/data" \
      --auth-root-authentication-method=socket --skip-test-db --innodb-log-file-size=64M > "$SLURM_RUN_DIR/log/mariadb-install.log" 2>&1
  fi
  if ! alive "$SLURM_RUN_DIR/mysql/mariadbd.pid" mariadbd; then
    setsid -f /usr/sbin/mariadbd --no-defaults --user=root --datadir="$SLURM_RUN_DIR/mysql/data" \
      --socket="$MYSOCK" --pid-file="$SLURM_RUN_DIR/mysql/mariadbd.pid" \
      --bind-address=127.0.0.1 --port="$MYSQL_PORT" --skip-name-resolve \
      --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --innodb-lock-wait-timeout=900 \
      --log-error="$SLURM_RUN_DIR/log/mariadbd.log" </dev/null >/dev/null 2>&1
  fi
  wait_for 60 "MariaDB" mariadb-admin --no-defaults -S "$MYSOCK" -u root ping
  mariadb --no-defaults -S "$MYSOCK" -u root -e "
    CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurm';
    CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurm';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
    GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
  alive "$SLURM_RUN_DIR/slurmdbd.pid" slurmdbd || /usr/sbin/slurmdbd
  wait_for 60 "slurmdbd" sacctmgr -n list cluster
fi

# 6. slurmctld and slurmd (never slurmctld -c: it would drop the saved jobs)
alive "$SLURM_RUN_DIR/slurmctld.pid" slurmctld || /usr/sbin/slurmctld
alive "$SLURM_RUN_DIR/slurmd.pid" slurmd || /usr/sbin/slurmd
node_idle() {
  local s; s=$(sinfo -h -n "$NODE" -o %T 2>/dev/null) || return 1
  case $s in
    idle|mixed|allocated|completing) return 0 ;;
    down*|drain*|fail*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1; return 1 ;;
    *) return 1 ;;
  esac
}
wait_for 60 "node $NODE to come up in sinfo" node_idle
if [ "$ACCOUNTING" = 1 ]; then
  registered() { sacctmgr -n -P list cluster format=cluster,controlhost | grep -q "^$CLUSTER|127.0.0.1"; }
  wait_for 60 "the cluster to register with slurmdbd" registered
fi
say "cluster '$CLUSTER' up: $(sinfo -h -o '%P %a %D %T %N' | head -1)"
