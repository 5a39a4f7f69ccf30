#!/usr/bin/env bash
# Rebuild python313-tests.zip: the part of CPython's own test suite (Lib/test) that the
# conformance run (test/conformance/cpython.test.ts) needs, from the same Debian source package
# and the same patches as python.wasm. No compiler needed: it only unpacks, patches and zips.
#
#   bash runtimes/python/build-tests.sh
#   SCRATCH=/tmp/elsewhere bash runtimes/python/build-tests.sh
#
# Source files: reused from build.sh's download ($PY_BUILD_SCRATCH/src, default
# /tmp/daylite-python-build/src) when they are there, else fetched with `apt-get source` through
# a private apt configuration under $SCRATCH/apt (the system's /etc/apt is not touched; apt checks
# them against the signed Sources index). Either way each file must have the sha256 recorded for
# python.wasm in ../manifest.json, so the tests come from the very bytes the interpreter was built
# from. Needs apt-get and dpkg-source (dpkg-dev) and any python3 on the host.
#
# Writes python313-tests.zip next to this script, the python/python313-tests.zip key of
# ../manifest.json, and $SCRATCH (default /tmp/daylite-python-tests, about 120 MB; always
# re-extracted, so it is safe to delete).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCRATCH="${SCRATCH:-/tmp/daylite-python-tests}"
PY_BUILD_SCRATCH="${PY_BUILD_SCRATCH:-/tmp/daylite-python-build}"
# shellcheck source=versions.env
. "$HERE/versions.env"

SRC="$SCRATCH/src"
APTDIR="$SCRATCH/apt"
TREE="$SCRATCH/cpython"
MANIFEST="$ROOT/runtimes/manifest.json"
DSC_NAME="${PY_SRC_PKG}_${PY_SRC_VER#*:}.dsc"

log() { printf '\n=== %s\n' "$*" >&2; }

# The files (name -> sha256) recorded for python3.13 in python/python.wasm's manifest entry.
pinned_files() {
  python3 - "$MANIFEST" "$PY_SRC_PKG" "$PY_SRC_VER" <<'EOF'
import json, sys
manifest, pkg, ver = sys.argv[1:]
for s in json.load(open(manifest))["artifacts"]["python/python.wasm"]["sources"]:
    if s["package"] == pkg and s["version"] == ver:
        for name, sha in sorted(s["files"].items()):
            print(sha, name)
        break
else:
    sys.exit(f"{manifest}: no {pkg}={ver} in python/python.wasm's sources")
EOF
}

verify() { # verify DIR: every pinned file is in DIR with its sha256
  (cd "$1" && pinned_files | sha256sum --quiet -c -) >/dev/null 2>&1
}

fetch() {
  mkdir -p "$SRC"
  if verify "$SRC"; then
    return
  fi
  if [ -d "$PY_BUILD_SCRATCH/src" ] && verify "$PY_BUILD_SCRATCH/src"; then
    log "reusing the source files of $PY_BUILD_SCRATCH/src"
    pinned_files | while read -r _ name; do cp "$PY_BUILD_SCRATCH/src/$name" "$SRC/"; done
  else
    log "apt-get source $PY_SRC_PKG=$PY_SRC_VER"
    local opts=(
      -o "Dir::Etc::SourceList=$APTDIR/sources.list"
      -o "Dir::Etc::SourceParts=/nonexistent"
      -o "Dir::State::Lists=$APTDIR/lists"
      -o "Dir::Cache=$APTDIR/cache"
    )
    mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $PY_SRC_SUITE main" \
      >"$APTDIR/sources.list"
    apt-get "${opts[@]}" update
    (cd "$SRC" && apt-get "${opts[@]}" source --download-only "$PY_SRC_PKG=$PY_SRC_VER")
  fi
  verify "$SRC" || { (cd "$SRC" && pinned_files | sha256sum -c -) >&2; echo "sha256 mismatch in $SRC" >&2; exit 1; }
}

# The same tree as build.sh's cpython_src stage: Debian's orig tarball plus the series minus
# debian-patches.skip (several of the applied security patches add or change tests).
unpack() {
  log "unpack and patch $PY_SRC_PKG $PY_SRC_VER"
  rm -rf "$TREE"
  dpkg-source --skip-patches -x "$SRC/$DSC_NAME" "$TREE" >/dev/null
  local p
  while read -r p; do
    case "$p" in ''|'#'*) continue ;; esac
    grep -qxF "$p" "$HERE/debian-patches.skip" && continue
    patch -d "$TREE" -p1 --batch --forward --quiet <"$TREE/debian/patches/$p"
  done <"$TREE/debian/patches/series"
}

pack() {
  log "python313-tests.zip"
  python3 "$HERE/mktestzip.py" "$TREE/Lib" "$HERE/tests-select.txt" "$HERE/python313-tests.zip" \
    --manifest "$MANIFEST" --srcdir "$SRC" --source "$PY_SRC_SUITE:$PY_SRC_PKG=$PY_SRC_VER"
}

start=$(date +%s)
fetch
unpack
pack
log "done in $(($(date +%s) - start)) s"
