#!/usr/bin/env bash
# Makes (or reuses) the Python venv holding the reference implementations that tests check rlab
# against: Gymnasium (environments), TensorBoard (event-file reader) and scikit-learn (metrics,
# vectoriser). Prints its python path.
# Lives in the cache outside the checkout, one per set of pinned requirements.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${RLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rlab}"
reqs=("$root"/scripts/requirements-*.txt)
want="$(cat "${reqs[@]}" | sha256sum | cut -c1-16)"
# One venv per set of pins: checkouts with different requirements (branches, older clones) each
# keep theirs instead of deleting and rebuilding a venv another checkout's tests may be using.
venv="$cache/venv-reference-$want"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.rlab-reqs" 2>/dev/null)" != "$want" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "reference-venv: python3 is required" >&2; exit 1; }
  echo "reference-venv: creating $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { echo "reference-venv: python3 -m venv failed (apt-get install python3-venv)" >&2; exit 1; }
  args=(); for r in "${reqs[@]}"; do args+=(-r "$r"); done
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${args[@]}" >&2 \
    || { echo "reference-venv: pip install failed (is PyPI reachable?)" >&2; exit 1; }
  echo "$want" > "$venv/.rlab-reqs"
fi
echo "$venv/bin/python"
