#!/usr/bin/env bash
# The test command: sets up what the tests need (libtorch, the Python reference venv) and runs
# every test of the workspace, cross-checked against the real Gymnasium, TensorBoard and scikit-learn.
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$RLAB_ROOT"

python="$(scripts/reference-venv.sh)"
export RLAB_TB_PYTHON="$python"   # tests/cli: rlab's event files read back by TensorBoard's EventAccumulator
export RLAB_SKLEARN_PYTHON="$python"   # tests/cli/sklearn_parity.rs: metrics and vectoriser against scikit-learn

# The real datasets the tests read (into RLAB_DATA, default ~/.cache/rlab/data; a no-op when they
# are there with the right checksums; about 35 MB in all, Fashion-MNIST from Debian's package).
cargo run --release --locked --quiet -- data fetch all
export RLAB_REQUIRE_DATA=1   # tests/cli/real_data.rs fails, rather than skips, without any of them

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
