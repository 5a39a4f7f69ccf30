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
import type { ByteSource } from './fds/stdio.js'
import { argsSyscalls } from './syscalls/args.js'
import { clockSyscalls } from './syscalls/clock.js'
import type { SyscallContext } from './syscalls/context.js'
import { fdSyscalls } from './syscalls/fd.js'
import { pathSyscalls } from './syscalls/path.js'
import { pollSyscalls } from './syscalls/poll.js'
import { procSyscalls } from './syscalls/proc.js'

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
  onStdout?: (bytes: Uint8Array) => void
  /** Called with each chunk the program writes to stderr, as it writes it. */
  onStderr?: (bytes: Uint8Array) => void
  /** Make stdin/stdout/stderr terminals (line-buffered in the guest). Default false: pipes. */
  tty?: boolean
}

/** How a program ended. A guest failure is data (STYLE 11). */
export interface WasiResult {
  /** `proc_exit`'s code, 0 when `_start` returns, 128 + signal after `proc_raise`, 134 after a trap. */
  exitCode: number
  /** The trap's message when the guest crashed (unreachable, out-of-bounds access, stack overflow). */
  trap?: string
}

/** A prepared program: its import object, then `start` once it is instantiated. */
export interface WasiProgram {
  readonly imports: WebAssembly.Imports
  /** Runs `_start` to completion. Host faults (a broken channel) are thrown. */
  start(instance: WebAssembly.Instance): WasiResult
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
  const cwd = options.cwd ?? '/'
  const env = { ...options.env }
  env.PWD ??= cwd
  const tty = options.tty ?? false
  const noop = (): void => {}
  const fds: Fd[] = [
    new InputFd(toSource(options.stdin), tty),
    new OutputFd(options.onStdout ?? noop, tty),
    new OutputFd(options.onStderr ?? noop, tty),
    new VfsDirectory(options.vfs, '/', '/'),
  ]
  const shim = new WASI([...options.args], Object.entries(env).map(([k, v]) => `${k}=${v}`), fds, { debug: false })
  let memory: WebAssembly.Memory | undefined
  let cwdPointer: number | null = null
  const ctx: SyscallContext = {
    fds: shim.fds as (Fd | undefined)[],
    memory() {
      if (memory === undefined) throw new Error('WASI call before start')
      return memory.buffer
    },
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
  return {
    imports: { wasi_snapshot_preview1: shim.wasiImport, wasi_unstable: shim.wasiImport },
    start(instance) {
      const exports = instance.exports as { memory?: unknown; _start?: unknown }
      if (!(exports.memory instanceof WebAssembly.Memory) || typeof exports._start !== 'function') {
        throw new TypeError('not a WASI command: it must export `memory` and `_start`')
      }
      memory = exports.memory
      shim.inst = { exports: { memory } }
      if (cwd !== '/') cwdPointer = findCwdPointer(module, memory.buffer)
      try {
        ;(exports._start as () => void)()
        return { exitCode: 0 }
      } catch (e) {
        if (e instanceof WASIProcExit) return { exitCode: e.code }
        if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) {
          const trap = e.message
          options.onStderr?.(new TextEncoder().encode(`wasm trap: ${trap}\n`))
          return { exitCode: TRAP_EXIT, trap }
        }
        throw e
      }
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
