"""daylite's snapshot front end, compiled into python.wasm as the module `_daylite`.

daylite_python.c runs `init()` once after initialising the interpreter in a neutral environment
(argv ["python3"], HOME/PATH/LANG only, cwd "/"); the host then copies the linear memory. Each
later run restores that copy and calls `prepare(argv, environ)`, which makes the interpreter look
as if it had just started as `python3 <args>` in this run's environment and returns what to run;
the C side then runs it with CPython's own functions (Modules/main.c) and finalises.

Only options that do not change how the interpreter initialises are accepted here (the host
checks with `pythonSnapshotUsable()` in src/engine/kernel/python.ts and runs anything else cold).
"""

import io
import os
import sys
import time

# Imported at init so that runs find them in memory. Each name is imported if it can be; the
# cost of each (this box, in the init instance) is in runtimes/python/README.md.
PRELOAD = (
    "encodings",
    "io",
    "abc",
    "os",
    "stat",
    "collections",
    "collections.abc",
    "functools",
    "itertools",
    "operator",
    "re",
    "enum",
    "types",
    "typing",
    "contextlib",
    "dataclasses",
    "copy",
    "json",
    "math",
    "random",
    "string",
    "textwrap",
    "datetime",
    "time",
    "calendar",
    "pathlib",
    "traceback",
    "linecache",
    "tokenize",
    "runpy",
    "warnings",
    "weakref",
    "tempfile",
    "shutil",
    "glob",
    "fnmatch",
    "struct",
    "base64",
    "hashlib",
    "secrets",
    "uuid",
    "decimal",
    "fractions",
    "statistics",
    "heapq",
    "bisect",
    "csv",
    "pprint",
    "argparse",
    "logging",
    "inspect",
    "pickle",
    "threading",
    "subprocess",
    "urllib.parse",
    "zipfile",
    "sqlite3",
    "asyncio",
)

# Flags accepted here (besides -c, -m, -q and -V), with the attribute they set. -s changes nothing
# on WASI (there is no user site) and CPython ignores -t, but both are accepted as CPython does.
_SHORT_FLAGS = {"B": "no_bytecode", "P": "safe_path", "s": "no_user_site", "t": None, "u": "unbuffered"}


class _Options:
    def __init__(self):
        self.command = None
        self.module = None
        self.version = 0
        self.no_bytecode = False
        self.safe_path = False
        self.quiet = 0
        self.no_user_site = False
        self.unbuffered = False
        self.rest = []


def init():
    """Imports PRELOAD, then checks that init left nothing behind. 0 means the memory may be copied."""
    import gc

    captured = io.StringIO()
    out, err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = captured
    try:
        for name in PRELOAD:
            try:
                __import__(name)
            except Exception as e:  # a module that cannot be imported here is simply not preloaded
                print(f"daylite: preload {name}: {e!r}", file=captured)
    finally:
        sys.stdout, sys.stderr = out, err
    problems = captured.getvalue()
    # Nothing buffered for a run to write out, no file descriptor beyond stdio and the preopen.
    for fd in range(4, 64):
        try:
            os.fstat(fd)
        except OSError:
            continue
        problems += f"daylite: fd {fd} is open after init\n"
    if problems:
        err.write(problems)
        err.flush()
        return 1
    gc.collect()
    # The snapshot's objects stay alive for the whole run: keep the collector off them.
    gc.freeze()
    return 0


def prepare(argv, environ):
    """This run's argv and environment (lists of bytes) -> what daylite_python.c runs."""
    _set_environ(environ)
    args = [os.fsdecode(a) for a in argv]
    program = args[0] if args and args[0] else "python3"
    o = _parse(args)
    if isinstance(o, str):
        sys.stderr.write(f"{program}: {o}: not available when starting from a snapshot (daylite); run it cold\n")
        sys.stderr.flush()
        return ("exit", 2)
    if o.version:
        print(f"Python {sys.version if o.version > 1 else sys.version.split()[0]}")
        return ("exit", 0)

    env = os.environ
    o.unbuffered = o.unbuffered or _env_flag(env, "PYTHONUNBUFFERED")
    o.no_bytecode = o.no_bytecode or _env_flag(env, "PYTHONDONTWRITEBYTECODE")
    o.no_user_site = o.no_user_site or _env_flag(env, "PYTHONNOUSERSITE")
    o.safe_path = o.safe_path or bool(env.get("PYTHONSAFEPATH"))
    _set_stdio(env, o.unbuffered)
    _set_flags(o)
    _fresh_state()

    # sys.argv as config_update_argv() leaves it, then sys.path as getpath + pymain_run_python.
    if o.command is not None:
        sys.argv = ["-c", *o.rest]
    elif o.module is not None:
        sys.argv = ["-m", *o.rest]
    else:
        sys.argv = o.rest or [""]
    sys.orig_argv = args
    filename = None
    if o.command is None and o.module is None and o.rest and o.rest[0] != "-":
        filename = _abspath_config(o.rest[0])
    pythonpath = env.get("PYTHONPATH")
    if pythonpath:
        sys.path[0:0] = [_abspath_getpath(p) for p in pythonpath.split(os.pathsep)]
    _process_pth_files()
    _apply_env_options(env)

    main_importer = filename is not None and _get_importer(filename) is not None
    if main_importer:
        sys.path.insert(0, filename)
    elif not o.safe_path:
        sys.path.insert(0, _sys_path0(sys.argv))

    if o.command is not None:
        return ("command", o.command)
    if o.module is not None:
        return ("module", o.module, True)
    if main_importer:
        return ("module", "__main__", False)
    if filename is not None:
        return ("file", program, filename)
    if os.isatty(0):
        # pymain_header and pymain_run_stdin for an interactive session (hosts should run these cold).
        if not o.quiet:
            sys.stderr.write(f"Python {sys.version} on {sys.platform}\n")
            sys.stderr.write('Type "help", "copyright", "credits" or "license" for more information.\n')
        hook = getattr(sys, "__interactivehook__", None)
        if hook is not None:
            hook()
        if not env.get("PYTHON_BASIC_REPL"):
            return ("module", "_pyrepl", False)
    return ("stdin",)


def _parse(args):
    """Python/getopt.c and config_parse_cmdline() for the accepted options; a string names a refused one."""
    o = _Options()
    i, n = 1, len(args)
    while i < n:
        a = args[i]
        if a[:1] != "-" or a == "-":
            break
        i += 1
        if a == "--":
            break
        if a == "--version":
            o.version += 1
            continue
        if a.startswith("--"):
            return a
        j = 1
        while j < len(a):
            c = a[j]
            j += 1
            if c in "cm":
                if j < len(a):
                    value = a[j:]
                elif i < n:
                    value = args[i]
                    i += 1
                else:
                    return f"-{c}"
                if c == "c":
                    o.command = value + "\n"
                else:
                    o.module = value
                o.rest = args[i:]
                return o
            if c == "V":
                o.version += 1
            elif c == "q":
                o.quiet += 1
            elif c in _SHORT_FLAGS:
                if _SHORT_FLAGS[c]:
                    setattr(o, _SHORT_FLAGS[c], True)
            else:
                return f"-{c}"
    o.rest = args[i:]
    return o


def _env_flag(env, name):
    """_Py_get_env_flag(): set and not empty; a number counts as its value, anything else as 1."""
    value = env.get(name)
    if not value:
        return False
    try:
        return int(value) != 0
    except ValueError:
        return True


def _set_environ(environ):
    """posix.environ (which os.environ and os.environb wrap) from the C environment, as convertenviron() builds it."""
    data = os.environ._data
    data.clear()
    for item in environ:
        key, sep, value = item.partition(b"=")
        if sep and key not in data:
            data[key] = value


def _stdio_encoding(env):
    encoding, errors = sys.stdout.encoding, sys.stdout.errors
    spec = env.get("PYTHONIOENCODING")
    if spec:
        enc, _, err = spec.partition(":")
        if enc:
            # config_get_codec_name(): the codec's own name ("latin-1" -> "iso8859-1").
            import codecs

            encoding = codecs.lookup(enc).name
        errors = err or errors
    return encoding, errors


def _set_stdio(env, unbuffered):
    """sys.std* as create_stdio() makes them for this run's flags and terminals."""
    encoding, errors = _stdio_encoding(env)
    streams = (
        ("stdin", 0, False, errors),
        ("stdout", 1, True, errors),
        ("stderr", 2, True, "backslashreplace"),
    )
    for name, fd, write, errs in streams:
        buffering = 0 if unbuffered and write else -1
        try:
            buf = io.open(fd, "wb" if write else "rb", buffering, closefd=False)
        except OSError:  # not open in this process: CPython leaves None
            setattr(sys, name, None)
            setattr(sys, f"__{name}__", None)
            continue
        raw = buf if buffering == 0 else buf.raw
        raw.name = f"<{name}>"
        line_buffering = not unbuffered and (raw.isatty() or fd == 2)
        stream = io.TextIOWrapper(buf, encoding, errs, "\n", line_buffering, unbuffered)
        stream.mode = "w" if write else "r"
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _set_flags(o):
    flags = sys.flags
    changes = {
        "dont_write_bytecode": int(o.no_bytecode),
        "no_user_site": int(o.no_user_site),
        "quiet": o.quiet,
        "safe_path": bool(o.safe_path),
    }
    if any(getattr(flags, k) != v for k, v in changes.items()):
        names = type(flags).__match_args__
        sys.flags = sys.modules["_daylite"].make_flags(tuple(changes.get(k, getattr(flags, k)) for k in names))
    sys.dont_write_bytecode = o.no_bytecode


def _fresh_state():
    """What a new process would not share with the snapshot: random state, caches of the file system."""
    modules = sys.modules
    if "random" in modules:
        modules["random"].seed()
    tempfile = modules.get("tempfile")
    if tempfile is not None:
        tempfile._name_sequence = None
        tempfile.tempdir = None
    linecache = modules.get("linecache")
    if linecache is not None:
        linecache.clearcache()
    logging = modules.get("logging")
    if logging is not None:
        # LogRecord.relativeCreated counts from here.
        logging._startTime = time.time_ns()
    _invalidate_import_caches()


def _invalidate_import_caches():
    """importlib.invalidate_caches() without importing importlib.metadata (whose caches are empty
    unless it was imported): the file system may have changed since the snapshot."""
    from importlib import _bootstrap_external

    path_finder = _bootstrap_external.PathFinder
    for finder in sys.meta_path:
        if finder is not path_finder and hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()
    # PathFinder.invalidate_caches(), minus its import of importlib.metadata.
    cache = sys.path_importer_cache
    for name, finder in list(cache.items()):
        if finder is None or not _bootstrap_external._path_isabs(name):
            del cache[name]
        elif hasattr(finder, "invalidate_caches"):
            finder.invalidate_caches()
    _bootstrap_external._NamespacePath._epoch += 1
    metadata = sys.modules.get("importlib.metadata")
    if metadata is not None:
        metadata.MetadataPathFinder.invalidate_caches()


def _process_pth_files():
    """site.main() reads the .pth files of site-packages at start-up; at init there were none
    (packages are installed later), so read them now. Their directories go to the end of sys.path."""
    site = sys.modules.get("site")
    if site is None:
        return
    for sitedir in site.getsitepackages():
        try:
            names = os.listdir(sitedir)
        except OSError:
            continue
        if any(n.endswith(".pth") and not n.startswith(".") for n in names):
            site.addsitedir(sitedir)


def _apply_env_options(env):
    """Environment variables that take effect after initialisation too."""
    warnings = [w for w in env.get("PYTHONWARNINGS", "").split(",") if w]
    if warnings:
        sys.warnoptions[:] = warnings
        if "warnings" in sys.modules:
            sys.modules["warnings"]._processoptions(warnings)
    digits = env.get("PYTHONINTMAXSTRDIGITS")
    if digits:
        try:
            sys.set_int_max_str_digits(int(digits))
        except ValueError:
            pass


def _abspath_config(path):
    """config_run_filename_abspath(): _Py_abspath without normalising."""
    if path.startswith("/"):
        return path
    if path in ("", "."):
        return os.getcwd()
    return f"{os.getcwd()}/{path}"


def _abspath_getpath(path):
    """Modules/getpath.c's abspath(): normalise, then _Py_abspath."""
    return _abspath_config(os.path.normpath(path) if path else path)


def _get_importer(path):
    """PyImport_GetImporter(): the path hook that takes `path` (a directory or zip with __main__), cached."""
    cache = sys.path_importer_cache
    if path in cache:
        return cache[path]
    importer = None
    for hook in sys.path_hooks:
        try:
            importer = hook(path)
            break
        except ImportError:
            continue
    cache[path] = importer
    return importer


def _sys_path0(argv):
    """Python/pathconfig.c _PyPathConfig_ComputeSysPath0() on WASI (readlink, but no realpath)."""
    arg0 = argv[0]
    if arg0 == "-c":
        return ""
    if arg0 == "-m":
        return "."
    path0 = arg0
    try:
        link = os.readlink(path0)
    except (OSError, ValueError):
        link = None
    if link:
        if link.startswith("/"):
            path0 = link
        elif "/" in link:
            head = path0.rpartition("/")[0]
            path0 = f"{head}/{link}" if "/" in path0 else link
    cut = path0.rfind("/")
    if cut < 0:
        return ""
    return path0[: max(cut, 1)]
