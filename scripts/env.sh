# Sourced by the other scripts: makes libtorch available and exports what cargo needs.
#   LIBTORCH  the libtorch dir from scripts/install-libtorch.sh (a cache outside the checkout, so
#             fresh clones reuse it and torch-sys is not rebuilt for every clone)
# Set RLAB_TORCH=cuda for the full CUDA build of libtorch.
if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { echo "rlab: cargo not found; install Rust from https://rustup.rs" >&2; exit 1; }
RLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIBTORCH="$("$RLAB_ROOT/scripts/install-libtorch.sh")" || exit 1
export LIBTORCH
