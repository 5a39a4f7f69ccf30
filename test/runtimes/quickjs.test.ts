// Smoke test of the committed QuickJS build (runtimes/quickjs/qjs.wasm).
//
// The artifact is checked against runtimes/manifest.json (a fresh clone has no
// compiler, so this is what keeps the committed bytes honest), then run under
// Node's built-in node:wasi. node:wasi is only a stand-in until our own WASI
// layer exists; two of its Node 20 quirks shape this file:
//  - Each run is a child process: handing node:wasi's imports straight to wasm
//    can crash the whole process (SIGSEGV) once the guest has grown its memory
//    (nodejs/node#53087, #46777: the imports are V8 "fast API" calls). The
//    runner wraps every import in a plain JS function, which avoids it; the
//    child process keeps vitest safe if it ever comes back.
//  - Inside the child, qjs runs in a worker_threads Worker with a 4 MiB stack
//    (Node's Worker default), the host stack size the build's 256 KiB JS stack
//    limit is sized for (see runtimes/quickjs/README.md).
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const wasmPath = join(root, 'runtimes/quickjs/qjs.wasm')
const manifestPath = join(root, 'runtimes/manifest.json')

interface ManifestEntry {
  sha256: string
  bytes: number
  source: { package: string; version: string }
  build: { maxMemoryBytes: number }
}

interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** CommonJS source run twice: by `node -e` in the child, then as the Worker's eval'd body. */
const runner = String.raw`
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')
if (isMainThread) {
  const cfg = JSON.parse(process.env.QJS_TEST_CFG)
  const w = new Worker(process.env.QJS_TEST_RUNNER, { eval: true, workerData: cfg, resourceLimits: { stackSizeMb: 4 } })
  w.on('message', (m) => { process.exitCode = m.rc })
  w.on('error', (e) => { process.stderr.write('HOST ' + (e && e.stack || e) + '\n'); process.exitCode = 70 })
} else {
  const { WASI } = require('node:wasi')
  const fs = require('node:fs')
  const wasi = new WASI({ version: 'preview1', args: ['qjs', ...workerData.args], env: {}, preopens: workerData.preopens, returnOnExit: true })
  const raw = wasi.getImportObject().wasi_snapshot_preview1
  const wrapped = {}
  for (const [name, fn] of Object.entries(raw)) wrapped[name] = (...a) => fn(...a)
  const mod = new WebAssembly.Module(fs.readFileSync(workerData.wasm))
  // the daylite.transpile import is for the node command only; qjs never calls it
  const inst = new WebAssembly.Instance(mod, { wasi_snapshot_preview1: wrapped, daylite: { transpile: () => -1 } })
  // A reactor: node:wasi's start() refuses modules that export _initialize, so hand it the
  // _start entry point only (it runs the constructors, then qjs's command line).
  parentPort.postMessage({ rc: wasi.start({ exports: { memory: inst.exports.memory, _start: inst.exports._start } }) })
}
`

function qjs(args: string[], preopens: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', '-e', runner], {
      env: {
        PATH: process.env.PATH ?? '',
        QJS_TEST_RUNNER: runner,
        QJS_TEST_CFG: JSON.stringify({ wasm: wasmPath, args, preopens }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

describe('runtimes/quickjs/qjs.wasm', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'daylite-qjs-'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'hello.js'), 'print("hello", scriptArgs.slice(1).join(","))\nconsole.log(6 * 7)\n')
    writeFileSync(join(dir, 'lib.mjs'), 'export const greet = (n) => `hi ${n}`\n')
    writeFileSync(
      join(dir, 'main.mjs'),
      "import { greet } from './lib.mjs'\nprint(greet('module'))\nprint(import.meta.url)\n",
    )
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('matches the sha256 and size recorded in runtimes/manifest.json', () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      artifacts: Record<string, ManifestEntry>
    }
    const entry = manifest.artifacts['quickjs/qjs.wasm']
    expect(entry).toBeDefined()
    const bytes = readFileSync(wasmPath)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry?.sha256)
    expect(bytes.length).toBe(entry?.bytes)
    expect(entry?.source).toMatchObject({ package: 'quickjs', version: '2025.04.26-1' })
  })

  it('declares a maximum memory and the reactor interface', () => {
    const mod = new WebAssembly.Module(readFileSync(wasmPath))
    expect(WebAssembly.Module.exports(mod)).toContainEqual({ name: 'memory', kind: 'memory' })
    const foreign = WebAssembly.Module.imports(mod).filter((i) => i.module !== 'wasi_snapshot_preview1')
    expect(foreign).toEqual([{ module: 'daylite', name: 'transpile', kind: 'function' }])
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(['_initialize', '_start', 'daylite_init', 'daylite_main', 'daylite_run', 'memory'])
  })

  it('runs qjs -e', async () => {
    const r = await qjs(['-e', 'print(1 + 1); console.log("x", [1, 2])'])
    expect(r).toMatchObject({ code: 0, stdout: '2\nx 1,2\n', stderr: '' })
  })

  it('runs a script file with arguments from a preopened dir', async () => {
    const r = await qjs(['/sandbox/hello.js', 'a', 'b'], { '/sandbox': dir })
    expect(r).toMatchObject({ code: 0, stdout: 'hello a,b\n42\n' })
  })

  it('imports an ES module from a sibling file', async () => {
    const r = await qjs(['/sandbox/sub/../main.mjs'], { '/sandbox': dir })
    expect(r.stderr).toBe('')
    expect(r).toMatchObject({ code: 0, stdout: 'hi module\nfile:///sandbox/main.mjs\n' })
  })

  it('exits non-zero with the error on stderr when a script throws', async () => {
    const r = await qjs(['-e', 'print("before"); throw new TypeError("boom")'])
    expect(r.code).not.toBe(0)
    expect(r.signal).toBeNull()
    expect(r.stdout).toBe('before\n')
    expect(r.stderr).toContain('TypeError: boom')
  })

  it('turns deep JS recursion into a catchable error', async () => {
    const r = await qjs(['-e', 'function f(){return f()+1}; try{f()}catch(e){print(e.constructor.name)}; print("alive")'])
    expect(r).toMatchObject({ code: 0, stdout: 'InternalError\nalive\n' })
  })

  it('turns deep native recursion (JSON.stringify of a deep object) into a catchable error', async () => {
    const r = await qjs([
      '-e',
      'let o={}; for(let i=0;i<200000;i++) o={a:o}; try{JSON.stringify(o)}catch(e){print(String(e))}; print("alive")',
    ])
    expect(r).toMatchObject({ code: 0, stdout: 'InternalError: stack overflow\nalive\n' })
  })

  it('contains a memory bomb at the declared maximum', async () => {
    const r = await qjs([
      '-e',
      'const a=[]; try{for(;;) a.push(new ArrayBuffer(16<<20))}catch(e){print(String(e), a.length*16 < 256)}; a.length=0; print("alive")',
    ])
    expect(r).toMatchObject({ code: 0, signal: null, stdout: 'InternalError: out of memory true\nalive\n' })
  })

  it('honours a lower per-process cap with --memory-limit', async () => {
    const r = await qjs([
      '--memory-limit',
      '32M',
      '-e',
      'const a=[]; try{for(;;) a.push(new ArrayBuffer(1<<20))}catch(e){print(String(e), a.length < 32)}; print("alive")',
    ])
    expect(r).toMatchObject({ code: 0, stdout: 'InternalError: out of memory true\nalive\n' })
  })
})
