#!/usr/bin/env bash
# Installs libtorch 2.13.0 (what tch 0.26 expects) from the PyPI torch wheel into a cache outside
# the checkout, so fresh clones (and CI) reuse it. Prints the directory to use as LIBTORCH.
#
#   scripts/install-libtorch.sh            # lean CPU layout (~1.3 GB)
#   RLAB_TORCH=cuda scripts/install-libtorch.sh   # full CUDA build (~4.7 GB), for NVIDIA machines
#
# Why a lean layout: torch-sys links libtorch_cuda whenever it sits in the lib dir, and that drags in
# the whole CUDA stack. The CPU layout is a dir of symlinks that leaves libtorch_cuda.so out.
set -euo pipefail

TORCH_VERSION=2.13.0
CACHE="${RLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rlab}"
FLAVOUR="${RLAB_TORCH:-cpu}"
DIR="$CACHE/libtorch-$TORCH_VERSION"

die() { echo "install-libtorch: $*" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || die "python3 is required to fetch libtorch from PyPI (apt-get install python3 python3-pip)"
python3 -m pip --version >/dev/null 2>&1 || die "pip is required to fetch libtorch from PyPI (apt-get install python3-pip)"

installed_version() { # the version recorded by the wheel itself, not by us
  local v="$1/torch/version.py"
  [ -f "$v" ] && python3 -c "import runpy,sys; print(runpy.run_path(sys.argv[1])['__version__'])" "$v" 2>/dev/null || true
}

case "$FLAVOUR" in
  cpu)
    site="$DIR/site"
    have="$(installed_version "$site")"
    if [[ "$have" != "$TORCH_VERSION"* ]]; then
      [ -n "$have" ] && echo "install-libtorch: found torch $have in $site, want $TORCH_VERSION; reinstalling" >&2
      rm -rf "$site.tmp" && mkdir -p "$DIR"
      echo "install-libtorch: fetching torch==$TORCH_VERSION from PyPI into $site (about 30 s)" >&2
      python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$site.tmp" \
        "torch==$TORCH_VERSION" 'nvidia-cuda-runtime==13.0.96.*' 'nvidia-cuda-cupti==13.0.85.*' >&2 \
        || die "pip could not install torch==$TORCH_VERSION (is PyPI reachable?)"
      rm -rf "$site" && mv "$site.tmp" "$site"
      have="$(installed_version "$site")"
      [[ "$have" == "$TORCH_VERSION"* ]] || die "installed torch reports version '$have', expected $TORCH_VERSION"
    fi
    lean="$DIR/cpu"
    rm -rf "$lean.tmp" && mkdir -p "$lean.tmp/lib"
    ln -s "$site/torch/include" "$lean.tmp/include"
    for f in libtorch_cpu.so libc10.so libtorch.so libgomp.so.1 libshm.so libtorch_global_deps.so; do
      [ -e "$site/torch/lib/$f" ] || die "$site/torch/lib/$f is missing; remove $DIR and run again"
      ln -s "$site/torch/lib/$f" "$lean.tmp/lib/$f"
    done
    rm -rf "$lean" && mv "$lean.tmp" "$lean"
    echo "$lean"
    ;;
  cuda)
    venv="$DIR/cuda-venv"
    if [[ "$(installed_version "$venv/lib/python3"*/site-packages)" != "$TORCH_VERSION"* ]]; then
      python3 -m venv "$venv" || die "python3 -m venv failed (apt-get install python3-venv)"
      "$venv/bin/pip" install --quiet --disable-pip-version-check "torch==$TORCH_VERSION" >&2 \
        || die "pip could not install torch==$TORCH_VERSION with CUDA"
    fi
    # find_spec locates the package without importing it (importing torch warns about numpy).
    tdir="$("$venv/bin/python" -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("torch").origin))')"
    echo "$tdir"
    ;;
  *) die "RLAB_TORCH must be 'cpu' or 'cuda', not '$FLAVOUR'" ;;
esac
