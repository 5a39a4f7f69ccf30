"""Update the python/* entries of runtimes/manifest.json (read-modify-write; other keys untouched).

Called by build.sh's manifest stage; run under any Python 3.
"""

import argparse
import gzip
import hashlib
import json
import os
import platform
import re

p = argparse.ArgumentParser()
p.add_argument("manifest")
p.add_argument("--wasm", required=True)
p.add_argument("--zip", required=True)
p.add_argument("--sources", nargs="+", required=True, help="SUITE:PACKAGE=VERSION")
p.add_argument("--toolchain", nargs="+", required=True, help="PACKAGE=VERSION")
p.add_argument("--patches", required=True, help="comma-separated Debian patches applied")
p.add_argument("--sysconfigdata", required=True)
p.add_argument("--scratch", required=True)
p.add_argument("--srcdir", required=True, help="where apt-get source put the packages")
p.add_argument("--local", nargs="*", default=[], help="our recipe files, relative to the repo")
p.add_argument("--stdlib-patches", nargs="*", default=[], help="our patches to Lib/, relative to the repo")
p.add_argument("--sqlite-flags", required=True)
p.add_argument("--max-memory", type=int, required=True)
a = p.parse_args()


def digest(path):
    data = open(path, "rb").read()
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "gzipBytes": len(gzip.compress(data, 9, mtime=0)),
    }


def wasm_exports(path):
    """Names the module exports (the export section, id 7), in order."""
    data = open(path, "rb").read()

    def leb(i):
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return n, i

    i = 8  # magic + version
    while i < len(data):
        sid = data[i]
        size, i = leb(i + 1)
        if sid == 7:
            count, j = leb(i)
            names = []
            for _ in range(count):
                length, j = leb(j)
                names.append(data[j : j + length].decode())
                _, j = leb(j + length + 1)  # kind byte, then the index
            return names
        i += size
    return []


def source(spec):
    suite, rest = spec.split(":", 1)
    name, version = rest.split("=", 1)
    # The files apt-get source fetched (the .dsc lists them), with their sha256.
    dsc = os.path.join(a.srcdir, f"{name}_{version.split(':', 1)[-1]}.dsc")
    names = [os.path.basename(dsc)]
    in_files = False
    for line in open(dsc, encoding="utf-8", errors="replace"):
        if line.startswith("Files:"):
            in_files = True
        elif in_files and line.startswith(" "):
            names.append(line.split()[-1])
        elif in_files:
            break
    files = {n: hashlib.sha256(open(os.path.join(a.srcdir, n), "rb").read()).hexdigest() for n in sorted(names)}
    return {"package": name, "version": version, "suite": suite, "files": files}


ns = {}
exec(open(a.sysconfigdata).read(), ns)
cfg = ns["build_time_vars"]


def clean(s):
    return " ".join(s.replace(a.scratch, "$SCRATCH").split())


sources = [source(s) for s in a.sources]
toolchain = dict(t.split("=", 1) for t in a.toolchain)
python_version = platform.python_version()  # build.sh runs this under the native build python

ldflags = clean(cfg["PY_LDFLAGS"] + " " + cfg.get("PY_LDFLAGS_NODIST", ""))
wasm = {
    **digest(a.wasm),
    "description": f"CPython {python_version} for wasm32-wasi (WASI preview 1), stripped; a WASI reactor "
    "with daylite's snapshot entry points (runtimes/python/README.md)",
    "recipe": "runtimes/python/build.sh",
    "exports": wasm_exports(a.wasm),
    "sources": sources,
    "debianPatches": {
        "applied": [x for x in a.patches.split(",") if x],
        "notApplied": "see runtimes/python/debian-patches.skip",
    },
    "localSources": a.local,
    "toolchain": toolchain,
    "build": {
        "target": "wasm32-wasi",
        "configure": clean(cfg["CONFIG_ARGS"]),
        "cflags": clean(cfg["PY_CFLAGS"] + " " + cfg.get("PY_CFLAGS_NODIST", "")),
        "ldflags": ldflags,
        "libs": clean(cfg["LIBS"] + " " + cfg.get("MODLIBS", "")),
        "sqliteCflags": a.sqlite_flags,
        "execModel": "reactor (-mexec-model=reactor; front end runtimes/python/daylite_python.c)",
        "postLink": "llvm-strip-19",
        "maxMemoryBytes": a.max_memory,
        "initialMemoryBytes": int(re.search(r"initial-memory=(\d+)", ldflags).group(1)),
        "stackSizeBytes": int(re.search(r"stack-size=(\d+)", ldflags).group(1)),
    },
}
stdlib = {
    **digest(a.zip),
    "description": f"CPython {python_version} standard library: unchecked-hash .pyc only, deflated",
    "recipe": "runtimes/python/build.sh (mkzip.py, stdlib-exclude.txt, stdlib-patches/)",
    "sources": [s for s in sources if s["package"].startswith("python")],
    # Applied to Lib/ (after Debian's patches) before compiling; each file's header says why.
    "stdlibPatches": a.stdlib_patches,
}

try:
    with open(a.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
except FileNotFoundError:
    manifest = {}
manifest.setdefault("artifacts", {})
manifest["artifacts"]["python/python.wasm"] = wasm
manifest["artifacts"]["python/python313.zip"] = stdlib
tmp = a.manifest + ".tmp-python"
with open(tmp, "w", encoding="utf-8") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
os.replace(tmp, a.manifest)
print(f"updated {a.manifest}: python/python.wasm, python/python313.zip")
