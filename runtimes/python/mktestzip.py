"""Pack the part of CPython's Lib/test that the conformance run needs into a zip of sources.

Usage: python3 mktestzip.py LIBDIR SELECT_FILE OUT_ZIP [--manifest MANIFEST --srcdir DIR
                            --source SUITE:PACKAGE=VERSION]

LIBDIR is Lib/ of the patched python3.13 source tree; SELECT_FILE (tests-select.txt) lists the
test modules, packages and data files to ship. Every `test.*` module they import is added too
(found by scanning import statements, so imports inside functions count, and quoted names such
as 'test.datetimetester' given to import_fresh_module), with the __init__.py
of every package on the way. Files are stored as .py sources (tracebacks show lines), sorted,
dated 1980-01-01, deflate level 9: the zip is byte-for-byte reproducible. Runs under any
Python 3 (it never parses with `ast`, so the host's Python may be older than 3.13).

With --manifest, the key python/python313-tests.zip of runtimes/manifest.json is written
(read-modify-write; other keys untouched) with the zip's sha256, size and the source package's
files and their sha256 (from the .dsc in --srcdir).
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import zipfile

MANIFEST_KEY = "python/python313-tests.zip"

# `from X import a, b` / `from X import (a,\n b)` / `import X, Y as Z`, at any indentation.
FROM_RE = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
IMPORT_RE = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
# 'test.datetimetester' and the like: module names in strings (import_fresh_module, import_module).
STRING_RE = re.compile(r"""['"](test(?:\.\w+)+)['"]""")


def read_select(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line)
    return out


class Packer:
    def __init__(self, libdir):
        self.libdir = libdir
        self.files = set()  # paths relative to libdir, "/"-separated
        self.todo = []

    def exists(self, rel):
        return os.path.exists(os.path.join(self.libdir, rel))

    def module_file(self, dotted):
        """test.a.b -> test/a/b.py or test/a/b/__init__.py (None if neither)."""
        base = dotted.replace(".", "/")
        for rel in (base + ".py", base + "/__init__.py"):
            if os.path.isfile(os.path.join(self.libdir, rel)):
                return rel
        return None

    def add_file(self, rel):
        if rel in self.files:
            return
        self.files.add(rel)
        # Parent packages are imported first, so they are needed too.
        parts = rel.split("/")
        for i in range(1, len(parts)):
            init = "/".join(parts[:i]) + "/__init__.py"
            if self.exists(init):
                self.add_file(init)
        if rel.endswith(".py"):
            self.todo.append(rel)

    def add_path(self, rel):
        full = os.path.join(self.libdir, rel)
        if os.path.isdir(full):
            for root, dirs, names in os.walk(full):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for n in sorted(names):
                    if not n.endswith((".pyc", ".pyo")):
                        self.add_file(os.path.relpath(os.path.join(root, n), self.libdir).replace(os.sep, "/"))
        elif os.path.isfile(full):
            self.add_file(rel)
        else:
            sys.exit(f"mktestzip: {rel} is not in {self.libdir}")

    def add_module(self, dotted):
        if dotted != "test" and not dotted.startswith("test."):
            return
        rel = self.module_file(dotted)
        if rel:
            self.add_file(rel)

    def scan(self, rel):
        with open(os.path.join(self.libdir, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        package = rel[:-3].replace("/", ".")
        if not rel.endswith("/__init__.py"):
            package = package.rsplit(".", 1)[0]
        else:
            package = package[: -len(".__init__")]
        for m in FROM_RE.finditer(text):
            mod, names = m.group(1), m.group(2)
            if mod.startswith("."):
                dots = len(mod) - len(mod.lstrip("."))
                base = package.split(".")
                base = base[: len(base) - (dots - 1)] if dots > 1 else base
                mod = ".".join(base + ([mod.lstrip(".")] if mod.lstrip(".") else []))
            self.add_module(mod)
            for name in names.strip("()").replace("\\", " ").split(","):
                name = name.split(" as ")[0].strip()
                if name and name != "*":
                    self.add_module(f"{mod}.{name}")
        for m in IMPORT_RE.finditer(text):
            for name in m.group(1).split(","):
                name = name.strip().split(" ")[0]
                parts = name.split(".")
                for i in range(1, len(parts) + 1):
                    self.add_module(".".join(parts[:i]))
        for m in STRING_RE.finditer(text):
            self.add_module(m.group(1))

    def run(self, select):
        for rel in select:
            self.add_path(rel)
        while self.todo:
            self.scan(self.todo.pop())


def write_zip(libdir, files, out):
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w") as zf:
        for rel in sorted(files):
            with open(os.path.join(libdir, rel), "rb") as f:
                data = f.read()
            info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    os.replace(tmp, out)


def source_entry(spec, srcdir):
    suite, rest = spec.split(":", 1)
    name, version = rest.split("=", 1)
    dsc = os.path.join(srcdir, f"{name}_{version.split(':', 1)[-1]}.dsc")
    names = [os.path.basename(dsc)]
    in_files = False
    with open(dsc, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("Files:"):
                in_files = True
            elif in_files and line.startswith(" "):
                names.append(line.split()[-1])
            elif in_files:
                break
    files = {}
    for n in sorted(names):
        with open(os.path.join(srcdir, n), "rb") as f:
            files[n] = hashlib.sha256(f.read()).hexdigest()
    return {"package": name, "version": version, "suite": suite, "files": files}


def update_manifest(path, out, files, source, select_rel):
    with open(out, "rb") as f:
        data = f.read()
    raw = 0
    with zipfile.ZipFile(out) as zf:
        raw = sum(i.file_size for i in zf.infolist())
    entry = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "gzipBytes": len(gzip.compress(data, 9, mtime=0)),
        "description": f"CPython {source['version'].split('-')[0]} Lib/test subset for the conformance "
        f"run (test/conformance): {len(files)} files as .py sources and data, {raw} bytes unpacked",
        "recipe": "runtimes/python/build-tests.sh (mktestzip.py, tests-select.txt)",
        "selection": select_rel,
        "license": "PSF-2.0 (CPython's Lib/test as in the Debian source package, patched like python.wasm; not modified by us)",
        "sources": [source],
    }
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        manifest = {}
    manifest.setdefault("artifacts", {})[MANIFEST_KEY] = entry
    tmp = path + ".tmp-python-tests"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    print(f"updated {path}: {MANIFEST_KEY}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("libdir")
    p.add_argument("select")
    p.add_argument("out")
    p.add_argument("--manifest")
    p.add_argument("--srcdir", help="where the source package's files are (with --manifest)")
    p.add_argument("--source", help="SUITE:PACKAGE=VERSION (with --manifest)")
    p.add_argument("--select-name", default="runtimes/python/tests-select.txt")
    a = p.parse_args()

    packer = Packer(a.libdir)
    packer.run(read_select(a.select))
    write_zip(a.libdir, packer.files, a.out)
    print(f"{a.out}: {len(packer.files)} files, {os.path.getsize(a.out)} bytes", file=sys.stderr)
    if a.manifest:
        update_manifest(a.manifest, a.out, packer.files, source_entry(a.source, a.srcdir), a.select_name)


if __name__ == "__main__":
    main()
