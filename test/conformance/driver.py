"""Run one module of CPython's Lib/test inside a daylite sandbox and print its counts as JSON.

    python3 driver.py LIBDIR SKIPS_JSON MODULE [--verbose] [--only=GLOB]

--verbose prints the traceback of every failure and error to stderr as it happens.

LIBDIR holds the extracted python313-tests.zip (the `test` package), SKIPS_JSON is
cpython-skips.json ({"resources": [...], "skips": [{"label", "reason", "ids": [...]}]}), MODULE a
name such as test_os or test_sqlite3. The last line of stdout is
`@@conformance@@ {json}` with run/passed/failed/errors/skipped counts, the failing test ids, the
skip reasons grouped, and the skip-list entries that matched nothing. An import error of the
module is reported in the JSON ("importError") and exits 2; unittest's verdict does not change
the exit status (the caller compares counts).

Our skips are applied before anything runs: an entry whose id names a class (test.mod.Class)
marks the class skipped (its setUpClass is not run either); otherwise the id is an fnmatch
pattern against test ids (test.mod.Class.test_method). They show up as skips with the reason
from the list, prefixed "skip list: ". --only=GLOB runs a subset (for investigating; the
counts are then not comparable with the baseline).
"""

import fnmatch
import importlib
import json
import os
import sys
import tempfile
import time
import traceback
import unittest

MARK = "@@conformance@@"


class CountingResult(unittest.TestResult):
    """One outcome per test run (a failing subtest makes its test fail), skip reasons kept.

    Outcomes are counted per run, not per id: a few modules run the same test class twice
    under one id (e.g. in two suites). setUpClass/setUpModule failures arrive as _ErrorHolder
    "tests" outside startTest/stopTest and count as one error each.
    """

    def __init__(self, verbose):
        super().__init__()
        self.verbose = verbose
        self.records = []  # [test id, outcome, skip reason or None]
        self._current = None

    def startTest(self, test):
        super().startTest(test)
        self._current = [test.id(), None, None]

    def stopTest(self, test):
        super().stopTest(test)
        if self._current is not None:
            if self._current[1] is None:  # nothing reported (should not happen): count as a pass
                self._current[1] = "pass"
            self.records.append(self._current)
        self._current = None

    def _set(self, test, status, err=None, reason=None):
        if err is not None and self.verbose:
            print(f"--- {status.upper()}: {test.id()}\n{self._exc_info_to_string(err, test)}", file=sys.stderr)
        cur = self._current
        if cur is None or cur[0] != test.id():
            self.records.append([test.id(), status, reason])  # class/module fixture errors
            return
        # A test with a failed subtest stays failed even if its method then returns normally.
        if cur[1] in ("fail", "error") and status == "pass":
            return
        cur[1], cur[2] = status, reason

    def addSuccess(self, test):
        super().addSuccess(test)
        self._set(test, "pass")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._set(test, "fail", err)

    def addError(self, test, err):
        super().addError(test, err)
        self._set(test, "error", err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            status = "fail" if issubclass(err[0], test.failureException) else "error"
            self._set(test, status, err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._set(test, "skip", reason=reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._set(test, "xfail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._set(test, "xpass")


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


def skipped_method(reason):
    @unittest.skip(reason)
    def skipped(*args, **kwargs):
        pass

    return skipped


def apply_skips(suite, entries):
    """Mark listed classes and tests skipped; return the ids of entries that matched nothing."""
    used = set()
    tests = list(iter_tests(suite))
    classes = {type(t) for t in tests}
    # What each class inherits before we mark any: a subclass of a class we skip keeps this.
    before = {c: (getattr(c, "__unittest_skip__", False), getattr(c, "__unittest_skip_why__", "")) for c in classes}
    marked = set()
    for test in tests:
        cls = type(test)
        cls_id = f"{cls.__module__}.{cls.__qualname__}"
        tid = test.id()
        for e in entries:
            if e["id"] == cls_id:
                cls.__unittest_skip__ = True
                cls.__unittest_skip_why__ = "skip list: " + e["reason"]
                marked.add(cls)
                used.add(e["id"])
            elif fnmatch.fnmatchcase(tid, e["id"]) and hasattr(test, "_testMethodName"):
                setattr(test, test._testMethodName, skipped_method("skip list: " + e["reason"]))
                used.add(e["id"])
    for c in classes - marked:
        if "__unittest_skip__" not in c.__dict__ and any(b in marked for b in c.__mro__[1:]):
            c.__unittest_skip__, c.__unittest_skip_why__ = before[c]
    return [e["id"] for e in entries if e["id"] not in used]


def group_reason(reason):
    """Skip reasons grouped for the report: CPython's own reasons vary per test (sizes, names)."""
    reason = str(reason)
    if reason.startswith("skip list: "):
        return reason
    return reason.splitlines()[0][:120] if reason else "(no reason)"


def import_asyncio_package(support):
    """Import test.test_asyncio (the package) as if the platform had sockets.

    Its __init__.py skips the whole package without them (support.requires_working_socket(
    module=True)), although most of its modules never open one: coroutines, tasks, locks,
    queues, timeouts. The flag is only up while the package itself imports; the modules are
    imported after, with it down, so the tests that do need a socket keep their own
    requires_working_socket() skip.
    """
    saved = support.has_socket_support
    support.has_socket_support = True
    try:
        importlib.import_module("test.test_asyncio")
    finally:
        support.has_socket_support = saved


def main():
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    # --only=GLOB (for investigating): run just the tests whose id matches.
    only = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--only=")]
    libdir, skips_path, module = argv
    sys.path.insert(0, os.path.abspath(libdir))
    with open(skips_path, encoding="utf-8") as f:
        config = json.load(f)
    prefix = f"test.{module}"
    entries = [
        {"id": i, "reason": group["reason"]}
        for group in config["skips"]
        for i in group["ids"]
        if i == prefix or i.startswith(prefix + ".")
    ]

    report = {"module": module}
    started = time.monotonic()

    from test import support

    # As regrtest does: only the listed resources are enabled (the others skip with
    # "Use of the 'x' resource not enabled"), verbose output off.
    support.use_resources = list(config["resources"])
    support.verbose = 0

    # Like regrtest, run in a fresh current directory (tests write @test_<pid>_tmp files there).
    work = tempfile.mkdtemp(prefix=f"{module}-")
    os.chdir(work)

    try:
        if module.startswith("test_asyncio."):
            import_asyncio_package(support)
        mod = importlib.import_module(prefix)
        loader = unittest.TestLoader()
        suite = loader.loadTestsFromModule(mod)
        if loader.errors:
            raise ImportError("\n".join(loader.errors))
        failed_loads = [t.id() for t in iter_tests(suite) if isinstance(t, unittest.loader._FailedTest)]
        if failed_loads:
            raise ImportError("tests failed to load: " + ", ".join(failed_loads))
    except BaseException:
        report["importError"] = traceback.format_exc()
        print(MARK, json.dumps(report))
        sys.stdout.flush()
        os._exit(2)

    if only:
        suite = unittest.TestSuite(t for t in iter_tests(suite) if any(fnmatch.fnmatchcase(t.id(), o) for o in only))
    unused = apply_skips(suite, entries)
    result = CountingResult(verbose)
    suite.run(result)

    counts = {k: 0 for k in ("pass", "fail", "error", "skip", "xfail", "xpass")}
    groups = {}
    for _, status, reason in result.records:
        counts[status] += 1
        if status == "skip":
            g = group_reason(reason)
            groups[g] = groups.get(g, 0) + 1
    # setUpClass/setUpModule failures arrive as _ErrorHolder "tests" (no method): errors too.
    report.update(
        run=len(result.records),
        passed=counts["pass"],
        failed=counts["fail"] + counts["xpass"],
        errors=counts["error"],
        skipped=counts["skip"],
        expectedFailures=counts["xfail"],
        seconds=round(time.monotonic() - started, 2),
        failures=sorted({t for t, s, _ in result.records if s in ("fail", "error", "xpass")}),
        skipReasons=dict(sorted(groups.items(), key=lambda kv: -kv[1])),
        unusedSkips=unused,
    )
    print(MARK, json.dumps(report))
    sys.stdout.flush()
    # Some tests leave state that makes interpreter shutdown slow or noisy; counts are out.
    os._exit(0)


if __name__ == "__main__":
    main()
