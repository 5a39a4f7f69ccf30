#!/usr/bin/env bash
# Rebuild runtimes/quickjs/qjs.wasm from Debian's quickjs source package with
# Debian's clang/lld/wasi-libc, then record it in runtimes/manifest.json.
# The module is a WASI reactor: our front-end daylite_node.c exports
# daylite_main (the stock qjs command line), daylite_init/daylite_run (the
# `node` command from a memory snapshot) and _start (both, for plain hosts).
# runtimes/common/daylite_utimens.c replaces wasi-libc's utimensat()/futimens()
# (times == NULL set the epoch, not now; shared with python.wasm).
#
#   bash runtimes/quickjs/build.sh            # full rebuild (needs root for apt)
#   QJS_WORK=/tmp/elsewhere bash runtimes/quickjs/build.sh
#   QJS_NO_APT=1 bash runtimes/quickjs/build.sh   # toolchain already installed
#   QJS_MAX_MEMORY=134217728 bash ...         # a different declared maximum
#   QJS_OUT=/tmp/qjs.wasm bash ...            # write the artifact there, leave the manifest alone
#
# Re-runnable. Writes only to runtimes/quickjs/qjs.wasm, the "quickjs/qjs.wasm"
# key of runtimes/manifest.json and the scratch dir $QJS_WORK (wiped each run).
# Outside the repo it installs the Debian packages below and, if trixie sources
# are not known to apt yet, adds the deb-src entry
# /etc/apt/sources.list.d/trixie-src.sources (bookworm has no quickjs).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUNTIMES="$(dirname "$HERE")"
WORK="${QJS_WORK:-/tmp/daylite-quickjs-build}"

# --- pinned inputs -----------------------------------------------------------
SRC_PKG=quickjs
SRC_VER=2025.04.26-1
SRC_SUITE=trixie
QJS_VERSION=2025-04-26                 # upstream VERSION file, CONFIG_VERSION
declare -A SRC_SHA256=(
  [quickjs_2025.04.26-1.dsc]=9dc1d44c9d68023ba42778f2263b25409e0037aefa32cd72a56420d2ed4fdc06
  [quickjs_2025.04.26.orig.tar.xz]=ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe
  [quickjs_2025.04.26-1.debian.tar.xz]=33e980d4737e83419ae2fb3c833a9d1813ee5edbf2e3da129a66f8bffac23862
)
TOOL_PKGS=(clang-19 lld-19 llvm-19 wasi-libc libclang-rt-19-dev-wasm32 binaryen dpkg-dev patch)

# Declared maximum of the wasm memory (bytes, multiple of 64 KiB). memory.grow
# beyond it fails, malloc returns NULL and QuickJS throws
# "InternalError: out of memory". See README.md for capping lower per process.
MAX_MEMORY="${QJS_MAX_MEMORY:-268435456}"      # 256 MiB
# Linear-memory C stack (placed first, so an overflow traps instead of
# corrupting data). 1 MiB = 4x the JS stack limit below.
STACK_SIZE=1048576
# QuickJS's JS stack limit (JS_DEFAULT_STACK_SIZE, upstream 1 MiB). It must be
# hit before the *host* (V8) stack overflows, or deep recursion aborts the host
# instead of throwing a catchable InternalError. 256 KiB is what the reference
# recipe passes as --stack-size; baking it in makes plain `qjs file.js` safe.
JS_STACK_SIZE=262144

CC=clang-19
TARGET=(--target=wasm32-wasi)
CFLAGS=(-O2 -fwrapv -D_GNU_SOURCE "-DCONFIG_VERSION=\"$QJS_VERSION\""
        "-DJS_DEFAULT_STACK_SIZE=$JS_STACK_SIZE"
        -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_GETPID
        "-ffile-prefix-map=$WORK/=" -Wno-deprecated-declarations)
LDFLAGS=(-mexec-model=reactor -Wl,--stack-first "-Wl,-z,stack-size=$STACK_SIZE" "-Wl,--max-memory=$MAX_MEMORY"
         -lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-getpid -lm)

log() { printf '\n== %s\n' "$*" >&2; }
t0=$(date +%s)

# --- 1. toolchain ------------------------------------------------------------
if [[ -z "${QJS_NO_APT:-}" ]]; then
  missing=()
  for p in "${TOOL_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "apt-get install ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}"
  fi
fi

# --- 2. source package (trixie deb-src) -------------------------------------
case "$WORK" in /tmp/?*) ;; *) echo "QJS_WORK must be a directory under /tmp" >&2; exit 1 ;; esac
rm -rf "$WORK"
mkdir -p "$WORK/dl"
have_src() { apt-cache showsrc "$SRC_PKG" 2>/dev/null | grep -qx "Version: $SRC_VER"; }
if ! have_src; then
  log "adding deb-src entry for $SRC_SUITE"
  if [[ ! -e /etc/apt/sources.list.d/trixie-src.sources ]]; then
    printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' "Suites: $SRC_SUITE" \
      'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
      > /etc/apt/sources.list.d/trixie-src.sources
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  have_src || { echo "apt does not know $SRC_PKG $SRC_VER" >&2; exit 1; }
fi
log "fetching $SRC_PKG $SRC_VER"
(cd "$WORK/dl" && apt-get source --download-only -qq "$SRC_PKG=$SRC_VER" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
for f in "${!SRC_SHA256[@]}"; do
  echo "${SRC_SHA256[$f]}  $WORK/dl/$f" | sha256sum -c --quiet - || { echo "checksum mismatch: $f" >&2; exit 1; }
done
# dpkg-source applies Debian's own patches (they only touch the Makefile,
# which we do not use) exactly as the package build would.
(cd "$WORK/dl" && dpkg-source -x "${SRC_PKG}_${SRC_VER}.dsc" "$WORK/src" >/dev/null)

# --- 3. our patches ----------------------------------------------------------
log "applying runtimes/quickjs/patches"
for p in "$HERE"/patches/*.patch; do
  patch -d "$WORK/src" -p1 --forward --quiet < "$p"
done

# --- 4. private sysroot (keeps host /usr/include out of the build) -----------
mkdir -p "$WORK/sysroot/include" "$WORK/sysroot/lib"
cp -a /usr/include/wasm32-wasi "$WORK/sysroot/include/"
cp -a /usr/lib/wasm32-wasi "$WORK/sysroot/lib/"
TARGET+=("--sysroot=$WORK/sysroot")

# --- 5. repl.c: compile repl.js to bytecode with a native qjsc --------------
log "native qjsc for repl.c"
cd "$WORK/src"
HOST_SRCS=(qjsc.c quickjs.c dtoa.c libregexp.c libunicode.c cutils.c quickjs-libc.c)
$CC -O0 -w -D_GNU_SOURCE "-DCONFIG_VERSION=\"$QJS_VERSION\"" -DCONFIG_CC='"clang-19"' -DCONFIG_PREFIX='"/usr"' \
  -o "$WORK/host-qjsc" "${HOST_SRCS[@]}" -lm -ldl -lpthread
"$WORK/host-qjsc" -s -c -o repl.c -m repl.js

# --- 6. wasm compile + link --------------------------------------------------
log "compiling for wasm32-wasi"
t1=$(date +%s)
OBJS=()
compile() { # src [extra flags...]
  local src=$1; shift
  local obj="$WORK/obj/$(basename "${src%.c}").o"
  mkdir -p "$WORK/obj"
  $CC "${TARGET[@]}" "${CFLAGS[@]}" -I"$HERE/compat/include" "$@" -c "$src" -o "$obj" &
  OBJS+=("$obj")
}
for s in repl.c quickjs.c dtoa.c libregexp.c libunicode.c cutils.c; do compile "$s"; done
# qjs.c's main() becomes qjs_main(), called by daylite_main() in our front-end
compile qjs.c -Dmain=qjs_main
cp "$HERE/daylite_node.c" "$WORK/daylite_node.c"
compile "$WORK/daylite_node.c" -I"$WORK/src"
compile quickjs-libc.c -include "$HERE/compat/wasi_compat.h"
cp "$HERE/compat/wasi_compat.c" "$WORK/wasi_compat.c"
compile "$WORK/wasi_compat.c" -I"$HERE/compat"
# utimensat()/futimens() in place of wasi-libc's (shared with python.wasm; see the file)
cp "$RUNTIMES/common/daylite_utimens.c" "$WORK/daylite_utimens.c"
compile "$WORK/daylite_utimens.c"
for job in $(jobs -p); do wait "$job"; done
$CC "${TARGET[@]}" -o "$WORK/qjs.wasm" "${OBJS[@]}" "${LDFLAGS[@]}"
t2=$(date +%s)

# --- 7. strip (+ wasm-opt only if it shrinks the gzip size) ------------------
log "strip"
llvm-strip-19 -o "$WORK/qjs.stripped.wasm" "$WORK/qjs.wasm"
OUT="$WORK/qjs.stripped.wasm"
WASM_OPT_FLAGS=""
if [[ -n "${QJS_WASM_OPT:-}" ]]; then
  # Off by default: measured in README.md (no worthwhile gain). binaryen 108
  # with default features keeps the output loadable by Node 20.
  WASM_OPT_FLAGS="$QJS_WASM_OPT"
  wasm-opt $WASM_OPT_FLAGS -o "$WORK/qjs.opt.wasm" "$OUT"
  OUT="$WORK/qjs.opt.wasm"
fi
if [[ -n "${QJS_OUT:-}" ]]; then
  install -m 644 "$OUT" "$QJS_OUT"
  log "done (not recorded in the manifest): $QJS_OUT $(stat -c %s "$QJS_OUT") bytes"
  exit 0
fi
install -m 644 "$OUT" "$HERE/qjs.wasm"

# --- 8. manifest -------------------------------------------------------------
pkgver() { dpkg-query -W -f='${Version}' "$1"; }
export QJS_MANIFEST_JSON
QJS_MANIFEST_JSON=$(cat <<EOF
{
  "recipe": "runtimes/quickjs/build.sh",
  "source": {
    "package": "$SRC_PKG",
    "version": "$SRC_VER",
    "suite": "$SRC_SUITE",
    "upstreamVersion": "$QJS_VERSION",
    "files": {
$(for f in $(printf '%s\n' "${!SRC_SHA256[@]}" | sort); do printf '      "%s": "%s",\n' "$f" "${SRC_SHA256[$f]}"; done | sed '$ s/,$//')
    },
    "localSources": [$(cd "$RUNTIMES" && ls common/daylite_utimens.c quickjs/daylite_node.c quickjs/patches/*.patch quickjs/compat/*.[ch] quickjs/compat/include/*.h quickjs/compat/include/sys/*.h | sed 's/.*/"runtimes\/&"/' | paste -sd, -)]
  },
  "toolchain": {
    "clang-19": "$(pkgver clang-19)",
    "lld-19": "$(pkgver lld-19)",
    "llvm-19": "$(pkgver llvm-19)",
    "wasi-libc": "$(pkgver wasi-libc)",
    "libclang-rt-19-dev-wasm32": "$(pkgver libclang-rt-19-dev-wasm32)",
    "binaryen": "$(pkgver binaryen)"
  },
  "build": {
    "target": "wasm32-wasi",
    "execModel": "reactor",
    "cflags": $(printf '%s\n' "${CFLAGS[@]}" | grep -v '^-ffile-prefix-map' | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim().split("\n")))'),
    "ldflags": $(printf '%s\n' "${LDFLAGS[@]}" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim().split("\n")))'),
    "postLink": "llvm-strip-19${WASM_OPT_FLAGS:+ + wasm-opt $WASM_OPT_FLAGS}",
    "maxMemoryBytes": $MAX_MEMORY,
    "stackSizeBytes": $STACK_SIZE,
    "jsStackSizeBytes": $JS_STACK_SIZE
  }
}
EOF
)
node "$HERE/update-manifest.mjs" "$RUNTIMES/manifest.json" quickjs/qjs.wasm "$HERE/qjs.wasm"

t3=$(date +%s)
log "done: $(stat -c %s "$HERE/qjs.wasm") bytes, gzip -9 $(gzip -9c "$HERE/qjs.wasm" | wc -c) bytes; wasm compile+link $((t2 - t1)) s, total $((t3 - t0)) s"
