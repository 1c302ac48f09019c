#!/usr/bin/env bash
# Side-by-side benchmarks against Gymnasium, Stable-Baselines3 and PyTorch (issue 7); see bench/compare.py.
#   bench/compare.sh                       # all sections: env throughput, PPO vs SB3, CNN training vs PyTorch, peak RSS
#   bench/compare.sh --only env --rounds 3 # one section
# Makes ${XDG_CACHE_HOME:-$HOME/.cache}/rlab/venv-bench with the pinned peers of bench/requirements-bench.txt
# (torch is PyPI's full wheel, several GB once), builds target/release/rlab unless RLAB_BIN names a binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/rlab/venv-bench"
REQ="$ROOT/bench/requirements-bench.txt"
if ! cmp -s "$REQ" "$VENV/requirements-bench.txt" 2>/dev/null; then
  echo "compare: installing the peers into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQ"
  cp "$REQ" "$VENV/requirements-bench.txt"
fi
if [ -z "${RLAB_BIN:-}" ]; then
  . "$ROOT/scripts/env.sh"
  (cd "$ROOT" && cargo build --release --quiet)
  RLAB_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/rlab"
fi
REF_PYTHON="$("$ROOT/scripts/reference-venv.sh")"   # scikit-learn, pinned as for the tests
exec "$VENV/bin/python" "$ROOT/bench/compare.py" --rlab "$RLAB_BIN" --python "$VENV/bin/python" --ref-python "$REF_PYTHON" "$@"
