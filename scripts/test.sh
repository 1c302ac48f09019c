#!/usr/bin/env bash
# The test command: sets up what the tests need (libtorch, the Python reference venv) and runs
# every test of the workspace, cross-checked against the real Gymnasium and TensorBoard.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$RLAB_ROOT"

python="$(scripts/reference-venv.sh)"
export RLAB_TB_PYTHON="$python"   # tests/cli: rlab's event files read back by TensorBoard's EventAccumulator

# The checked-in CartPole trajectories must be what today's pinned Gymnasium records.
fresh="$(mktemp -d)/cartpole_gymnasium.json"
"$python" scripts/gymnasium_reference.py "$fresh" >/dev/null
same='import json,sys; a,b=(json.load(open(p)) for p in sys.argv[1:]); [d.pop("python_version",None) for d in (a,b)]; sys.exit(a!=b)'
if ! "$python" -c "$same" "$fresh" envs/tests/data/cartpole_gymnasium.json; then
  echo "test.sh: Gymnasium now records different CartPole trajectories than envs/tests/data/cartpole_gymnasium.json" >&2
  exit 1
fi
echo "test.sh: recorded CartPole trajectories match the checked-in reference ($(grep -o '"gymnasium_version":"[^"]*"' "$fresh"))"

cargo test --release --locked --workspace

# The Slurm backend end to end on a real one-node Slurm (installs slurm-wlm and munge where it can;
# with CI=true it must run). Uses the rlab binary cargo test just built.
scripts/slurm-test.sh "${CARGO_TARGET_DIR:-$RLAB_ROOT/target}/release/rlab"
