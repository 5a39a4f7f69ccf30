/**
 * The snapshot contract of runtimes/python/python.wasm, driven in-thread over src/wasi and a `Vfs`
 * holding the runtime files: `_initialize` + `daylite_main` (cold), `_initialize` + `daylite_init`
 * in the init environment, a copy of the linear memory, then fresh instances whose memory is
 * overwritten with that copy and `daylite_run` (no `_initialize`).
 *
 * src/wasi's `createWasi()` gives the imports; its `start()` binds the guest memory and runs
 * `_start`, which a reactor does not have, so `bind()` below hands it an instance-shaped object
 * whose `_start` does nothing, and the test calls the reactor's entry points itself.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { WASIProcExit } from '@bjorn3/browser_wasi_shim'
import { beforeAll, describe, expect, test } from 'vitest'
import { pythonRuntimeFiles, pythonSnapshotUsable } from '../../src/engine/kernel/python.js'
import { Vfs } from '../../src/vfs/index.js'
import { createWasi } from '../../src/wasi/index.js'
import type { WasiOptions } from '../../src/wasi/index.js'

const WASM = fileURLToPath(new URL('../../runtimes/python/python.wasm', import.meta.url))
const PAGE = 65536

/** The init environment of the contract (createWasi adds PWD=/). */
const INIT_ENV = { HOME: '/root', PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }
const INIT_DIRS = ['/tmp', '/root', '/home/daytona', '/usr/local/lib/python3.13/site-packages']
/** A sandbox-like environment for the runs. */
const RUN_ENV = { HOME: '/home/daytona', PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8', PWD: '/home/daytona' }

interface Reactor {
  memory: WebAssembly.Memory
  _initialize(): void
  daylite_main(): number
  daylite_init(): number
  daylite_run(): number
}

interface Run {
  exitCode: number
  stdout: string
  stderr: string
  /** stdout and stderr interleaved in the order the guest wrote them. */
  output: string
  ms: number
}

interface RunOptions {
  env?: Record<string, string>
  stdin?: string
  tty?: boolean
  vfs?: Vfs
}

let module: WebAssembly.Module
let runtime: { path: string; data: Uint8Array }[]
let image: Uint8Array
let initMs: number

function makeVfs(files: Record<string, string> = {}): Vfs {
  const vfs = new Vfs()
  for (const dir of INIT_DIRS) vfs.mkdir(dir, { recursive: true })
  for (const f of runtime) {
    vfs.mkdir(f.path.slice(0, f.path.lastIndexOf('/')) || '/', { recursive: true })
    vfs.writeFile(f.path, f.data)
  }
  for (const [path, text] of Object.entries(files)) {
    vfs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true })
    vfs.writeFile(path, text)
  }
  return vfs
}

/** createWasi() for one run, collecting its output. */
function prepare(args: string[], o: RunOptions & { env: Record<string, string> }) {
  const dec = { out: new TextDecoder(), err: new TextDecoder(), all: new TextDecoder() }
  let stdout = ''
  let stderr = ''
  let output = ''
  const options: WasiOptions = {
    args: ['python3', ...args],
    env: o.env,
    cwd: '/', // the guest goes to $PWD itself; no cwd hand-over by the host
    vfs: o.vfs ?? makeVfs(),
    onStdout: (b) => {
      stdout += dec.out.decode(b, { stream: true })
      output += dec.all.decode(b, { stream: true })
    },
    onStderr: (b) => {
      stderr += dec.err.decode(b, { stream: true })
      output += dec.all.decode(b, { stream: true })
    },
    ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
    ...(o.tty !== undefined ? { tty: o.tty } : {}),
  }
  const wasi = createWasi(module, options)
  const result = (exitCode: number, ms: number): Run => ({ exitCode, stdout, stderr, output, ms })
  return { wasi, result }
}

/** Points the WASI imports at `memory` (see the header comment). */
function bind(wasi: ReturnType<typeof createWasi>, memory: WebAssembly.Memory): void {
  wasi.start({ exports: { memory, _start: () => {} } } as unknown as WebAssembly.Instance)
}

/** An entry point's exit code: its result, or proc_exit's. */
function exitOf(entry: () => number): number {
  try {
    return entry()
  } catch (e) {
    if (e instanceof WASIProcExit) return e.code
    throw e
  }
}

function instantiate(wasi: ReturnType<typeof createWasi>): Reactor {
  return new WebAssembly.Instance(module, wasi.imports).exports as unknown as Reactor
}

/** A cold run: `_initialize` + `daylite_main`. */
function cold(args: string[], o: RunOptions = {}): Run {
  const { wasi, result } = prepare(args, { ...o, env: o.env ?? RUN_ENV })
  const t = performance.now()
  const r = instantiate(wasi)
  bind(wasi, r.memory)
  r._initialize()
  const code = exitOf(() => r.daylite_main())
  return result(code, performance.now() - t)
}

/** `_initialize` + `daylite_init` in the init environment; the instance for more calls. */
function initialise(): { exitCode: number; reactor: Reactor; run: Run } {
  const { wasi, result } = prepare([], { env: INIT_ENV, vfs: makeVfs() })
  const t = performance.now()
  const reactor = instantiate(wasi)
  bind(wasi, reactor.memory)
  reactor._initialize()
  const exitCode = exitOf(() => reactor.daylite_init())
  return { exitCode, reactor, run: result(exitCode, performance.now() - t) }
}

/** A fresh instance, the snapshot written over its memory, then `daylite_run`. */
function restore(args: string[], o: RunOptions = {}): Run & { runMs: number } {
  const { wasi, result } = prepare(args, { ...o, env: o.env ?? RUN_ENV })
  const t = performance.now()
  const r = instantiate(wasi)
  const missing = image.byteLength - r.memory.buffer.byteLength
  if (missing > 0) r.memory.grow(Math.ceil(missing / PAGE))
  new Uint8Array(r.memory.buffer).set(image)
  bind(wasi, r.memory)
  const t2 = performance.now()
  const code = exitOf(() => r.daylite_run())
  const end = performance.now()
  return { ...result(code, end - t), runMs: end - t2 }
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1] ?? NaN

/** The module's global section (id 6): [value type, mutable] per global. */
function globals(bytes: Uint8Array): [number, boolean][] {
  let i = 8
  const leb = (): number => {
    let n = 0
    let shift = 0
    for (;;) {
      const b = bytes[i++] ?? 0
      n += (b & 0x7f) * 2 ** shift
      shift += 7
      if (b < 0x80) return n
    }
  }
  while (i < bytes.length) {
    const id = bytes[i++]
    const size = leb()
    if (id === 6) {
      const count = leb()
      const out: [number, boolean][] = []
      for (let k = 0; k < count; k++) {
        const type = bytes[i++] ?? 0
        const mutable = bytes[i++] === 1
        out.push([type, mutable])
        // The init expression: i32.const / i64.const / global.get with a LEB128 operand, then `end`.
        const op = bytes[i++]
        if (op !== 0x41 && op !== 0x42 && op !== 0x23) throw new Error(`unexpected init expression opcode ${op}`)
        leb()
        if (bytes[i++] !== 0x0b) throw new Error('unexpected init expression')
      }
      return out
    }
    i += size
  }
  return []
}

beforeAll(async () => {
  const bytes = readFileSync(WASM)
  module = await WebAssembly.compile(bytes)
  runtime = await pythonRuntimeFiles()
  const init = initialise()
  expect(init.run.output).toBe('')
  expect(init.exitCode).toBe(0)
  image = new Uint8Array(init.reactor.memory.buffer).slice()
  initMs = init.run.ms
}, 120_000)

describe('python.wasm exports the snapshot contract', () => {
  test('memory, _initialize, daylite_main/init/run, and no mutable global but the stack pointer', () => {
    const exports = WebAssembly.Module.exports(module)
    expect(exports.map((e) => `${e.kind} ${e.name}`).sort()).toEqual(
      ['function _initialize', 'function daylite_init', 'function daylite_main', 'function daylite_run', 'memory memory'].sort(),
    )
    expect(exports.some((e) => e.name === '_start')).toBe(false)
    // One global: __stack_pointer (i32, mutable), back to its initial value whenever an entry
    // point returns; nothing else to restore besides the memory.
    expect(globals(new Uint8Array(readFileSync(WASM)))).toEqual([[0x7f, true]])
  })
})

describe('cold: _initialize + daylite_main', () => {
  test('-c runs the stock command line, in $PWD', () => {
    const r = cold(['-c', 'import os, sys; print(sys.argv, os.getcwd()); sys.exit(5)', 'x'])
    expect(r.stdout).toBe("['-c', 'x'] /home/daytona\n")
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(5)
  })

  test('daylite_run right after daylite_init in the same instance', () => {
    const { wasi, result } = prepare(['-c', 'import sys; print("same instance", sys.argv[1:])', 'a'], { env: RUN_ENV })
    const r = instantiate(wasi)
    bind(wasi, r.memory)
    r._initialize()
    // The init environment differs from this run's; daylite_init only reads its own argv (python3).
    expect(r.daylite_init()).toBe(0)
    const out = result(exitOf(() => r.daylite_run()), 0)
    expect(out.stdout).toBe("same instance ['a']\n")
    expect(out.exitCode).toBe(0)
  })
})

describe('restored snapshot: daylite_run', () => {
  test('-c with argv, the run environment, cwd from PWD', () => {
    const vfs = makeVfs({ '/home/daytona/work/data.txt': 'from the cwd' })
    const r = restore(
      ['-c', 'import os, sys; print(sys.argv, os.environ["FOO"], os.environ["HOME"], os.getcwd(), open("data.txt").read(), sys.orig_argv[:2])', 'a', 'b c'],
      { env: { ...RUN_ENV, FOO: 'bar', PWD: '/home/daytona/work' }, vfs },
    )
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe("['-c', 'a', 'b c'] bar /home/daytona /home/daytona/work from the cwd ['python3', '-c']\n")
    expect(r.exitCode).toBe(0)
  })

  test('os.environ is exactly the run environment (nothing of the init one)', () => {
    const r = restore(['-c', 'import os; print(sorted(os.environ.items()))'], { env: { PWD: '/tmp', X: '1' } })
    expect(r.stdout).toBe("[('PWD', '/tmp'), ('X', '1')]\n")
  })

  test('-m json.tool on stdin', () => {
    const r = restore(['-m', 'json.tool'], { stdin: '{"a": [1, 2], "b": null}' })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('{\n    "a": [\n        1,\n        2\n    ],\n    "b": null\n}\n')
    expect(r.exitCode).toBe(0)
  })

  test('a script with arguments: sys.argv, sys.path[0], __file__, a sibling import', () => {
    const vfs = makeVfs({
      '/home/daytona/proj/main.py': 'import sys, helper\nprint(sys.argv, sys.path[0], __file__, __name__, helper.V)\n',
      '/home/daytona/proj/helper.py': 'V = 42\n',
    })
    const r = restore(['proj/main.py', '--flag', 'x'], { vfs })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe("['proj/main.py', '--flag', 'x'] proj /home/daytona/proj/main.py __main__ 42\n")
    expect(r.exitCode).toBe(0)
  })

  test('SystemExit: codes and messages', () => {
    expect(restore(['-c', 'import sys; sys.exit(3)']).exitCode).toBe(3)
    expect(restore(['-c', 'raise SystemExit']).exitCode).toBe(0)
    const msg = restore(['-c', 'import sys; print("out"); sys.exit("bye")'])
    expect(msg.stdout).toBe('out\n')
    expect(msg.stderr).toBe('bye\n')
    expect(msg.exitCode).toBe(1)
  })

  test('an uncaught exception prints the traceback (with the -c source) and exits 1', () => {
    const r = restore(['-c', 'def f():\n    raise ValueError("boom")\nf()'])
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'Traceback (most recent call last):\n  File "<string>", line 3, in <module>\n    f()\n    ~^^\n' +
        '  File "<string>", line 2, in f\n    raise ValueError("boom")\nValueError: boom\n',
    )
    expect(r.exitCode).toBe(1)
  })

  test('atexit handlers run, buffered output and unclosed files are flushed', () => {
    const vfs = makeVfs()
    const r = restore(['-c', 'import atexit; atexit.register(print, "bye"); f = open("/tmp/out.txt", "w"); f.write("kept"); print("hi")'], { vfs })
    expect(r.stdout).toBe('hi\nbye\n')
    expect(new TextDecoder().decode(vfs.readFile('/tmp/out.txt'))).toBe('kept')
  })

  test('two restores of one snapshot do not share state', () => {
    const first = restore(['-c', 'import json, builtins; json.daylite_marker = 1; builtins.leak = 2; print(hasattr(json, "daylite_marker"))'])
    expect(first.stdout).toBe('True\n')
    const second = restore(['-c', 'import json, builtins; print(hasattr(json, "daylite_marker"), hasattr(builtins, "leak"))'])
    expect(second.stdout).toBe('False False\n')
  })

  test('random, tempfile names and os.urandom differ between restored runs', () => {
    const code = 'import random, tempfile, os; print(random.random(), next(tempfile._get_candidate_names()), os.urandom(8).hex())'
    const a = restore(['-c', code]).stdout
    const b = restore(['-c', code]).stdout
    expect(a).not.toBe('')
    const [ra, ta, ua] = a.split(' ')
    const [rb, tb, ub] = b.split(' ')
    expect(ra).not.toBe(rb)
    expect(ta).not.toBe(tb)
    expect(ua).not.toBe(ub)
  })

  test('sqlite3, zlib, bz2 and lzma work', () => {
    const r = restore([
      '-c',
      'import sqlite3, zlib, bz2, lzma\n' +
        'db = sqlite3.connect(":memory:"); db.execute("create table t (v)"); db.executemany("insert into t values (?)", [(1,), (2,)])\n' +
        'd = b"daylite" * 100\n' +
        'print(db.execute("select sum(v) from t").fetchone()[0], zlib.decompress(zlib.compress(d)) == d, bz2.decompress(bz2.compress(d)) == d, lzma.decompress(lzma.compress(d)) == d)',
    ])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('3 True True True\n')
  })

  test('-u keeps the order of stdout and stderr writes; without it stdout is block-buffered', () => {
    const code = 'import sys\nprint("o1"); print("e1", file=sys.stderr); print("o2"); print("e2", file=sys.stderr)\n'
    expect(restore(['-u', '-', 'arg'], { stdin: code }).output).toBe('o1\ne1\no2\ne2\n')
    expect(restore(['-', 'arg'], { stdin: code }).output).toBe('e1\ne2\no1\no2\n')
  })

  test('a file written by one run is importable by the next (import caches are invalidated)', () => {
    const vfs = makeVfs()
    expect(restore(['-c', 'import os; os.makedirs("/home/daytona/lib", exist_ok=True)'], { vfs, env: { ...RUN_ENV, PYTHONPATH: '/home/daytona/lib' } }).exitCode).toBe(0)
    vfs.writeFile('/home/daytona/lib/fresh_mod.py', 'V = "new"\n')
    const r = restore(['-c', 'import fresh_mod; print(fresh_mod.V)'], { vfs, env: { ...RUN_ENV, PYTHONPATH: '/home/daytona/lib' } })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('new\n')
  })

  test('.pth files of site-packages installed after init are read', () => {
    const vfs = makeVfs({
      '/usr/local/lib/python3.13/site-packages/extra.pth': '/opt/extra\n',
      '/opt/extra/extra_mod.py': 'V = 7\n',
    })
    const r = restore(['-c', 'import sys, extra_mod; print(extra_mod.V, sys.path[-1])'], { vfs })
    expect(r.stdout).toBe('7 /opt/extra\n')
  })

  test('process CPU time counts from the start of the run', () => {
    const r = restore(['-c', 'import time; print(0 <= time.process_time() < 5)'])
    expect(r.stdout).toBe('True\n')
  })

  test('an option the snapshot cannot honour is refused, not ignored', () => {
    const r = restore(['-I', '-c', 'print(1)'])
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('-I: not available when starting from a snapshot')
    expect(r.exitCode).toBe(2)
  })
})

describe('restored runs behave like cold ones', () => {
  const show =
    'import sys, os; print(sys.argv, sys.path[:2], sys.orig_argv, os.getcwd(), sys.flags.dont_write_bytecode, sys.flags.quiet, ' +
    'sys.flags.safe_path, sys.dont_write_bytecode, sys.stdout.line_buffering, sys.stdout.write_through, sys.stdout.encoding, ' +
    'sys.stdout.errors, sys.stderr.errors, sys.warnoptions, sys.flags.utf8_mode, type(sys.stdout.buffer).__name__)'
  const script = 'import sys; print(sys.argv, sys.path[0], __file__, __name__)'
  const asyncioCode = [
    'import asyncio, signal',
    'async def main(n):',
    '    await asyncio.sleep(0.01)',
    '    got = []',
    '    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, got.append, n)',
    '    signal.raise_signal(signal.SIGUSR1)',
    '    return await asyncio.gather(*(asyncio.sleep(0, i) for i in range(n))), got',
    'print(asyncio.run(main(3)), asyncio.run(main(2)), signal.getsignal(signal.SIGINT))',
    'asyncio.run(asyncio.Event().wait())',
  ].join('\n')
  const cases: { args: string[]; env?: Record<string, string>; stdin?: string; tty?: boolean; files?: Record<string, string>; link?: [string, string] }[] = [
    { args: ['-c', show, 'a'] },
    { args: ['-c', 'import sys, os; print(sys.argv[1:], os.environ["U"], os.fsencode(sys.argv[1]))', 'héllo ✓'], env: { U: 'ünï' } },
    { args: ['-uc', show, '-x'] },
    { args: ['-B', '-q', '-s', '-P', '-c', show] },
    { args: ['-c', show], env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', PYTHONSAFEPATH: '1' } },
    { args: ['-c', show], env: { PYTHONPATH: 'lib:/opt/x::../up', PYTHONIOENCODING: 'latin-1:replace' } },
    { args: ['-c', show], env: { PYTHONWARNINGS: 'error::DeprecationWarning' } },
    { args: ['-c', show], tty: true },
    { args: ['-m', 'mod', 'x'], files: { '/home/daytona/mod.py': script } },
    { args: ['-m', 'nosuchmod'] },
    { args: ['sub/s.py', 'a'], files: { '/home/daytona/sub/s.py': script } },
    { args: ['/home/daytona/sub/s.py'], files: { '/home/daytona/sub/s.py': script } },
    { args: ['link.py'], files: { '/home/daytona/sub/s.py': script }, link: ['sub/s.py', '/home/daytona/link.py'] },
    { args: ['missing.py'] },
    { args: ['app'], files: { '/home/daytona/app/__main__.py': script } },
    { args: ['-'], stdin: 'import sys; print(sys.argv, sys.path[0], __name__)' },
    { args: [], stdin: 'import sys; print(sys.argv, sys.path[0])' },
    { args: ['-c', 'x = ('] },
    { args: ['-c', 'import traceback; traceback.print_stack()'] },
    { args: ['-V'] },
    { args: ['-VV'] },
    { args: ['-c', 'import warnings; warnings.warn("careful")'] },
    // asyncio is preloaded; its loop runs without a self-pipe on WASI (runtimes/python/stdlib-patches).
    { args: ['-c', asyncioCode] },
  ]
  for (const c of cases) {
    test(`python3 ${c.args.map((a) => (a.length > 24 ? `${a.slice(0, 21)}...` : a)).join(' ')} ${c.env ? JSON.stringify(c.env) : ''}${c.tty ? ' (tty)' : ''}`, () => {
      const env = { ...RUN_ENV, ...c.env }
      const o = { env, ...(c.stdin !== undefined ? { stdin: c.stdin } : {}), ...(c.tty !== undefined ? { tty: c.tty } : {}) }
      const vfs = (): Vfs => {
        const v = makeVfs(c.files)
        if (c.link) v.symlink(...c.link)
        return v
      }
      const a = cold(c.args, { ...o, vfs: vfs() })
      const b = restore(c.args, { ...o, vfs: vfs() })
      expect({ exitCode: b.exitCode, output: b.output }).toEqual({ exitCode: a.exitCode, output: a.output })
    })
  }
})

describe('pythonSnapshotUsable', () => {
  test.each([
    [[], true],
    [['-c', 'print(1)'], true],
    [['-uc', 'print(1)', '-I'], true],
    [['-cprint(1)'], true],
    [['-u', '-', 'a'], true],
    [['-m', 'json.tool'], true],
    [['-Bqsu', '-mjson.tool'], true],
    [['script.py', '-I', '-X', 'dev'], true],
    [['--', '-'], true],
    [['-V'], true],
    [['--version'], true],
    [['-P', '-t', 'x.py'], true],
    [['-I', '-c', 'print(1)'], false],
    [['-E', 'x.py'], false],
    [['-S', 'x.py'], false],
    [['-O', 'x.py'], false],
    [['-OO', 'x.py'], false],
    [['-X', 'dev', 'x.py'], false],
    [['-W', 'error', 'x.py'], false],
    [['-b', 'x.py'], false],
    [['-d', 'x.py'], false],
    [['-i', 'x.py'], false],
    [['-v', 'x.py'], false],
    [['-x', 'x.py'], false],
    [['-R', 'x.py'], false],
    [['-h'], false],
    [['--help'], false],
    [['--help-env'], false],
    [['--check-hash-based-pycs', 'always', 'x.py'], false],
    [['-c'], false],
    [['-um'], false],
    [['-z'], false],
  ] as [string[], boolean][])('%j -> %s', (args, usable) => {
    expect(pythonSnapshotUsable(args)).toBe(usable)
  })

  test('with the environment: variables that change initialisation, and the C locale', () => {
    expect(pythonSnapshotUsable(['-c', 'pass'], { LANG: 'C.UTF-8', PYTHONPATH: '/x', PYTHONUNBUFFERED: '1' })).toBe(true)
    expect(pythonSnapshotUsable(['-c', 'pass'], {})).toBe(true)
    expect(pythonSnapshotUsable(['-c', 'pass'], { PYTHONHASHSEED: '0' })).toBe(false)
    expect(pythonSnapshotUsable(['-c', 'pass'], { PYTHONHASHSEED: '' })).toBe(true)
    expect(pythonSnapshotUsable(['-c', 'pass'], { PYTHONUTF8: '1' })).toBe(false)
    expect(pythonSnapshotUsable(['-c', 'pass'], { LANG: 'C' })).toBe(false)
    expect(pythonSnapshotUsable(['-c', 'pass'], { LANG: 'C.UTF-8', LC_ALL: 'POSIX' })).toBe(false)
  })
})

describe('timings (logged, not asserted: the machine is shared)', () => {
  test('init, snapshot size, restore + print(1), cold print(1)', () => {
    const restored: number[] = []
    const runOnly: number[] = []
    for (let i = 0; i < 20; i++) {
      const r = restore(['-c', 'print(1)'])
      expect(r.stdout).toBe('1\n')
      restored.push(r.ms)
      runOnly.push(r.runMs)
    }
    const colds: number[] = []
    for (let i = 0; i < 5; i++) colds.push(cold(['-c', 'print(1)']).ms)
    let nonZero = 0
    for (let p = 0; p < image.byteLength; p += 4096) {
      if (image.subarray(p, p + 4096).some((b) => b !== 0)) nonZero++
    }
    console.log(
      `python snapshot: init ${initMs.toFixed(0)} ms, image ${image.byteLength} B (${nonZero} non-zero 4 KiB pages), ` +
        `restore+print(1) median ${median(restored).toFixed(1)} ms (daylite_run alone ${median(runOnly).toFixed(1)} ms), ` +
        `cold print(1) median ${median(colds).toFixed(1)} ms`,
    )
    expect(image.byteLength % PAGE).toBe(0)
  }, 120_000)
})
