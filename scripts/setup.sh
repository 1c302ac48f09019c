#!/usr/bin/env bash
# One-time set-up from a fresh clone: libtorch (cached outside the checkout) and a release build.
# Afterwards the binary is target/release/rlab (it finds libtorch through its rpath).
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$RLAB_ROOT"
echo "rlab setup: building (a first build compiles libtorch's bindings: 3-6 minutes on 2 cores)" >&2
cargo build --release --locked --bin rlab
echo "rlab setup: ready: ${CARGO_TARGET_DIR:-$RLAB_ROOT/target}/release/rlab" >&2
