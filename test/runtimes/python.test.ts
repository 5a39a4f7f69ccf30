/**
 * The committed CPython runtime (runtimes/python): checksums against runtimes/manifest.json, and a
 * smoke test of python.wasm under Node's built-in node:wasi. node:wasi is only a stand-in here (our
 * own WASI layer comes later); each run gets its own child process so a misbehaving node:wasi
 * cannot take the test runner down with it.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
const RUNTIMES = join(ROOT, 'runtimes')
const PYTHON_DIR = join(RUNTIMES, 'python')

interface ManifestEntry {
  sha256: string
  bytes: number
  sources: { package: string; version: string; suite: string }[]
}

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs in the child: instantiate python.wasm with node:wasi, exit with the guest's code. Each
 * import is wrapped in a plain JS function: passing node:wasi's imports (V8 fast API calls)
 * straight to wasm can crash Node 20 with SIGSEGV after the guest grows its memory.
 */
const RUNNER = `
const { WASI } = await import('node:wasi')
const { readFile } = await import('node:fs/promises')
const { wasm, args, env, preopens } = JSON.parse(process.argv[1])
// The child exits with the guest: python.wasm is a reactor, and node:wasi returns proc_exit's code only from start().
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: false })
const imports = {}
for (const [name, fn] of Object.entries(wasi.getImportObject().wasi_snapshot_preview1)) {
  imports[name] = (...a) => fn(...a)
}
const mod = await WebAssembly.compile(await readFile(wasm))
const instance = await WebAssembly.instantiate(mod, { wasi_snapshot_preview1: imports })
wasi.initialize(instance)
process.exitCode = instance.exports.daylite_main()
`

function python(...argv: string[]): Promise<Run> {
  const spec = {
    wasm: join(PYTHON_DIR, 'python.wasm'),
    args: ['python', ...argv],
    // The stdlib zip is reached through a preopen; PYTHONHOME only silences getpath's search.
    env: { PYTHONPATH: '/stdlib/python313.zip', PYTHONHOME: '/stdlib', NO_COLOR: '1' },
    preopens: { '/stdlib': PYTHON_DIR },
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', RUNNER, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

describe('runtimes/python artifacts', () => {
  test('sha256 and size match runtimes/manifest.json', async () => {
    const manifest = JSON.parse(await readFile(join(RUNTIMES, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, ManifestEntry>
    }
    for (const key of ['python/python.wasm', 'python/python313.zip']) {
      const entry = manifest.artifacts[key]
      expect(entry, key).toBeDefined()
      if (!entry) continue
      const bytes = await readFile(join(RUNTIMES, key))
      expect(bytes.length, key).toBe(entry.bytes)
      expect(createHash('sha256').update(bytes).digest('hex'), key).toBe(entry.sha256)
      expect(entry.sources.map((s) => s.package), key).toContain('python3.13')
    }
  })
})

describe('python.wasm under node:wasi', () => {
  test('json and sys.platform', async () => {
    const r = await python('-c', "import json,sys; print(json.dumps({'a':1}), sys.platform)")
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('{"a": 1} wasi\n')
    expect(r.code).toBe(0)
  })

  test('sqlite3 in-memory round trip', async () => {
    const r = await python(
      '-c',
      [
        'import sqlite3',
        "db = sqlite3.connect(':memory:')",
        "db.execute('create table t (k text primary key, v integer)')",
        "db.executemany('insert into t values (?, ?)', [('a', 1), ('b', 2)])",
        "print(db.execute('select sum(v), group_concat(k) from t').fetchone(), sqlite3.sqlite_version)",
      ].join('\n'),
    )
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe("(3, 'a,b') 3.46.1\n")
    expect(r.code).toBe(0)
  })

  test('zlib compress/decompress', async () => {
    const r = await python(
      '-c',
      "import zlib; d = b'daylite' * 1000; c = zlib.compress(d, 9); print(len(c) < 100, zlib.decompress(c) == d)",
    )
    expect(r.stdout).toBe('True True\n')
    expect(r.code).toBe(0)
  })

  test('an uncaught exception is a traceback and exit code 1', async () => {
    const r = await python('-c', "def f():\n    raise ValueError('boom')\nf()")
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('Traceback (most recent call last):')
    expect(r.stderr).toContain('ValueError: boom')
  })

  test('a memory bomb is a MemoryError, not a host crash', async () => {
    const r = await python(
      '-c',
      [
        'chunks = []',
        'try:',
        '    while True: chunks.append(bytearray(16 << 20))',
        'except MemoryError:',
        '    n = len(chunks); chunks.clear()',
        "    print('MemoryError after', n, 'chunks')",
        'x = bytearray(1 << 20)',
        "print('alive')",
      ].join('\n'),
    )
    expect(r.signal).toBeNull()
    expect(r.stdout).toMatch(/^MemoryError after \d+ chunks\nalive\n$/)
    expect(r.code).toBe(0)
  })
})
