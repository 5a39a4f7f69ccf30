/**
 * src/wasi file semantics that CPython's test suite found broken (docs/python-conformance.md,
 * "Daylite bugs found"), driven in-thread: python.wasm (cold: `_initialize` + `daylite_main`)
 * over a `Vfs`, and the raw syscalls where a guest cannot produce the case (bytes that are not
 * UTF-8, fst_flags).
 *
 * - An open fd follows its file: unlink, rename, replace while open (open-files.ts).
 * - open(O_CREAT) through a dangling symlink creates the target.
 * - fdflags (NONBLOCK) round-trip.
 * - /dev/null, /dev/zero, /dev/urandom, /dev/tty, /dev/stdout (fds/device.ts).
 * - Path bytes that are not UTF-8 are EILSEQ.
 * - utime(path) with times == NULL: what reaches the host.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { wasi } from '@bjorn3/browser_wasi_shim'
import { beforeAll, describe, expect, it } from 'vitest'
import { pythonRuntimeFiles } from '../../src/engine/kernel/python.js'
import { Vfs } from '../../src/vfs/index.js'
import { ORPHAN_DIR, createWasi } from '../../src/wasi/index.js'
import type { WasiOptions } from '../../src/wasi/index.js'

const WASM = fileURLToPath(new URL('../../runtimes/python/python.wasm', import.meta.url))
let module: WebAssembly.Module
let runtime: { path: string; data: Uint8Array }[]

beforeAll(async () => {
  module = await WebAssembly.compile(readFileSync(WASM))
  runtime = await pythonRuntimeFiles()
}, 60_000)

function sandbox(options: { maxBytes?: number } = {}): Vfs {
  const vfs = new Vfs(undefined, options)
  for (const dir of ['/tmp', '/root', '/home/daytona', '/dev']) vfs.mkdir(dir, { recursive: true })
  for (const f of runtime) {
    vfs.mkdir(f.path.slice(0, f.path.lastIndexOf('/')) || '/', { recursive: true })
    vfs.writeFile(f.path, f.data)
  }
  return vfs
}

type Syscalls = Record<string, (...args: never[]) => unknown>

interface Run {
  exitCode: number
  stdout: string
  stderr: string
  /** The last stdout line parsed as JSON. */
  json: unknown
}

/**
 * Runs `python3 -c code` cold, in-thread. `spy` sees (and may wrap) the WASI imports before the
 * instance is made.
 */
async function py(vfs: Vfs, code: string, extra: Partial<WasiOptions> = {}, spy?: (imports: Syscalls) => void): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const dec = { out: new TextDecoder(), err: new TextDecoder() }
  const program = createWasi(module, {
    args: ['python3', '-c', code],
    env: { HOME: '/home/daytona', LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
    vfs,
    onStdout: (b) => (stdout += dec.out.decode(b, { stream: true })),
    onStderr: (b) => (stderr += dec.err.decode(b, { stream: true })),
    ...extra,
  })
  spy?.(program.imports.wasi_snapshot_preview1 as unknown as Syscalls)
  const instance = await WebAssembly.instantiate(module, program.imports)
  const { exitCode } = program.start(instance)
  const last = stdout.trim().split('\n').at(-1) ?? ''
  let json: unknown
  try {
    json = JSON.parse(last)
  } catch {
    json = undefined
  }
  return { exitCode, stdout, stderr, json }
}

/** The orphan directory's entries, or null when it does not exist. */
function orphans(vfs: Vfs): string[] | null {
  return vfs.exists(ORPHAN_DIR) ? vfs.readdir(ORPHAN_DIR) : null
}

describe('an open fd follows its file, not its path (open-files.ts)', () => {
  it('unlink while open: read, write, fstat, ftruncate keep working; the orphan is hidden and goes at close', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json
fd = os.open('/tmp/a', os.O_RDWR | os.O_CREAT)
os.write(fd, b'hello world')
os.unlink('/tmp/a')
out = {'exists': os.path.exists('/tmp/a'), 'tmp': os.listdir('/tmp'), 'dev': '.daylite' in os.listdir('/dev')}
os.lseek(fd, 0, 0)
out['read'] = os.read(fd, 100).decode()
os.write(fd, b'!')
out['size'] = os.fstat(fd).st_size
os.ftruncate(fd, 5)
out['truncated'] = os.fstat(fd).st_size
out['pread'] = os.pread(fd, 10, 0).decode()
out['orphans'] = len(os.listdir('${ORPHAN_DIR}'))
os.close(fd)
out['after'] = os.path.exists('/dev/.daylite')
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ exists: false, tmp: [], dev: false, read: 'hello world', size: 12, truncated: 5, pread: 'hello', orphans: 1, after: false })
    expect(orphans(vfs)).toBeNull()
    expect(vfs.exists('/dev/.daylite')).toBe(false)
  })

  it('tempfile.TemporaryFile, SpooledTemporaryFile rollover, TemporaryDirectory cleanup with a file open', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json, tempfile
out = {}
f = tempfile.TemporaryFile(); f.write(b'x' * 10); f.seek(0); out['temp'] = f.read().decode(); f.close()
s = tempfile.SpooledTemporaryFile(max_size=10)
s.write(b'a' * 5); s.write(b'b' * 20)
out['rolled'] = s._rolled
s.seek(0); out['spooled'] = s.read().decode(); out['fileno'] = os.fstat(s.fileno()).st_size
s.truncate(3); s.seek(0); out['trunc'] = s.read().decode(); s.close()
d = tempfile.TemporaryDirectory()
g = open(os.path.join(d.name, 'held.txt'), 'w+'); g.write('still here'); g.flush()
d.cleanup()
g.seek(0); out['held'] = g.read(); out['dir'] = os.path.exists(d.name); g.close()
out['tmp'] = os.listdir('/tmp')
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ temp: 'xxxxxxxxxx', rolled: true, spooled: 'aaaaa' + 'b'.repeat(20), fileno: 25, trunc: 'aaa', held: 'still here', dir: false, tmp: [] })
    expect(orphans(vfs)).toBeNull()
  })

  it('several fds on one file (and a hard link): all keep it after unlink; the orphan goes with the last close', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json
out = {}
a = os.open('/tmp/f', os.O_RDWR | os.O_CREAT)
os.write(a, b'data')
b = os.open('/tmp/f', os.O_RDONLY)
os.link('/tmp/f', '/tmp/g')
c = os.open('/tmp/g', os.O_RDONLY)
os.unlink('/tmp/f')
out['n1'] = len(os.listdir('${ORPHAN_DIR}'))
os.unlink('/tmp/g')
out['n2'] = len(os.listdir('${ORPHAN_DIR}'))
os.pwrite(a, b'DATA', 0)
out['b'] = os.pread(b, 10, 0).decode(); out['c'] = os.pread(c, 10, 0).decode()
os.close(a); os.close(b)
out['n3'] = len(os.listdir('${ORPHAN_DIR}'))
out['c2'] = os.pread(c, 10, 0).decode()
os.close(c)
out['gone'] = not os.path.exists('${ORPHAN_DIR}')
# A hard link outlives the orphan: unlinking one name of a linked file leaves the other.
h = os.open('/tmp/h', os.O_RDWR | os.O_CREAT); os.write(h, b'linked')
os.link('/tmp/h', '/tmp/k'); os.unlink('/tmp/h'); os.close(h)
out['k'] = open('/tmp/k').read(); out['nlink'] = os.stat('/tmp/k').st_nlink
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ n1: 1, n2: 1, b: 'DATA', c: 'DATA', n3: 1, c2: 'DATA', gone: true, k: 'linked', nlink: 1 })
  })

  it('rename while open: the fd follows the file, and files inside a renamed directory', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json
out = {}
with open('/tmp/g', 'w') as w: w.write('gg')
f = open('/tmp/g', 'r+')
os.rename('/tmp/g', '/tmp/h')
f.seek(0, 2); f.write('XX'); f.flush()
out['h'] = open('/tmp/h').read(); out['size'] = os.fstat(f.fileno()).st_size
f.close()
os.makedirs('/tmp/d1/sub')
g = open('/tmp/d1/sub/x', 'w+')
dfd = os.open('/tmp/d1/sub', os.O_RDONLY)
os.rename('/tmp/d1', '/tmp/d2')
g.write('moved'); g.flush(); g.seek(0)
out['x'] = g.read(); out['x2'] = open('/tmp/d2/sub/x').read()
out['dirfd'] = os.stat('x', dir_fd=dfd).st_size
g.close(); os.close(dfd)
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ h: 'ggXX', size: 4, x: 'moved', x2: 'moved', dirfd: 5 })
  })

  it('replace(b, a): an fd opened on a before keeps reading the old file', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json
out = {}
open('/tmp/a', 'w').write('old')
open('/tmp/b', 'w').write('new')
f = open('/tmp/a')
os.replace('/tmp/b', '/tmp/a')
out['fd'] = f.read(); out['path'] = open('/tmp/a').read(); out['tmp'] = sorted(os.listdir('/tmp'))
out['orphans'] = len(os.listdir('${ORPHAN_DIR}'))
f.close()
out['gone'] = not os.path.exists('${ORPHAN_DIR}')
# A failing rename leaves the open file where it was.
g = open('/tmp/a')
try: os.rename('/tmp/missing', '/tmp/a')
except FileNotFoundError: out['enoent'] = True
out['still'] = g.read(); g.close()
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ fd: 'old', path: 'new', tmp: ['a'], orphans: 1, gone: true, enoent: true, still: 'new' })
  })

  it('orphans count against the quota until closed, and a process that exits holding them leaves nothing', async () => {
    const vfs = sandbox({ maxBytes: 64 << 20 })
    const before = vfs.usage().bytes
    let held = 0
    const r = await py(
      vfs,
      `
import os, json
fd = os.open('/tmp/big', os.O_RDWR | os.O_CREAT)
os.write(fd, b'x' * 100000)
os.unlink('/tmp/big')
print(json.dumps({'orphans': len(os.listdir('${ORPHAN_DIR}'))}), flush=True)
os._exit(0)
`,
      {},
      (imports) => {
        // While the file is an orphan its bytes are still counted (as on Linux).
        const unlink = imports.path_unlink_file as (...a: number[]) => number
        imports.path_unlink_file = ((...a: number[]) => {
          const ret = unlink(...a)
          held = vfs.usage().bytes - before
          return ret
        }) as never
      },
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({ orphans: 1 })
    expect(held).toBeGreaterThanOrEqual(100000)
    expect(orphans(vfs)).toBeNull()
    expect(vfs.exists('/dev/.daylite')).toBe(false)
    expect(vfs.usage().bytes - before).toBeLessThan(1000)
  })
})

describe('open(O_CREAT) through a symlink (directory.ts)', () => {
  it('creates a dangling symlink’s target; O_EXCL is EEXIST, O_NOFOLLOW is ELOOP, a missing target directory ENOENT', async () => {
    const vfs = sandbox()
    const r = await py(
      vfs,
      `
import os, json, errno
out = {}
os.symlink('/tmp/target', '/tmp/link')
with open('/tmp/link', 'w') as f: f.write('through the link')
out['target'] = open('/tmp/target').read(); out['islink'] = os.path.islink('/tmp/link')
os.symlink('target2', '/tmp/rel')
with open('/tmp/rel', 'a') as f: f.write('relative')
out['target2'] = open('/tmp/target2').read()
def err(fn):
    try: fn(); return 'ok'
    except OSError as e: return errno.errorcode[e.errno]
os.symlink('/tmp/t3', '/tmp/l3')
out['excl'] = err(lambda: os.open('/tmp/l3', os.O_CREAT | os.O_EXCL | os.O_WRONLY))
out['nofollow'] = err(lambda: os.open('/tmp/l3', os.O_CREAT | os.O_NOFOLLOW | os.O_WRONLY))
out['t3'] = os.path.exists('/tmp/t3')
os.symlink('/tmp/nodir/t4', '/tmp/l4')
out['nodir'] = err(lambda: open('/tmp/l4', 'w'))
out['existing'] = err(lambda: os.open('/tmp/link', os.O_CREAT | os.O_WRONLY))
out['kept'] = open('/tmp/target').read()
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual({
      target: 'through the link',
      islink: true,
      target2: 'relative',
      excl: 'EEXIST',
      nofollow: 'ELOOP',
      t3: false,
      nodir: 'ENOENT',
      existing: 'ok',
      kept: 'through the link',
    })
  })
})

describe('fdflags round-trip', () => {
  it('os.set_blocking / get_blocking and O_NONBLOCK, on files and stdio', async () => {
    const r = await py(
      sandbox(),
      `
import os, json
out = []
open('/tmp/f', 'w').close()
fd = os.open('/tmp/f', os.O_RDONLY)
out.append(os.get_blocking(fd)); os.set_blocking(fd, False); out.append(os.get_blocking(fd)); os.set_blocking(fd, True); out.append(os.get_blocking(fd))
os.close(fd)
fd = os.open('/tmp/f', os.O_RDONLY | os.O_NONBLOCK); out.append(os.get_blocking(fd)); os.close(fd)
fd = os.open('/tmp/f', os.O_WRONLY | os.O_APPEND); os.set_blocking(fd, False)
os.write(fd, b'a'); os.write(fd, b'b'); out.append(open('/tmp/f').read()); os.close(fd)
os.set_blocking(0, False); out.append(os.get_blocking(0)); os.set_blocking(0, True); out.append(os.get_blocking(0))
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual([true, false, true, false, 'ab', false, true])
  })
})

describe('/dev (fds/device.ts)', () => {
  it('null, zero, urandom, random are character devices; null discards writes without touching the VFS', async () => {
    const vfs = sandbox({ maxBytes: 64 << 20 })
    const before = vfs.usage()
    const r = await py(
      vfs,
      `
import os, json, stat
out = {}
out['ls'] = sorted(os.listdir('/dev'))
with open('/dev/null', 'w') as f:
    for _ in range(100): f.write('x' * 10000)
out['null'] = open('/dev/null', 'rb').read().decode()
out['zero'] = list(open('/dev/zero', 'rb').read(4))
u = open('/dev/urandom', 'rb'); a, b = u.read(32), u.read(32); out['urandom'] = len(a) == 32 and a != b
out['random'] = len(os.read(os.open('/dev/random', os.O_RDONLY), 16))
out['chr'] = [stat.S_ISCHR(os.stat('/dev/' + n).st_mode) for n in ('null', 'zero', 'random', 'urandom', 'tty')]
f = open('/dev/null', 'r+b'); out['abilities'] = [f.readable(), f.writable(), f.seekable(), f.isatty()]; f.close()
out['trunc'] = os.stat('/dev/null').st_size
def err(fn):
    try: fn(); return 'ok'
    except OSError as e: return e.strerror
out['tty'] = err(lambda: open('/dev/tty', 'a'))
out['excl'] = err(lambda: os.open('/dev/null', os.O_CREAT | os.O_EXCL | os.O_WRONLY))
os.symlink('/dev/null', '/tmp/sink')
with open('/tmp/sink', 'w') as f: f.write('gone')
out['sink'] = os.path.islink('/tmp/sink')
with open('/dev/stdout', 'w') as f: f.write('via /dev/stdout\\n')
print(json.dumps(out))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.stdout.split('\n')[0]).toBe('via /dev/stdout')
    expect(r.json).toEqual({
      ls: ['null', 'random', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero'],
      null: '',
      zero: [0, 0, 0, 0],
      urandom: true,
      random: 16,
      chr: [true, true, true, true, true],
      abilities: [true, true, true, false],
      trunc: 0,
      tty: 'No such device or address',
      excl: 'File exists',
      sink: true,
    })
    expect(vfs.readdir('/dev')).toEqual([])
    expect(vfs.usage().bytes - before.bytes).toBeLessThan(1000)
  })

  it('with a terminal, /dev/tty is one: writes reach stdout, isatty is true, it does not seek', async () => {
    const r = await py(
      sandbox(),
      `
import os, json
f = open('/dev/tty', 'w')
f.write('to the terminal\\n'); f.flush()
print(json.dumps([f.isatty(), f.seekable(), os.isatty(f.fileno())]))
`,
      { tty: true },
    )
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('to the terminal\n[true, false, true]\n')
  })
})

/** A WASI instance without a guest: the imports over a bare memory, to call syscalls with raw bytes. */
function bare(vfs: Vfs) {
  const memory = new WebAssembly.Memory({ initial: 1 })
  const program = createWasi(module, { args: ['bare'], vfs })
  program.start({ exports: { memory, _start: () => {} } } as unknown as WebAssembly.Instance)
  const sys = program.imports.wasi_snapshot_preview1 as unknown as Record<string, (...a: (number | bigint)[]) => number>
  const mem = new Uint8Array(memory.buffer)
  const view = new DataView(memory.buffer)
  /** Writes `bytes` at `at`; returns [ptr, len]. */
  const put = (at: number, bytes: number[] | string): [number, number] => {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes)
    mem.set(b, at)
    return [at, b.byteLength]
  }
  return { sys, mem, view, put }
}

describe('path bytes that are not UTF-8 are EILSEQ (syscalls/path.ts)', () => {
  it('every path syscall refuses them; nothing is created', () => {
    const vfs = sandbox()
    const { sys, put } = bare(vfs)
    const [p, n] = put(1000, [0x74, 0x6d, 0x70, 0x2f, 0x61, 0xff]) // "tmp/a\xff"
    const [q, m] = put(1100, 'tmp/ok')
    const OUT = 2000
    expect(sys.path_open?.(3, 1, p, n, wasi.OFLAGS_CREAT, BigInt(wasi.RIGHTS_FD_WRITE), 0n, 0, OUT)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_filestat_get?.(3, 1, p, n, OUT)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_filestat_set_times?.(3, 1, p, n, 0n, 0n, wasi.FSTFLAGS_ATIM_NOW)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_create_directory?.(3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_remove_directory?.(3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_unlink_file?.(3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_readlink?.(3, p, n, OUT, 100, OUT + 200)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_rename?.(3, q, m, 3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_link?.(3, 0, q, m, 3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_symlink?.(p, n, 3, q, m)).toBe(wasi.ERRNO_ILSEQ)
    expect(sys.path_symlink?.(q, m, 3, p, n)).toBe(wasi.ERRNO_ILSEQ)
    expect(vfs.readdir('/tmp')).toEqual([])
    // Valid UTF-8, a leading byte-order mark included, still works.
    const [b, bl] = put(1200, 'tmp/\ufeffbom')
    expect(sys.path_open?.(3, 1, b, bl, wasi.OFLAGS_CREAT, BigInt(wasi.RIGHTS_FD_WRITE), 0n, 0, OUT)).toBe(wasi.ERRNO_SUCCESS)
    expect(vfs.readdir('/tmp')).toEqual(['\ufeffbom'])
  })

  it('b"a\\xff" and b"a\\xfe" are no longer the same file (python)', async () => {
    const r = await py(
      sandbox(),
      `
import os, json
out = []
for name in (b'/tmp/a\\xff', b'/tmp/a\\xfe'):
    try: open(name, 'w'); out.append('created')
    except OSError as e: out.append(e.errno)
print(json.dumps([out, os.listdir('/tmp'), os.path.lexists(b'/tmp/a\\xfe')]))
`,
    )
    expect(r.stderr).toBe('')
    expect(r.json).toEqual([[wasi.ERRNO_ILSEQ, wasi.ERRNO_ILSEQ], [], false])
  })

  it('path_readlink truncates to the buffer (POSIX readlink), it does not fail', () => {
    const vfs = sandbox()
    vfs.symlink('/a/rather/long/target', '/tmp/l')
    const { sys, mem, view, put } = bare(vfs)
    const [p, n] = put(1000, 'tmp/l')
    expect(sys.path_readlink?.(3, p, n, 2000, 6, 3000)).toBe(wasi.ERRNO_SUCCESS)
    expect(view.getUint32(3000, true)).toBe(6)
    expect(new TextDecoder().decode(mem.subarray(2000, 2006))).toBe('/a/rat')
  })
})

describe('utime(path) with times == NULL (runtime recipe issue; see docs/python-conformance.md)', () => {
  it('the host sets the current time for *_NOW flags, on paths and fds', () => {
    const vfs = sandbox()
    vfs.writeFile('/tmp/t', 'x')
    vfs.utimes('/tmp/t', 0, 0)
    const { sys, view, put } = bare(vfs)
    const [p, n] = put(1000, 'tmp/t')
    const before = Date.now()
    expect(sys.path_filestat_set_times?.(3, 1, p, n, 0n, 0n, wasi.FSTFLAGS_ATIM_NOW | wasi.FSTFLAGS_MTIM_NOW)).toBe(wasi.ERRNO_SUCCESS)
    expect(vfs.stat('/tmp/t').mtimeMs).toBeGreaterThanOrEqual(before - 1)
    expect(vfs.stat('/tmp/t').atimeMs).toBeGreaterThanOrEqual(before - 1)
    expect(sys.path_filestat_set_times?.(3, 1, p, n, 0n, 0n, wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM)).toBe(wasi.ERRNO_SUCCESS)
    expect(vfs.stat('/tmp/t').mtimeMs).toBe(0)
    // The same through an fd.
    expect(sys.path_open?.(3, 1, p, n, 0, BigInt(wasi.RIGHTS_FD_WRITE), 0n, 0, 2000)).toBe(wasi.ERRNO_SUCCESS)
    const fd = view.getUint32(2000, true)
    const again = Date.now()
    expect(sys.fd_filestat_set_times?.(fd, 0n, 0n, wasi.FSTFLAGS_MTIM_NOW)).toBe(wasi.ERRNO_SUCCESS)
    expect(vfs.stat('/tmp/t').mtimeMs).toBeGreaterThanOrEqual(again - 1)
    expect(vfs.stat('/tmp/t').atimeMs).toBe(0)
  })

  it('python: os.utime(p) reaches the host as *_NOW, or — with Debian bookworm’s wasi-libc — exactly as os.utime(p, (0, 0))', async () => {
    const vfs = sandbox()
    const calls: string[] = []
    const r = await py(
      vfs,
      `
import os, sys
open('/tmp/u', 'w').close()
fd = os.open('/tmp/u', os.O_RDWR)
for label, fn in (('path NULL', lambda: os.utime('/tmp/u')), ('path 0', lambda: os.utime('/tmp/u', (0, 0))),
                  ('fd NULL', lambda: os.utime(fd)), ('fd 0', lambda: os.utime(fd, (0, 0)))):
    sys.stderr.write(label + '\\n'); sys.stderr.flush(); fn()
`,
      {},
      (imports) => {
        for (const name of ['path_filestat_set_times', 'fd_filestat_set_times']) {
          const f = imports[name] as (...a: unknown[]) => number
          imports[name] = ((...a: unknown[]) => {
            // (fd, [lookup, path ptr, path len,] atim, mtim, fst_flags): keep the times and the flags.
            calls.push(a.slice(-3).map(String).join(' '))
            return f(...a)
          }) as never
        }
      },
    )
    expect(r.stderr).toBe('path NULL\npath 0\nfd NULL\nfd 0\n')
    const NOW = wasi.FSTFLAGS_ATIM_NOW | wasi.FSTFLAGS_MTIM_NOW
    const SET = wasi.FSTFLAGS_ATIM | wasi.FSTFLAGS_MTIM
    expect(calls[1]).toBe(`0 0 ${SET}`)
    expect(calls[3]).toBe(`0 0 ${SET}`)
    // NULL becomes *_NOW in libc (runtimes/common/daylite_utimens.c overrides bookworm's
    // utimensat/futimens, which sent an explicit (0, 0): the epoch).
    expect(calls[0]).toBe(`0 0 ${NOW}`)
    expect(calls[2]).toBe(`0 0 ${NOW}`)
  })
})
