"""Write the pyc-only standard library zip for python.wasm.

Usage: python3.13 mkzip.py LIBDIR SYSCONFIGDATA EXCLUDE_FILE OUT_ZIP

Must run under the native build python of the same CPython version (same bytecode magic).
Every .py under LIBDIR, except what EXCLUDE_FILE lists, is compiled to an unchecked-hash
.pyc (PEP 552: no timestamps, never revalidated against a source), non-Python package data
is stored as is, and the wasm build's _sysconfigdata module is added at the top level.
Entries are sorted and dated 1980-01-01, so the zip is byte-for-byte reproducible.
"""

import fnmatch
import importlib.util
import os
import sys
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

ZIP_NAME = "python313.zip"
# co_filename of the compiled code: where the zip sits in the default layout
# (sys.prefix/lib/python313.zip). Only used in tracebacks (sources are not shipped).
CO_PREFIX = "/usr/local/lib/" + ZIP_NAME


def load_excludes(path):
    patterns = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                patterns.append(line)
    return patterns


def excluded(rel, patterns):
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, pat) for p in prefixes for pat in patterns)


def pyc_bytes(source_path, arcname_py):
    with open(source_path, "rb") as f:
        source = f.read()
    code = compile(source, f"{CO_PREFIX}/{arcname_py}", "exec", dont_inherit=True, optimize=0)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


def add(zf, arcname, data):
    info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data, compresslevel=9)


def main():
    libdir, sysconfigdata, exclude_file, out = sys.argv[1:5]
    patterns = load_excludes(exclude_file)
    entries = {}
    skipped = []
    for root, dirs, files in os.walk(libdir):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, libdir).replace(os.sep, "/")
            if excluded(rel, patterns) or name.endswith((".pyc", ".pyo")):
                continue
            if name.endswith(".py"):
                try:
                    entries[rel[:-3] + ".pyc"] = pyc_bytes(path, rel)
                except SyntaxError as e:
                    skipped.append(f"{rel}: {e}")
            else:
                with open(path, "rb") as f:
                    entries[rel] = f.read()
    name = os.path.basename(sysconfigdata)
    entries[name[:-3] + ".pyc"] = pyc_bytes(sysconfigdata, name)

    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as zf:
        for arcname in sorted(entries):
            add(zf, arcname, entries[arcname])
    os.replace(tmp, out)
    for s in skipped:
        print("skipped (syntax error):", s, file=sys.stderr)
    print(f"{out}: {len(entries)} entries, {os.path.getsize(out)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
