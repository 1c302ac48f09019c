#!/usr/bin/env bash
# CI test of `rlab sweep --backend slurm` on a real Slurm: starts munge and a one-node
# slurmctld + slurmd (Debian's slurm-wlm) under a temporary directory, runs a 2 γ × 2 seed sweep
# through an sbatch array, runs `rlab sweep report` and checks that 4 rows finished. The daemons
# are stopped on exit, whether the test passed or not.
#
# Needs slurm-wlm and munge; installs them with apt-get when missing (as root). Off CI, a machine
# that cannot install them skips with a message; with CI=true that is a failure.
# Usage: scripts/slurm-test.sh [path/to/rlab]   (default: $CARGO_TARGET_DIR/release/rlab or target/release/rlab)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rlab="${1:-${CARGO_TARGET_DIR:-$root/target}/release/rlab}"
[ -x "$rlab" ] || { echo "slurm-test: no rlab binary at $rlab (build with cargo build --release)" >&2; exit 1; }
rlab="$(cd "$(dirname "$rlab")" && pwd)/$(basename "$rlab")"
started=$SECONDS

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    if [ "${CI:-}" = true ]; then
      echo "slurm-test: slurm-wlm and munge are missing and cannot be installed (needs root and apt-get)" >&2
      exit 1
    fi
    echo "slurm-test: SKIPPED: slurm-wlm and munge are not installed and this user cannot apt-get them"
    exit 0
  fi
  echo "slurm-test: installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

tmp="$(mktemp -d /tmp/rlab-slurm.XXXXXX)"
chmod 755 "$tmp"
conf="$tmp/slurm.conf"
export SLURM_CONF="$conf"
daemons_up=0

stop_daemons() {
  local code=$?
  set +e
  if [ "$daemons_up" = 1 ]; then
    scancel --quiet --user="$(id -un)" 2>/dev/null
  fi
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munge/munged.pid"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  # Wait for them to go, so the ports and the temp dir are free.
  for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munge/munged.pid"; do
    if [ -s "$pidfile" ]; then
      pid="$(cat "$pidfile")"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ "$code" != 0 ]; then
    echo "slurm-test: FAILED; daemon logs:" >&2
    tail -n 20 "$tmp"/*.log "$tmp"/munge/*.log "$tmp"/sweeps/slurm/logs/* >&2 2>/dev/null
  fi
  rm -rf "$tmp"
  exit "$code"
}
trap stop_daemons EXIT
trap 'exit 130' INT TERM

# munge: its own key, socket and files; --force because CI runs it as root.
mkdir -p "$tmp/munge"
chmod 700 "$tmp/munge"
head -c 1024 /dev/urandom > "$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/munge.socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed"

# Free ports, so a developer's own Slurm (6817/6818) or a parallel CI job does not clash.
read -r ctld_port slurmd_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
host="$(hostname -s)"
cpus="$(nproc)"
mkdir -p "$tmp/state" "$tmp/spool"
cat > "$conf" <<EOF
ClusterName=rlabci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/munge.socket
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -f "$conf" -i
slurmd -f "$conf"
daemons_up=1
for _ in $(seq 100); do
  [ "$(sinfo -h -o %t 2>/dev/null | head -1)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %t 2>/dev/null | head -1)" = idle ] || { echo "slurm-test: the node did not become idle" >&2; sinfo >&2 || true; exit 1; }
echo "slurm-test: one-node Slurm up on $host ($cpus CPUs) after $((SECONDS - started)) s"

sweep="$tmp/sweeps/slurm"
timeout 600 "$rlab" sweep --backend slurm --wait --gamma 0.9,0.99 --seeds 0,1 --total-steps 2048 --num-envs 2 \
  --set eval_episodes=2 --logdir "$tmp/sweeps" --name slurm -q
"$rlab" sweep report "$sweep" -q
finished="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "status") c = i; next } $c == "finished"' "$sweep/sweep.csv" | wc -l)"
if [ "$finished" != 4 ]; then
  echo "slurm-test: expected 4 finished points in sweep.csv, got $finished:" >&2
  cat "$sweep/sweep.csv" >&2
  exit 1
fi
for f in summary.md curves.png slurm.sbatch; do
  [ -s "$sweep/$f" ] || { echo "slurm-test: $f missing from the sweep directory" >&2; exit 1; }
done
ls "$sweep"/logs/slurm-*_*.out >/dev/null || { echo "slurm-test: no Slurm task output in $sweep/logs" >&2; exit 1; }
echo "slurm-test: ok: 4 of 4 points finished through a Slurm array; report checked ($((SECONDS - started)) s)"
