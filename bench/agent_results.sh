#!/usr/bin/env bash
# Reproduces the README's table of learning results: each ready-made config in configs/ for
# several seeds, one run after another, then a Markdown row per config with the deterministic
# evaluation return of each run. For grid worlds each run's greedy policy is also evaluated
# exactly on the map's model (summary.json's exact_policy_value) and set beside the optimum
# `rlab solve` computes for the same γ; the worst shortfall over the seeds is shown.
#   bench/agent_results.sh [CONFIG...]        (default: every configs/*.toml)
#   SEEDS="0 1 2" JOBS=2 bench/agent_results.sh configs/cartpole_dqn.toml
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rlab="${RLAB_BIN:-$root/target/release/rlab}"
[ -x "$rlab" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
configs=("$@"); [ ${#configs[@]} -gt 0 ] || configs=("$root"/configs/*.toml)
seeds=(${SEEDS:-0 1 2})
logdir="${LOGDIR:-$(mktemp -d)}"
jobs="${JOBS:-1}"   # runs at once (each uses one libtorch thread); wall times are per run
# Every (config, seed) run goes through one pool of $jobs slots, so no core idles between configs.
running=0
for cfg in "${configs[@]}"; do
  name="$(basename "$cfg" .toml)"
  for s in "${seeds[@]}"; do
    "$rlab" run --config "$cfg" --seed "$s" --logdir "$logdir" --name "$name-s$s" -q >/dev/null &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  done
done
wait
echo "| config | env | algo | policy | γ | eval return per seed | mean | exact value per seed (grid) | optimum (rlab solve) | worst shortfall | wall s (mean) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for cfg in "${configs[@]}"; do
  name="$(basename "$cfg" .toml)"
  python3 - "$logdir" "$name" "${seeds[@]}" <<'PY'
import json, sys
logdir, name, *seeds = sys.argv[1:]
runs = [json.load(open(f"{logdir}/{name}-s{s}/summary.json")) for s in seeds]
r0 = runs[0]
evals = [r["eval_mean_return"] for r in runs]
wall = sum(r["wall_seconds"] for r in runs) / len(runs)
exact, optimum, shortfall = "-", "-", "-"
if r0.get("optimal_value") is not None:
    opt = r0["optimal_value"]
    values = [r["exact_policy_value"] for r in runs]
    exact = ", ".join("-" if v is None else f"{v:.4f}" for v in values)
    optimum = f"{opt:.4f}"
    worst = max(float("inf") if v is None else (opt - v) / abs(opt) for v in values)
    shortfall = f"{100 * worst:.1f}%"
print(f"| {name} | {r0['env']} | {r0['algo']} | {r0['policy']} | {r0['gamma']} | "
      f"{', '.join(f'{e:.2f}' for e in evals)} | {sum(evals)/len(evals):.2f} | {exact} | {optimum} | {shortfall} | {wall:.0f} |")
PY
done
echo
echo "seeds ${seeds[*]}; machine: $(nproc) cores; $(date -u +%Y-%m-%d); runs in $logdir"
