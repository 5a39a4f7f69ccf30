/**
 * "Set the times to now" in the runtimes: runtimes/common/daylite_utimens.c replaces Debian
 * bookworm's wasi-libc utimensat()/futimens(), whose `times == NULL` case reached the host as
 * "set both to 0" (the epoch). Checked three ways:
 *
 * - python.wasm and qjs.wasm (the `node` command and stock qjs) in this thread over src/wasi and a
 *   `Vfs`, with the `fst_flags` the guest passes at the WASI boundary;
 * - the same through the public API, in the process workers of a real sandbox (the worker bundles
 *   in dist/, as for test/api: `npm run build`);
 * - the override's UTIME_NOW / UTIME_OMIT / EINVAL cases, which neither runtime can produce, with a
 *   small C program linked against it (only where Debian's clang-19 and wasi-libc are installed).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wasi } from '@bjorn3/browser_wasi_shim'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pythonRuntimeFiles } from '../../src/engine/kernel/python.js'
import { Daytona } from '../../src/index.js'
import { Vfs } from '../../src/vfs/index.js'
import { createWasi } from '../../src/wasi/index.js'
import { compileQjs, runNode, runQjs, sandboxVfs } from '../node/harness.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** 2000-01-01T00:00:00Z, the "old" time every check starts from. */
const OLD_S = 946684800
const NOW = wasi.FSTFLAGS_ATIM_NOW | wasi.FSTFLAGS_MTIM_NOW
const SET = wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM

type Syscalls = Record<string, (...args: never[]) => unknown>

/** Wraps the two `*_filestat_set_times` imports to record `atim mtim fst_flags` of each call. */
function recordSetTimes(imports: Syscalls, calls: string[]): void {
  for (const name of ['path_filestat_set_times', 'fd_filestat_set_times']) {
    const f = imports[name] as (...a: unknown[]) => number
    imports[name] = ((...a: unknown[]) => {
      calls.push(`${name.slice(0, name.indexOf('_'))} ${a.slice(-3).map(String).join(' ')}`)
      return f(...a)
    }) as never
  }
}

/**
 * The guest script's checks, shared by the in-thread and the sandbox runs: one JSON line with
 * the seconds between each "now" result and the wall clock, and the exact values.
 */
const PY_CHECKS = `
import json, os, pathlib, time
p = 'utimens-probe.txt'
open(p, 'w').close()
old = lambda: os.utime(p, (${OLD_S}, ${OLD_S}))
age = lambda: round(abs(time.time() - os.stat(p).st_mtime), 3)
out = {}
old(); out['old'] = os.stat(p).st_mtime
old(); os.utime(p); out['utime'] = age(); out['atime'] = round(abs(time.time() - os.stat(p).st_atime), 3)
old(); os.utime(p, None); out['none'] = age()
old(); pathlib.Path(p).touch(); out['touch'] = age()
old(); fd = os.open(p, os.O_RDONLY); os.utime(fd); os.close(fd); out['fd'] = age()
os.utime(p, ns=(${OLD_S}_000_000_000, 1234567890_500_000_000))
st = os.stat(p); out['ns'] = [st.st_atime_ns, st.st_mtime_ns]
try:
    os.utime(p, (-1, 0))
except OSError as e:
    out['negative'] = e.errno
print(json.dumps(out))
`

const NODE_CHECKS = `
const fs = require('fs')
const p = 'utimens-probe.txt'
fs.writeFileSync(p, '')
const out = {}
const age = () => Math.abs(Date.now() - fs.statSync(p).mtimeMs) / 1000
fs.utimesSync(p, ${OLD_S}, ${OLD_S}); out.old = fs.statSync(p).mtimeMs
fs.utimesSync(p, new Date(), new Date()); out.date = age()
fs.utimesSync(p, ${OLD_S}, ${OLD_S}); fs.utimesSync(p, Date.now() / 1000, Date.now() / 1000); out.seconds = age()
fs.utimesSync(p, new Date(${OLD_S}000), new Date(1234567890500)); out.exact = [fs.statSync(p).atimeMs, fs.statSync(p).mtimeMs]
console.log(JSON.stringify(out))
`

/** The expectations of {@link PY_CHECKS}' output. */
function expectPython(out: Record<string, unknown>): void {
  expect(out.old).toBe(OLD_S)
  for (const k of ['utime', 'atime', 'none', 'touch', 'fd']) expect(out[k], k).toBeLessThan(5)
  expect(out.ns).toEqual([OLD_S * 1e9, 1234567890_500_000_000])
  expect(out.negative).toBe(28) // EINVAL (WASI's number): WASI timestamps cannot go before the epoch
}

function expectNode(out: Record<string, unknown>): void {
  expect(out.old).toBe(OLD_S * 1000)
  expect(out.date).toBeLessThan(5)
  expect(out.seconds).toBeLessThan(5)
  expect(out.exact).toEqual([OLD_S * 1000, 1234567890500])
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>
}

describe('in this thread over src/wasi', () => {
  it('python.wasm: os.utime(p), os.utime(p, None), Path.touch(), os.utime(fd) set now; ns= sets exact values', async () => {
    const module = await WebAssembly.compile(readFileSync(join(ROOT, 'runtimes/python/python.wasm')))
    const vfs = new Vfs()
    for (const dir of ['/tmp', '/home/daytona']) vfs.mkdir(dir, { recursive: true })
    for (const f of await pythonRuntimeFiles()) {
      vfs.mkdir(f.path.slice(0, f.path.lastIndexOf('/')) || '/', { recursive: true })
      vfs.writeFile(f.path, f.data)
    }
    let stdout = ''
    let stderr = ''
    const dec = new TextDecoder()
    const program = createWasi(module, {
      args: ['python3', '-c', PY_CHECKS],
      env: { HOME: '/home/daytona', LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
      cwd: '/home/daytona',
      vfs,
      onStdout: (b) => (stdout += dec.decode(b)),
      onStderr: (b) => (stderr += dec.decode(b)),
    })
    const calls: string[] = []
    recordSetTimes(program.imports.wasi_snapshot_preview1 as unknown as Syscalls, calls)
    const { exitCode } = program.start(await WebAssembly.instantiate(module, program.imports))
    expect(stderr).toBe('')
    expect(exitCode).toBe(0)
    expectPython(lastJson(stdout))
    // NULL times reach the host as *_NOW (before the override: SET with 0, 0), values as SET; the
    // negative time fails in libc (EINVAL) and never reaches the host.
    const old = `path ${OLD_S}000000000 ${OLD_S}000000000 ${SET}`
    const now = `path 0 0 ${NOW}`
    expect(calls).toEqual([old, old, now, old, now, old, now, old, `fd 0 0 ${NOW}`, `path ${OLD_S}000000000 1234567890500000000 ${SET}`])
  }, 60_000)

  it('qjs.wasm: node fs.utimesSync with Dates, seconds and exact values; qjs os.utimes', async () => {
    const module = await compileQjs()
    const vfs = sandboxVfs()
    const node = await runNode({ module, vfs, args: ['node', '-e', NODE_CHECKS] })
    expect(node.stderr).toBe('')
    expect(node.exitCode).toBe(0)
    expectNode(lastJson(node.stdout))
    // The stock qjs command line: QuickJS's own os.utimes (milliseconds, through utimes()).
    vfs.writeFile('/home/daytona/q.txt', '')
    const script = `os.utimes('q.txt', ${OLD_S}000, Date.now()); const [st] = os.stat('q.txt'); console.log(JSON.stringify([st.atime, Math.abs(Date.now() - st.mtime) < 5000]))`
    const again = await runQjs({ module, vfs, args: ['qjs', '--std', '-e', script] })
    expect(again.stderr).toBe('')
    expect(again.stdout).toBe(`[${OLD_S}000,true]\n`)
  }, 60_000)
})

describe('in a sandbox (process workers, public API)', () => {
  let daytona: Daytona

  beforeAll(() => {
    daytona = new Daytona()
  })
  afterAll(async () => {
    await daytona.dispose()
  })

  it('python codeRun and node see "now" and exact times', async () => {
    const sandbox = await daytona.create()
    const py = await sandbox.process.codeRun(PY_CHECKS)
    expect(py.exitCode, py.result).toBe(0)
    expectPython(lastJson(py.result))
    await sandbox.fs.uploadFile(Buffer.from(NODE_CHECKS), 'utimens.js')
    const node = await sandbox.process.executeCommand('node utimens.js')
    expect(node.exitCode, node.result).toBe(0)
    expectNode(lastJson(node.result))
  }, 60_000)
})

/** Debian's wasm toolchain, as the runtime recipes use it; absent on a fresh clone. */
const CLANG = '/usr/bin/clang-19'
const HAVE_TOOLCHAIN = existsSync(CLANG) && existsSync('/usr/lib/wasm32-wasi/libc.a')

const C_PROBE = String.raw`
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void show(const char *label, int rc) {
    struct stat st;
    stat("f", &st);
    printf("%s %d %d %lld.%09ld %lld.%09ld\n", label, rc, rc ? errno : 0, (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

int main(void) {
    close(open("f", O_CREAT | O_WRONLY, 0644));
    struct timespec t[2] = {{100, 0}, {200, 500000000}};
    show("set", utimensat(AT_FDCWD, "f", t, 0));
    struct timespec omit_a[2] = {{0, UTIME_OMIT}, {300, 0}};
    show("omit-atime", utimensat(AT_FDCWD, "f", omit_a, 0));
    struct timespec now_a[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    show("now-atime", utimensat(AT_FDCWD, "f", now_a, 0));
    utimensat(AT_FDCWD, "f", t, 0);
    show("null", utimensat(AT_FDCWD, "f", NULL, 0));
    int fd = open("f", O_RDONLY);
    utimensat(AT_FDCWD, "f", t, 0);
    struct timespec now_m[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    show("fd-now-mtime", futimens(fd, now_m));
    utimensat(AT_FDCWD, "f", t, 0);
    show("fd-null", futimens(fd, NULL));
    close(fd);
    struct timespec bad[2] = {{1, 1000000000}, {1, 0}};
    show("bad-nsec", utimensat(AT_FDCWD, "f", bad, 0));
    struct timespec neg[2] = {{-1, 0}, {1, 0}};
    show("negative", utimensat(AT_FDCWD, "f", neg, 0));
    show("missing", utimensat(AT_FDCWD, "nope", NULL, 0));
    show("utimes-null", utimes("f", NULL));
    return 0;
}
`

describe.skipIf(!HAVE_TOOLCHAIN)('runtimes/common/daylite_utimens.c itself (needs clang-19 and wasi-libc)', () => {
  it('NULL and UTIME_NOW are now, UTIME_OMIT keeps the time, bad timespecs are EINVAL, errors set errno', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daylite-utimens-'))
    try {
      writeFileSync(join(dir, 'probe.c'), C_PROBE)
      const wasm = join(dir, 'probe.wasm')
      execFileSync(CLANG, ['--target=wasm32-wasi', '-O2', '-Wall', '-o', wasm, join(dir, 'probe.c'), join(ROOT, 'runtimes/common/daylite_utimens.c')])
      const module = await WebAssembly.compile(readFileSync(wasm))
      const vfs = new Vfs()
      vfs.mkdir('/w')
      let stdout = ''
      const dec = new TextDecoder()
      const program = createWasi(module, { args: ['probe'], cwd: '/w', vfs, onStdout: (b) => (stdout += dec.decode(b)) })
      const before = Date.now() / 1000
      const { exitCode } = program.start(await WebAssembly.instantiate(module, program.imports))
      expect(exitCode).toBe(0)
      const rows = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((l) => {
            const [label = '', rc, err, a, m] = l.split(' ')
            return [label, { rc: Number(rc), errno: Number(err), a: Number(a), m: Number(m) }]
          }),
      )
      const isNow = (t: number | undefined) => t !== undefined && t >= before - 1 && t < before + 5
      expect(rows.set).toEqual({ rc: 0, errno: 0, a: 100, m: 200.5 })
      expect(rows['omit-atime']).toEqual({ rc: 0, errno: 0, a: 100, m: 300 })
      expect(rows['now-atime']?.m).toBe(300)
      expect(isNow(rows['now-atime']?.a)).toBe(true)
      expect(isNow(rows.null?.a) && isNow(rows.null?.m)).toBe(true)
      expect(rows['fd-now-mtime']?.a).toBe(100)
      expect(isNow(rows['fd-now-mtime']?.m)).toBe(true)
      expect(isNow(rows['fd-null']?.a) && isNow(rows['fd-null']?.m)).toBe(true)
      expect(rows['bad-nsec']).toMatchObject({ rc: -1, errno: 28 }) // EINVAL (wasi-libc's errno values are WASI's)
      expect(rows.negative).toMatchObject({ rc: -1, errno: 28 })
      expect(rows.missing).toMatchObject({ rc: -1, errno: 44 }) // ENOENT
      expect(isNow(rows['utimes-null']?.m)).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
