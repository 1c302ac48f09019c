#!/usr/bin/env bash
# Measures the main job: the default `rlab run --gamma 0.99` (PPO on CartPole-v1) for several seeds,
# one after another, and prints a Markdown table of evaluation return and wall time per seed.
#   bench/ppo_cartpole_seeds.sh [SEEDS...]      (default: 0 1 2)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rlab="${RLAB_BIN:-$root/target/release/rlab}"
[ -x "$rlab" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
seeds=("$@"); [ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2)
logdir="$(mktemp -d)"
echo "| seed | eval mean return (20 episodes) | last-100 training mean | env steps | wall time (s) | steps/s |"
echo "|---|---|---|---|---|---|"
for s in "${seeds[@]}"; do
  "$rlab" run --gamma 0.99 --seed "$s" --logdir "$logdir" --name "seed$s" -q >/dev/null
  python3 - "$logdir/seed$s/summary.json" "$s" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {s['eval_mean_return']:.1f} ± {s['eval_std_return']:.1f} | {s['final_mean_return']:.1f} "
      f"| {s['env_steps']} | {s['wall_seconds']:.1f} | {s['steps_per_second']:.0f} |")
PY
done
echo
echo "machine: $(nproc) cores, $(uname -m); $(date -u +%Y-%m-%d); runs in $logdir"
