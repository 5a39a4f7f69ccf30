#!/usr/bin/env bash
# Rebuild CPython 3.13 for wasm32-wasi from Debian source packages with Debian's toolchain.
#
#   bash runtimes/python/build.sh            # everything (≈ 15-20 min on 2 cores the first time)
#   bash runtimes/python/build.sh zip        # only some stages (see STAGES below)
#   bash runtimes/python/build.sh reactor manifest   # relink after editing daylite_python.c/daylite_run.py
#                                                    # (or ../common/daylite_utimens.c)
#
# Outputs (in this directory): python.wasm (stripped; a WASI reactor with daylite's snapshot entry
# points, see README.md), python313.zip (pyc-only stdlib), and the
# python/* entries of ../manifest.json. Everything else goes to $SCRATCH (default
# /tmp/daylite-python-build). Re-runnable: finished stages are skipped via stamp files; delete
# $SCRATCH to start over. Needs root (apt-get) unless the packages in versions.env are installed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRATCH="${SCRATCH:-/tmp/daylite-python-build}"
JOBS="${JOBS:-$(nproc)}"
# Declared maximum of the module's linear memory (bytes, multiple of 64 KiB). Hosts may cap lower.
MAX_MEMORY="${MAX_MEMORY:-1073741824}"
# shellcheck source=versions.env
. "$HERE/versions.env"

SYSROOT="$SCRATCH/sysroot"
SRC="$SCRATCH/src"
APTDIR="$SCRATCH/apt"
STAMPS="$SCRATCH/stamps"
CPYTHON_SRC="$SCRATCH/cpython"
NATIVE_BUILD="$CPYTHON_SRC/cross-build/build"
WASI_BUILD="$CPYTHON_SRC/cross-build/wasm32-wasi"
export CPYTHON_SRC

TARGET=wasm32-wasi
WCC="clang-19 --target=$TARGET --sysroot=$SYSROOT"
AR=llvm-ar-19
RANLIB=llvm-ranlib-19
WCFLAGS="-O2"

log() { printf '\n=== %s\n' "$*" >&2; }
done_stage() { [ -e "$STAMPS/$1" ]; }
mark() { mkdir -p "$STAMPS"; touch "$STAMPS/$1"; }

APT_OPTS=(
  -o "Dir::Etc::SourceList=$APTDIR/sources.list"
  -o "Dir::Etc::SourceParts=/nonexistent"
  -o "Dir::State::Lists=$APTDIR/lists"
  -o "Dir::Cache=$APTDIR/cache"
)

stage_toolchain() {
  local missing=()
  for p in $TOOLCHAIN_PKGS $HOST_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

# Source packages are fetched with a private apt configuration (its own deb-src list and
# index cache under $SCRATCH/apt), so the system's /etc/apt is left untouched. apt verifies
# the .dsc and tarball hashes against the signed Sources index.
stage_fetch() {
  done_stage fetch && return
  log "fetch Debian source packages"
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$SRC"
  cat >"$APTDIR/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
  apt-get "${APT_OPTS[@]}" update
  (cd "$SRC" && apt-get "${APT_OPTS[@]}" source --download-only \
    "$PY_SRC_PKG=$PY_SRC_VER" "$SQLITE_SRC_PKG=$SQLITE_SRC_VER" "$ZLIB_SRC_PKG=$ZLIB_SRC_VER" \
    "$BZIP2_SRC_PKG=$BZIP2_SRC_VER" "$XZ_SRC_PKG=$XZ_SRC_VER")
  mark fetch
}

dsc() { # dsc PKG VERSION -> path of the .dsc (epoch stripped)
  echo "$SRC/${1}_${2#*:}.dsc"
}

# A private copy of Debian's wasi-libc sysroot, so host headers (/usr/include/zlib.h…) never leak
# into the build and our WASI libraries (zlib, sqlite3, …) have somewhere to go.
stage_sysroot() {
  done_stage sysroot && return
  log "sysroot"
  rm -rf "$SYSROOT"
  rm -f "$STAMPS"/{zlib,bzip2,xz,sqlite,wasi}  # they install into the sysroot
  mkdir -p "$SYSROOT/include" "$SYSROOT/lib"
  cp -a /usr/include/wasm32-wasi "$SYSROOT/include/"
  cp -a /usr/lib/wasm32-wasi "$SYSROOT/lib/"
  mark sysroot
}

stage_zlib() {
  done_stage zlib && return
  log "zlib $ZLIB_SRC_VER"
  local d="$SCRATCH/zlib"
  rm -rf "$d"
  dpkg-source -x "$(dsc zlib "$ZLIB_SRC_VER")" "$d"
  (cd "$d" && CC="$WCC" CFLAGS="$WCFLAGS" AR=$AR RANLIB=$RANLIB ./configure --static \
    && make -j"$JOBS" libz.a)
  cp "$d/libz.a" "$SYSROOT/lib/$TARGET/"
  cp "$d/zlib.h" "$d/zconf.h" "$SYSROOT/include/$TARGET/"
  mark zlib
}

stage_bzip2() {
  done_stage bzip2 && return
  log "bzip2 $BZIP2_SRC_VER"
  local d="$SCRATCH/bzip2"
  rm -rf "$d"
  dpkg-source -x "$(dsc bzip2 "$BZIP2_SRC_VER")" "$d"
  (cd "$d" && for f in blocksort huffman crctable randtable compress decompress bzlib; do
      $WCC $WCFLAGS -D_FILE_OFFSET_BITS=64 -c "$f.c" -o "$f.o"
    done && rm -f libbz2.a && $AR rcs libbz2.a blocksort.o huffman.o crctable.o randtable.o \
      compress.o decompress.o bzlib.o)
  cp "$d/libbz2.a" "$SYSROOT/lib/$TARGET/"
  cp "$d/bzlib.h" "$SYSROOT/include/$TARGET/"
  mark bzip2
}

stage_xz() {
  done_stage xz && return
  log "liblzma (xz-utils $XZ_SRC_VER)"
  local d="$SCRATCH/xz"
  rm -rf "$d"
  dpkg-source -x "$(dsc xz-utils "$XZ_SRC_VER")" "$d"
  (cd "$d" && CC="$WCC" AR=$AR RANLIB=$RANLIB \
    CFLAGS="$WCFLAGS -D_WASI_EMULATED_SIGNAL -include $HERE/compat/xz-wasi.h" ./configure \
      --host=wasm32-unknown-wasi --build="$(gcc -dumpmachine)" \
      --disable-shared --enable-static --disable-threads --disable-nls \
      --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo --disable-lzma-links \
      --disable-scripts --disable-doc --disable-symbol-versions \
    && make -j"$JOBS" -C src/liblzma)
  cp "$d/src/liblzma/.libs/liblzma.a" "$SYSROOT/lib/$TARGET/"
  cp -r "$d/src/liblzma/api/lzma.h" "$d/src/liblzma/api/lzma" "$SYSROOT/include/$TARGET/"
  mark xz
}

# sqlite3: the amalgamation (sqlite3.c) is generated natively from Debian's full source tree
# (needs tclsh), then compiled for WASI. SQLite ≥ 3.41 knows __wasi__ (no WAL/shm, no locking).
SQLITE_DEFS="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
  -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_ENABLE_FTS5 \
  -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_DBSTAT_VTAB \
  -DSQLITE_ENABLE_COLUMN_METADATA"
stage_sqlite() {
  done_stage sqlite && return
  log "sqlite3 $SQLITE_SRC_VER"
  local d="$SCRATCH/sqlite"
  rm -rf "$d"
  dpkg-source -x "$(dsc sqlite3 "$SQLITE_SRC_VER")" "$d"
  (cd "$d" && mkdir -p native && cd native && ../configure --disable-tcl >/dev/null \
    && make -j"$JOBS" sqlite3.c >/dev/null)
  (cd "$d/native" && $WCC $WCFLAGS $SQLITE_DEFS  \
      -c sqlite3.c -o sqlite3.o && rm -f libsqlite3.a && $AR rcs libsqlite3.a sqlite3.o)
  cp "$d/native/libsqlite3.a" "$SYSROOT/lib/$TARGET/"
  cp "$d/native/sqlite3.h" "$d/native/sqlite3ext.h" "$SYSROOT/include/$TARGET/"
  mark sqlite
}

# CPython: Debian's orig tarball (upstream 3.13.5) plus the patches of Debian's series that are
# not in debian-patches.skip (i.e. the upstream fixes and all security updates).
stage_cpython_src() {
  done_stage cpython_src && return
  log "cpython source $PY_SRC_VER"
  rm -rf "$CPYTHON_SRC"
  dpkg-source --skip-patches -x "$(dsc "$PY_SRC_PKG" "$PY_SRC_VER")" "$CPYTHON_SRC"
  local p applied=()
  while read -r p; do
    case "$p" in ''|'#'*) continue ;; esac
    grep -qxF "$p" "$HERE/debian-patches.skip" && continue
    patch -d "$CPYTHON_SRC" -p1 --batch --forward --quiet <"$CPYTHON_SRC/debian/patches/$p"
    applied+=("$p")
  done <"$CPYTHON_SRC/debian/patches/series"
  printf '%s\n' "${applied[@]}" >"$SCRATCH/debian-patches.applied"
  mark cpython_src
}

# Native "build python" of the very same source, needed by the cross build (freezing,
# sysconfigdata) and to byte-compile the stdlib zip.
stage_native() {
  done_stage native && return
  log "native build python"
  mkdir -p "$NATIVE_BUILD"
  (cd "$NATIVE_BUILD" && ../../configure --prefix="$SCRATCH/native-prefix" >configure.log \
    && make -j"$JOBS" all >make.log)
  mark native
}

stage_wasi() {
  done_stage wasi && return
  log "cpython for $TARGET"
  rm -rf "$WASI_BUILD"
  mkdir -p "$WASI_BUILD"
  local S="$SYSROOT"
  # __DATE__/__TIME__ (sys.version, platform.python_build()) come from the Debian changelog
  # entry, not the wall clock, so rebuilding gives the same bytes (clang honours this variable).
  SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$CPYTHON_SRC/debian/changelog" -STimestamp)"
  export SOURCE_DATE_EPOCH
  (cd "$WASI_BUILD" && CONFIG_SITE="$HERE/config.site-wasi" \
    CC="$WCC" CPP="clang-cpp-19 --target=$TARGET --sysroot=$S" \
    CXX="clang++-19 --target=$TARGET --sysroot=$S" \
    AR=$AR RANLIB=$RANLIB READELF=true PKG_CONFIG=false \
    LDFLAGS="-Wl,--max-memory=$MAX_MEMORY" \
    ZLIB_CFLAGS="" ZLIB_LIBS="-lz" \
    BZIP2_CFLAGS="" BZIP2_LIBS="-lbz2" \
    LIBLZMA_CFLAGS="" LIBLZMA_LIBS="-llzma" \
    LIBSQLITE3_CFLAGS="" LIBSQLITE3_LIBS="-lsqlite3" \
    ../../configure -C --host=wasm32-unknown-wasi --build="$(gcc -dumpmachine)" \
      --with-build-python="$NATIVE_BUILD/python" --prefix=/usr/local \
      --disable-test-modules --without-ensurepip >configure.log \
    && make -j"$JOBS" all >make.log 2>&1 || { tail -40 make.log; exit 1; })
  mark wasi
}

# python.wasm as a WASI reactor: CPython's own objects and link flags (daylite.mk reads its
# Makefile), with our front end (daylite_python.c, which embeds daylite_run.py) instead of
# Programs/python.c, and our utimensat()/futimens() (../common/daylite_utimens.c) instead of
# wasi-libc's. Exports memory, _initialize, daylite_main, daylite_init, daylite_run.
# Cheap (seconds), so it is not stamped: it always relinks.
stage_reactor() {
  log "python.wasm (reactor with daylite's front end)"
  SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$CPYTHON_SRC/debian/changelog" -STimestamp)"
  export SOURCE_DATE_EPOCH
  make -C "$WASI_BUILD" -f Makefile -f "$HERE/daylite.mk" DAYLITE_DIR="$HERE" daylite-python.wasm
  llvm-strip-19 -o "$HERE/python.wasm" "$WASI_BUILD/daylite-python.wasm"
}

# The zip is made from a copy of Lib/ with our stdlib patches applied (stdlib-patches/*.patch, each
# says why in its header), so the source tree and the native build python that runs from it stay
# as Debian's. Python files only: no C rebuild, a few seconds.
stage_zip() {
  log "stdlib zip"
  local sysconfigdata p lib="$SCRATCH/stdlib/Lib"
  sysconfigdata="$(ls "$WASI_BUILD"/build/lib.*/_sysconfigdata_*.py)"
  rm -rf "$SCRATCH/stdlib"
  mkdir -p "$SCRATCH/stdlib"
  cp -a "$CPYTHON_SRC/Lib" "$lib"
  for p in "$HERE"/stdlib-patches/*.patch; do
    [ -e "$p" ] || continue
    log "stdlib patch $(basename "$p")"
    patch -d "$SCRATCH/stdlib" -p1 --batch --forward --quiet <"$p"
  done
  "$NATIVE_BUILD/python" -I "$HERE/mkzip.py" "$lib" "$sysconfigdata" \
    "$HERE/stdlib-exclude.txt" "$HERE/python313.zip"
}

stage_manifest() {
  log "manifest"
  local applied
  applied="$(paste -sd, "$SCRATCH/debian-patches.applied")"
  "$NATIVE_BUILD/python" -I "$HERE/manifest.py" "$HERE/../manifest.json" \
    --wasm "$HERE/python.wasm" --zip "$HERE/python313.zip" \
    --sources "$PY_SRC_SUITE:$PY_SRC_PKG=$PY_SRC_VER" "$SQLITE_SRC_SUITE:$SQLITE_SRC_PKG=$SQLITE_SRC_VER" \
      "$ZLIB_SRC_SUITE:$ZLIB_SRC_PKG=$ZLIB_SRC_VER" "$BZIP2_SRC_SUITE:$BZIP2_SRC_PKG=$BZIP2_SRC_VER" \
      "$XZ_SRC_SUITE:$XZ_SRC_PKG=$XZ_SRC_VER" \
    --toolchain $(for p in $TOOLCHAIN_PKGS; do dpkg-query -W -f='${Package}=${Version} ' "$p"; done) \
    --patches "$applied" \
    --sysconfigdata "$(ls "$WASI_BUILD"/build/lib.*/_sysconfigdata_*.py)" --scratch "$SCRATCH" \
    --stdlib-patches $(cd "$HERE/../.." && ls runtimes/python/stdlib-patches/*.patch) \
    --srcdir "$SRC" --local $(cd "$HERE/../.." && ls runtimes/python/build.sh runtimes/python/manifest.py \
      runtimes/python/mkzip.py runtimes/python/versions.env runtimes/python/stdlib-exclude.txt \
      runtimes/python/debian-patches.skip runtimes/python/config.site-wasi runtimes/python/compat/* \
      runtimes/python/stdlib-patches/*.patch \
      runtimes/python/daylite_python.c runtimes/python/daylite_run.py runtimes/python/daylite.mk \
      runtimes/common/daylite_utimens.c) \
    --sqlite-flags "$(echo $SQLITE_DEFS)" --max-memory "$MAX_MEMORY"
}

STAGES=(toolchain fetch sysroot zlib bzip2 xz sqlite cpython_src native wasi reactor zip manifest)
if [ $# -gt 0 ]; then STAGES=("$@"); fi
start=$(date +%s)
for s in "${STAGES[@]}"; do "stage_$s"; done
log "done in $(($(date +%s) - start)) s"
