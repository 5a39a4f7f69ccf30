/**
 * Runs the `node` command of runtimes/quickjs/qjs.wasm in this thread over a `Vfs`, the way the
 * host does (see runtimes/quickjs/daylite_node.c): cold (`_initialize`, `daylite_init`,
 * `daylite_run` in one instance) or from a memory snapshot taken after `daylite_init` (a fresh
 * instance, no `_initialize`, the memory written over, `daylite_run`). The `daylite.transpile`
 * import is served by @swc/wasm-typescript here, as the kernel does.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Vfs } from '../../src/vfs/index.js'
import { createWasi } from '../../src/wasi/index.js'
import { loadTypeScript, transpileWith } from '../../src/engine/kernel/transpile.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Where the prelude lives in every sandbox. */
export const NODE_DIR = '/usr/lib/daylite/node'
/** The environment daylite_init runs in (the snapshot contract). */
export const INIT_ENV: Record<string, string> = { HOME: '/root', PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' }

interface ReactorExports {
  memory: WebAssembly.Memory
  _initialize(): void
  daylite_init(): number
  daylite_run(): number
  daylite_main(): number
}

export function compileQjs(path = `${ROOT}runtimes/quickjs/qjs.wasm`): Promise<WebAssembly.Module> {
  return WebAssembly.compile(readFileSync(path))
}

/** runtimes/quickjs/node/*.js as [name, bytes]. */
export function preludeFiles(): [string, Uint8Array][] {
  const dir = `${ROOT}runtimes/quickjs/node`
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => [f, new Uint8Array(readFileSync(`${dir}/${f}`))])
}

/** A filesystem like a sandbox's: the prelude, /tmp and /home/daytona. */
export function sandboxVfs(): Vfs {
  const vfs = new Vfs()
  vfs.mkdir(NODE_DIR, { recursive: true })
  for (const [name, data] of preludeFiles()) vfs.writeFile(`${NODE_DIR}/${name}`, data)
  vfs.mkdir('/home/daytona', { recursive: true })
  vfs.mkdir('/tmp')
  return vfs
}

const enc = new TextEncoder()
const dec = new TextDecoder()

type Swc = Awaited<ReturnType<typeof loadTypeScript>>

/** The `daylite.transpile` import (see daylite_node.c for the calling convention). */
export function transpileImport(swc: Swc, memory: () => WebAssembly.Memory) {
  return (src: number, srcLen: number, name: number, nameLen: number, out: number, cap: number): number => {
    const mem = new Uint8Array(memory().buffer)
    const source = dec.decode(mem.subarray(src, src + srcLen))
    const filename = dec.decode(mem.subarray(name, name + nameLen))
    let text: string
    let sign = 1
    try {
      text = transpileWith(swc, source, filename)
    } catch (error) {
      text = error instanceof Error ? error.message : String(error)
      sign = -1
    }
    const bytes = enc.encode(text)
    if (bytes.length <= cap) new Uint8Array(memory().buffer).set(bytes, out)
    return sign * Math.max(bytes.length, sign < 0 ? 1 : 0)
  }
}

export interface NodeRun {
  exitCode: number
  stdout: string
  stderr: string
  trap?: string
}

export interface RunOptions {
  module: WebAssembly.Module
  vfs: Vfs
  /** argv including argv[0] (node, ts-node, tsx). */
  args: string[]
  env?: Record<string, string>
  cwd?: string
  stdin?: string | Uint8Array
  /** Start from this memory (taken by {@link initSnapshot}) instead of running daylite_init. */
  snapshot?: Uint8Array
}

async function instantiate(options: Omit<RunOptions, 'snapshot'>, body: (ex: ReactorExports) => number): Promise<NodeRun> {
  const swc = await loadTypeScript()
  const out: Uint8Array[] = []
  const err: Uint8Array[] = []
  const program = createWasi(options.module, {
    args: options.args,
    env: options.env ?? { HOME: '/home/daytona', PATH: INIT_ENV.PATH ?? '', LANG: 'C.UTF-8' },
    cwd: options.cwd ?? '/home/daytona',
    vfs: options.vfs,
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    onStdout: (b) => out.push(b.slice()),
    onStderr: (b) => err.push(b.slice()),
  })
  let memory: WebAssembly.Memory | undefined
  const imports = {
    ...program.imports,
    daylite: {
      transpile: transpileImport(swc, () => {
        if (!memory) throw new Error('transpile before start')
        return memory
      }),
    },
  }
  const instance = await WebAssembly.instantiate(options.module, imports)
  const ex = instance.exports as unknown as ReactorExports
  memory = ex.memory
  let returned: number | undefined
  const result = program.start({ exports: { memory: ex.memory, _start: () => void (returned = body(ex)) } } as unknown as WebAssembly.Instance)
  const text = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join('')
  const exitCode = returned !== undefined && result.exitCode === 0 ? returned : result.exitCode
  return { exitCode, stdout: text(out), stderr: text(err), ...(result.trap !== undefined ? { trap: result.trap } : {}) }
}

/** daylite_init in the init environment; returns a copy of the linear memory. */
export async function initSnapshot(module: WebAssembly.Module, vfs: Vfs): Promise<{ memory: Uint8Array; ms: number; output: string }> {
  let snapshot: Uint8Array | undefined
  let ms = 0
  const run = await instantiate({ module, vfs, args: ['node'], env: INIT_ENV, cwd: '/' }, (ex) => {
    const t0 = performance.now()
    ex._initialize()
    const rc = ex.daylite_init()
    ms = performance.now() - t0
    if (rc === 0) snapshot = new Uint8Array(ex.memory.buffer).slice()
    return rc
  })
  if (!snapshot) throw new Error(`daylite_init failed: ${run.exitCode} ${run.stderr}`)
  return { memory: snapshot, ms, output: run.stdout + run.stderr }
}

/** Writes a snapshot over a fresh instance's memory. */
export function restore(memory: WebAssembly.Memory, snapshot: Uint8Array): void {
  const missing = snapshot.byteLength - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / 65536))
  new Uint8Array(memory.buffer).set(snapshot)
}

/** One `node` command line: from the snapshot when given, else cold. */
export function runNode(options: RunOptions): Promise<NodeRun> {
  const { snapshot } = options
  return instantiate(options, (ex) => {
    if (snapshot) {
      restore(ex.memory, snapshot)
      return ex.daylite_run()
    }
    ex._initialize()
    const rc = ex.daylite_init()
    if (rc !== 0) return 200 + rc
    return ex.daylite_run()
  })
}

/** The stock qjs command line (daylite_main). */
export function runQjs(options: Omit<RunOptions, 'snapshot'>): Promise<NodeRun> {
  return instantiate(options, (ex) => {
    ex._initialize()
    return ex.daylite_main()
  })
}
