#!/usr/bin/env bash
# Reproduces the README's table of learning results: each ready-made config in configs/ for
# several seeds, one run after another, then a Markdown row per config with the deterministic
# evaluation return (mean over seeds of each run's 20-episode mean). For grid worlds the
# γ-discounted return from the start is shown next to the optimum `rlab solve` computes.
#   bench/agent_results.sh [CONFIG...]        (default: every configs/*.toml)
#   SEEDS="0 1 2" bench/agent_results.sh configs/cartpole_dqn.toml
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rlab="${RLAB_BIN:-$root/target/release/rlab}"
[ -x "$rlab" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
configs=("$@"); [ ${#configs[@]} -gt 0 ] || configs=("$root"/configs/*.toml)
seeds=(${SEEDS:-0 1 2})
logdir="${LOGDIR:-$(mktemp -d)}"
echo "| config | env | algo | policy | γ | eval return per seed | mean | γ-discounted (mean) | optimum (rlab solve) | wall s (mean) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for cfg in "${configs[@]}"; do
  name="$(basename "$cfg" .toml)"
  for s in "${seeds[@]}"; do
    "$rlab" run --config "$cfg" --seed "$s" --logdir "$logdir" --name "$name-s$s" -q >/dev/null
  done
  python3 - "$rlab" "$logdir" "$name" "$cfg" "${seeds[@]}" <<'PY'
import json, subprocess, sys
rlab, logdir, name, cfg, *seeds = sys.argv[1:]
runs = [json.load(open(f"{logdir}/{name}-s{s}/summary.json")) for s in seeds]
r0 = runs[0]
evals = [r["eval_mean_return"] for r in runs]
disc = sum(r["eval_mean_discounted_return"] for r in runs) / len(runs)
wall = sum(r["wall_seconds"] for r in runs) / len(runs)
optimum = "-"
if r0["env"].startswith("Grid") or r0["env"].endswith(".txt"):
    out = subprocess.run([rlab, "solve", r0["env"], "--gamma", str(r0["gamma"]), "--format", "json"],
                         capture_output=True, text=True, check=True)
    optimum = f"{json.loads(out.stdout)['start_value']:.4f}"
print(f"| {name} | {r0['env']} | {r0['algo']} | {r0['policy']} | {r0['gamma']} | "
      f"{', '.join(f'{e:.1f}' for e in evals)} | {sum(evals)/len(evals):.1f} | {disc:.4f} | {optimum} | {wall:.0f} |")
PY
done
echo
echo "seeds ${seeds[*]}; machine: $(nproc) cores; $(date -u +%Y-%m-%d); runs in $logdir"
