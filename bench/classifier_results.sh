#!/usr/bin/env bash
# Reproduces the README's table of classifier results: each ready-made config in
# configs/supervised/ for several training seeds (the data split stays fixed), one run after
# another, then a Markdown row per config with the held-out test accuracy and the positive
# class's F1 (binary tasks) or macro F1 (multiclass).
#   bench/classifier_results.sh [CONFIG...]   (default: every configs/supervised/*.toml)
#   SEEDS="1 2 3" bench/classifier_results.sh configs/supervised/sms_spam_lstm.toml
# Needs the datasets: rlab data fetch all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rlab="${RLAB_BIN:-$root/target/release/rlab}"
[ -x "$rlab" ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
configs=("$@"); [ ${#configs[@]} -gt 0 ] || configs=("$root"/configs/supervised/*.toml)
seeds=(${SEEDS:-1 2 3})
logdir="${LOGDIR:-$(mktemp -d)}"
echo "| config | data | model | test examples | test accuracy per seed | mean | F1 (mean) | epochs run (mean) | wall s (mean) |"
echo "|---|---|---|---|---|---|---|---|---|"
for cfg in "${configs[@]}"; do
  name="$(basename "$cfg" .toml)"
  for s in "${seeds[@]}"; do
    "$rlab" train classifier --config "$cfg" --seed "$s" --logdir "$logdir" --name "$name-s$s" -q >/dev/null
  done
  python3 - "$logdir" "$name" "${seeds[@]}" <<'PY'
import json, sys
logdir, name, *seeds = sys.argv[1:]
runs = [json.load(open(f"{logdir}/{name}-s{s}/summary.json")) for s in seeds]
mets = [json.load(open(f"{logdir}/{name}-s{s}/metrics.json")) for s in seeds]
r0 = runs[0]
acc = [r["test_accuracy"] for r in runs]
binary = len(r0["classes"]) == 2
f1 = [r["test_f1"] for r in runs] if binary else [m["test"]["macro_avg"]["f1"] for m in mets]
f1_name = f"{r0['classes'][1]} F1" if binary else "macro F1"
mean = lambda xs: sum(xs) / len(xs)
print(f"| {name} | {r0['data']} | {r0['model']} | {r0['examples']['test']} | {', '.join(f'{a:.4f}' for a in acc)} | "
      f"{mean(acc):.4f} | {f1_name} {mean(f1):.4f} | {mean([r['epochs_completed'] for r in runs]):.1f} | "
      f"{mean([r['wall_seconds'] for r in runs]):.0f} |")
PY
done
echo
echo "seeds ${seeds[*]}; machine: $(nproc) cores; $(date -u +%Y-%m-%d); runs in $logdir"
