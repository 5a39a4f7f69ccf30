/**
 * One WASI program's imports and its run: browser_wasi_shim's `WASI` for the plumbing it gets
 * right (environ, prestat, close, seek, readdir…), with our Fd classes over a {@link SyncVfs} and
 * our own marshalling for the syscalls listed in `syscalls/*`.
 */
import { WASI, WASIProcExit } from '@bjorn3/browser_wasi_shim'
import type { Fd } from '@bjorn3/browser_wasi_shim'
import type { SyncVfs } from '../vfs/index.js'
import { findCwdPointer } from './cwd.js'
import { VfsDirectory } from './fds/directory.js'
import { InputFd, OutputFd, bytesSource } from './fds/stdio.js'
import type { ByteSource, OutputSink } from './fds/stdio.js'
import { OpenFiles } from './open-files.js'
import { argsSyscalls } from './syscalls/args.js'
import { clockSyscalls } from './syscalls/clock.js'
import { blocking, type SyscallContext } from './syscalls/context.js'
import { fdSyscalls } from './syscalls/fd.js'
import { pathSyscalls } from './syscalls/path.js'
import { pollSyscalls } from './syscalls/poll.js'
import { procSyscalls } from './syscalls/proc.js'
import { dayliteImports } from './syscalls/daylite.js'
import type { Transpile } from './syscalls/daylite.js'

/** What a WASI program runs with. */
export interface WasiOptions {
  /** argv, including argv[0] (the program name). */
  args: readonly string[]
  /** Environment variables. `PWD` is set to `cwd` unless given. */
  env?: Readonly<Record<string, string>>
  /** The working directory (absolute; default `/`). */
  cwd?: string
  /** The filesystem, preopened as `/`. */
  vfs: SyncVfs
  /** stdin: bytes, a string or a blocking byte source (default: empty). */
  stdin?: Uint8Array | string | ByteSource
  /** Called with each chunk the program writes to stdout, as it writes it. */
  onStdout?: OutputSink
  /** Called with each chunk the program writes to stderr, as it writes it. */
  onStderr?: OutputSink
  /** Make stdin/stdout/stderr terminals (line-buffered in the guest). Default false: pipes. */
  tty?: boolean
  /** Serves the `daylite.transpile` import (TypeScript → JavaScript). Without it the import answers with an error. */
  transpile?: Transpile
}

/** How a program ended. A guest failure is data (STYLE 11). */
export interface WasiResult {
  /** `proc_exit`'s code, 0 when `_start` returns, 128 + signal after `proc_raise`, 134 after a trap. */
  exitCode: number
  /** The trap's message when the guest crashed (unreachable, out-of-bounds access, stack overflow). */
  trap?: string
  /**
   * True when the entry point returned normally (not through `proc_exit` or a trap): the guest's
   * stack pointer is back where it started, so the instance may be reused from a memory image.
   */
  returned?: boolean
}

/**
 * A prepared program: its import object, then one entry point once it is instantiated.
 *
 * Two kinds of module run here. A WASI *command* exports `_start`. A daylite *snapshot reactor*
 * (our runtime builds, see docs/decisions/0005) exports `_initialize` and three entry points:
 * `daylite_main` (the stock command line, a cold run), `daylite_init` (initialise in a neutral
 * environment, then return so that the memory can be copied) and `daylite_run` (run this
 * process's argv/env/cwd from that initialised state, in the same instance or in a fresh one whose
 * memory was overwritten with the copy).
 */
export interface WasiProgram {
  readonly imports: WebAssembly.Imports
  /** A cold run: `_start`, or `_initialize` + `daylite_main`. Host faults (a broken channel) are thrown. */
  start(instance: WebAssembly.Instance): WasiResult
  /** Snapshot protocol, first half: `_initialize` + `daylite_init`. Exit code 0 means initialised. */
  init(instance: WebAssembly.Instance): WasiResult
  /**
   * Snapshot protocol, second half: writes `image` over the instance's memory (growing it first)
   * when given, then calls `daylite_run`.
   */
  run(instance: WebAssembly.Instance, image?: Uint8Array): WasiResult
}

/** True when `module` follows daylite's snapshot protocol (exports `daylite_init` and `daylite_run`). */
export function isSnapshotModule(module: WebAssembly.Module): boolean {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name))
  return names.has('daylite_init') && names.has('daylite_run') && names.has('_initialize')
}

const PAGE = 65536

/** Copies a memory image into `memory`, growing it to the image's size first. */
export function restoreMemory(memory: WebAssembly.Memory, image: Uint8Array): void {
  const missing = image.byteLength - memory.buffer.byteLength
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE))
  new Uint8Array(memory.buffer).set(image)
}

const TRAP_EXIT = 134

function toSource(stdin: WasiOptions['stdin']): ByteSource {
  if (stdin === undefined) return bytesSource(new Uint8Array(0))
  if (typeof stdin === 'string') return bytesSource(new TextEncoder().encode(stdin))
  if (stdin instanceof Uint8Array) return bytesSource(stdin)
  return stdin
}

/** Builds the imports of one run of `module`. */
export function createWasi(module: WebAssembly.Module, options: WasiOptions): WasiProgram {
  const startedAt = performance.now()
  const cwd = options.cwd ?? '/'
  const env = { ...options.env }
  env.PWD ??= cwd
  const tty = options.tty ?? false
  const noop = (): void => {}
  // Waiting for input, or for room in a piped output, is blocked time, not CPU time (clock.ts).
  const source = toSource(options.stdin)
  const waits = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => blocking(ctx, () => f(...a))
  const stdin: ByteSource = { read: waits((max: number) => source.read(max)) }
  const stdio = [new InputFd(stdin, tty), new OutputFd(waits(options.onStdout ?? noop), tty), new OutputFd(waits(options.onStderr ?? noop), tty)] as const
  const files = new OpenFiles(options.vfs)
  const fds: Fd[] = [...stdio, new VfsDirectory(options.vfs, '/', '/', { files, devices: { stdio, tty } })]
  const shim = new WASI([...options.args], Object.entries(env).map(([k, v]) => `${k}=${v}`), fds, { debug: false })
  let memory: WebAssembly.Memory | undefined
  let cwdPointer: number | null = null
  const ctx: SyscallContext = {
    fds: shim.fds as (Fd | undefined)[],
    memory() {
      if (memory === undefined) throw new Error('WASI call before start')
      return memory.buffer
    },
    startedAt,
    blockedMs: 0,
  }
  Object.assign(
    shim.wasiImport,
    fdSyscalls(ctx),
    pathSyscalls(ctx),
    pollSyscalls(ctx),
    clockSyscalls(ctx),
    procSyscalls(ctx),
    argsSyscalls(ctx, options.args, cwd, () => cwdPointer),
  )
  const bind = (instance: WebAssembly.Instance): Record<string, unknown> => {
    const exports = instance.exports as Record<string, unknown>
    if (!(exports.memory instanceof WebAssembly.Memory)) throw new TypeError('not a WASI module: it must export `memory`')
    memory = exports.memory
    shim.inst = { exports: { memory } }
    return exports
  }
  const entry = (exports: Record<string, unknown>, name: string): (() => unknown) => {
    const f = exports[name]
    if (typeof f !== 'function') throw new TypeError(`not a daylite snapshot module: it must export \`${name}\``)
    return f as () => unknown
  }
  /**
   * Runs guest code; the exit code is `proc_exit`'s, else the function's i32 result (0 for none).
   * `exit`: the process ends here, so the files it unlinked while open go (a host fault skips
   * this; the channel server cleans up after a process worker however it ended).
   */
  const call = (exit: boolean, ...steps: (() => unknown)[]): WasiResult => {
    const result = guest(...steps)
    if (exit) files.exit()
    return result
  }
  const guest = (...steps: (() => unknown)[]): WasiResult => {
    try {
      let code = 0
      for (const step of steps) {
        const r = step()
        code = typeof r === 'number' ? r : 0
        if (code !== 0) break
      }
      return { exitCode: code, returned: true }
    } catch (e) {
      if (e instanceof WASIProcExit) return { exitCode: e.code }
      if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
        const trap = e.message
        options.onStderr?.(new TextEncoder().encode(`wasm trap: ${trap}\n`))
        return { exitCode: TRAP_EXIT, trap }
      }
      throw e
    }
  }
  return {
    imports: { wasi_snapshot_preview1: shim.wasiImport, wasi_unstable: shim.wasiImport, daylite: dayliteImports(ctx, options.transpile) },
    start(instance) {
      const exports = bind(instance)
      if (cwd !== '/' && memory) cwdPointer = findCwdPointer(module, memory.buffer)
      if (typeof exports._start === 'function') return call(true, exports._start as () => void)
      if (typeof exports.daylite_main === 'function') {
        const init = typeof exports._initialize === 'function' ? [exports._initialize as () => void] : []
        return call(true, ...init, exports.daylite_main as () => number)
      }
      throw new TypeError('not a WASI command: it must export `_start` (or `_initialize` and `daylite_main`)')
    },
    init(instance) {
      const exports = bind(instance)
      return call(false, entry(exports, '_initialize'), entry(exports, 'daylite_init'))
    },
    run(instance, image) {
      const exports = bind(instance)
      const run = entry(exports, 'daylite_run')
      if (image !== undefined && memory) restoreMemory(memory, image)
      return call(true, run)
    },
  }
}

/** {@link WasiOptions} plus the compiled module. */
export interface RunWasiOptions extends WasiOptions {
  module: WebAssembly.Module
}

/**
 * Runs a WASI command in the calling thread (tests, or the in-thread fallback) and resolves
 * with its exit code.
 *
 * @example
 * ```ts
 * const { exitCode } = await runWasi({ module, args: ['qjs', '-e', 'print(1)'], vfs, onStdout: (b) => out.push(b) })
 * ```
 */
export async function runWasi(options: RunWasiOptions): Promise<WasiResult> {
  const program = createWasi(options.module, options)
  const instance = await WebAssembly.instantiate(options.module, program.imports)
  return program.start(instance)
}
