/**
 * The snapshot contract of runtimes/quickjs/qjs.wasm's `node` (see daylite_node.c and
 * docs/decisions/0005), exercised the way the host runs it: `_initialize` + `daylite_init` in the
 * neutral init environment, a copy of the linear memory, then fresh instances whose memory is
 * overwritten with the copy before `daylite_run`. Runs in this thread (test/node/harness.ts).
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { runWasi } from '../../src/wasi/index.js'
import { compileQjs, initSnapshot, runNode, runQjs, sandboxVfs } from './harness.js'

const WASM = fileURLToPath(new URL('../../runtimes/quickjs/qjs.wasm', import.meta.url))
const MANIFEST = fileURLToPath(new URL('../../runtimes/manifest.json', import.meta.url))

let module: WebAssembly.Module
let image: Uint8Array
let initOutput: string

beforeAll(async () => {
  module = await compileQjs(WASM)
  const snap = await initSnapshot(module, sandboxVfs())
  image = snap.memory
  initOutput = snap.output
}, 120_000)

/** The globals of a wasm binary: [valtype, mutable, i32 init or undefined]. */
function globals(bytes: Uint8Array): { mutable: boolean; init: number | undefined }[] {
  let p = 8
  const leb = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      const b = bytes[p++] ?? 0
      result |= (b & 0x7f) << shift
      shift += 7
      if ((b & 0x80) === 0) return result
    }
  }
  while (p < bytes.length) {
    const id = bytes[p++]
    const size = leb()
    const end = p + size
    if (id === 6) {
      const out: { mutable: boolean; init: number | undefined }[] = []
      const n = leb()
      for (let i = 0; i < n; i++) {
        p++ // valtype
        const mutable = bytes[p++] === 1
        const op = bytes[p++]
        let init: number | undefined
        if (op === 0x41) init = leb()
        while (bytes[p] !== 0x0b) p++
        p++
        out.push({ mutable, init })
      }
      return out
    }
    p = end
  }
  return []
}

function run(args: string[], extra: { env?: Record<string, string>; cwd?: string; stdin?: string } = {}) {
  const vfs = sandboxVfs()
  vfs.mkdir('/home/daytona/work', { recursive: true })
  vfs.writeFile('/home/daytona/work/data.txt', 'from the sandbox\n')
  return runNode({ module, vfs, args: ['node', ...args], snapshot: image, ...extra })
}

describe('qjs.wasm snapshot contract', () => {
  it('is a reactor with daylite_main/init/run, _start, and imports only WASI and daylite.transpile', () => {
    const exports = WebAssembly.Module.exports(module).map((e) => e.name).sort()
    expect(exports).toEqual(['_initialize', '_start', 'daylite_init', 'daylite_main', 'daylite_run', 'memory'])
    const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module))
    expect([...modules].sort()).toEqual(['daylite', 'wasi_snapshot_preview1'])
  })

  it('has one mutable global, the stack pointer (restoring memory is enough)', () => {
    const g = globals(new Uint8Array(readFileSync(WASM)))
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { artifacts: Record<string, { build: { stackSizeBytes: number } }> }
    expect(g.filter((x) => x.mutable)).toEqual([{ mutable: true, init: manifest.artifacts['quickjs/qjs.wasm']?.build.stackSizeBytes }])
  })

  it('daylite_init succeeds silently in the init environment', () => {
    expect(initOutput).toBe('')
    expect(image.byteLength % 65536).toBe(0)
    expect(image.byteLength).toBeLessThan(16 << 20)
  })

  it('leaves no file open: the first open of a run gets fd 4', async () => {
    const r = await run(['-e', "console.log(require('fs').openSync('/tmp/x', 'w'))"])
    expect(r).toMatchObject({ exitCode: 0, stdout: '4\n' })
  })

  it('reseeds Math.random and crypto per run', async () => {
    const code = "console.log(Math.random(), require('crypto').randomUUID())"
    const a = await run(['-e', code])
    const b = await run(['-e', code])
    expect(a.exitCode).toBe(0)
    expect(a.stdout).not.toBe(b.stdout)
  })

  it("reads this run's environment, argv and working directory, not the init's", async () => {
    const r = await run(['-e', 'console.log(process.env.FOO, process.env.HOME, process.env.LANG, process.cwd(), process.argv.slice(1), require("fs").readFileSync("data.txt", "utf8").trim())', 'x', 'y'], {
      env: { FOO: 'bar', HOME: '/home/daytona', PWD: '/home/daytona/work' },
      cwd: '/home/daytona/work',
    })
    expect(r).toMatchObject({ exitCode: 0, stdout: "bar /home/daytona undefined /home/daytona/work [ 'x', 'y' ] from the sandbox\n" })
  })

  it('gives the same results cold (init + run in one instance) and from the image', async () => {
    const code = "const u = new URL('https://a.b/c?d=1'); console.log([1, 2, { a: new Map([[1, 2]]) }], u.searchParams.get('d'), require('path').join('a', '..', 'b'))"
    const vfs = sandboxVfs()
    const cold = await runNode({ module, vfs, args: ['node', '-e', code] })
    const warm = await runNode({ module, vfs, args: ['node', '-e', code], snapshot: image })
    expect(cold).toEqual(warm)
    expect(warm).toMatchObject({ exitCode: 0, stdout: "[ 1, 2, { a: Map(1) { 1 => 2 } } ] 1 b\n" })
  })

  it('runs many times from one image with independent state', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await run(['-e', `globalThis.seen = (globalThis.seen ?? 0) + 1; process.exitCode = ${i}; console.log(seen)`])
      expect(r).toMatchObject({ exitCode: i, stdout: '1\n' })
    }
  })

  it('_start runs node cold (daylite_init + daylite_run) for argv[0] node, and qjs otherwise', async () => {
    const out: string[] = []
    const dec = new TextDecoder()
    const vfs = sandboxVfs()
    const node = await runWasi({ module, vfs, args: ['/usr/bin/node', '-p', 'typeof require'], onStdout: (b) => out.push(dec.decode(b)) })
    expect(node.exitCode).toBe(0)
    const qjs = await runWasi({ module, vfs, args: ['qjs', '-e', 'print(typeof require)'], onStdout: (b) => out.push(dec.decode(b)) })
    expect(qjs.exitCode).toBe(0)
    expect(out.join('')).toBe('function\nundefined\n')
  })

  it('says so when the prelude is missing, instead of failing obscurely', async () => {
    const err: string[] = []
    const { Vfs } = await import('../../src/vfs/index.js')
    const r = await runWasi({ module, vfs: new Vfs(), args: ['node', '-e', '1'], onStderr: (b) => err.push(new TextDecoder().decode(b)) })
    expect(r.exitCode).toBe(70)
    expect(err.join('')).toBe('node: /usr/lib/daylite/node/prelude.js is missing: the node runtime files are not installed\n')
  })

  it('still serves the stock qjs command line (daylite_main)', async () => {
    const r = await runQjs({ module, vfs: sandboxVfs(), args: ['qjs', '-e', 'print(typeof scriptArgs, 6 * 7)'] })
    expect(r).toMatchObject({ exitCode: 0, stdout: 'object 42\n' })
  })
})
