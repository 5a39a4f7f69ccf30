/**
 * What the syscall groups share: the fd table and the guest memory. Marshalling lives in
 * `syscalls/*`, file semantics in `fds/*`.
 */
import type { Fd } from '@bjorn3/browser_wasi_shim'

/** The guest's view from inside a syscall. */
export interface SyscallContext {
  /** The fd table (the shim's `WASI.fds`; a closed slot is `undefined`). */
  readonly fds: (Fd | undefined)[]
  /** The guest memory's current buffer (it changes when memory grows). */
  memory(): ArrayBuffer
  /** `performance.now()` when the process was made (the start of its CPU-time clocks). */
  readonly startedAt: number
  /**
   * Milliseconds the process spent blocked since then: sleeping in `poll_oneoff`, waiting for
   * stdin or for room in a piped stdout. Not CPU time (see syscalls/clock.ts).
   */
  blockedMs: number
}

/** Runs `f`, counting the time it takes as blocked time of the process. */
export function blocking<T>(ctx: SyscallContext, f: () => T): T {
  const t = performance.now()
  try {
    return f()
  } finally {
    ctx.blockedMs += performance.now() - t
  }
}

/** A group of WASI preview1 imports. */
export type Imports = Record<string, (...args: never[]) => number | undefined | void>

/** Reads a UTF-8 string from guest memory (text such as source code: bad bytes become U+FFFD). */
export function readString(ctx: SyscallContext, ptr: number, len: number): string {
  return DECODER.decode(new Uint8Array(ctx.memory(), ptr, len))
}

/**
 * Reads a path from guest memory, or `undefined` when its bytes are not UTF-8 (the caller answers
 * EILSEQ, as wasmtime does). VFS names are strings, so a lossy decoding would make `b'a\xff'` and
 * `b'a\xfe'` the same file. A leading byte-order mark is kept: it is part of the name.
 */
export function readPath(ctx: SyscallContext, ptr: number, len: number): string | undefined {
  try {
    return PATH_DECODER.decode(new Uint8Array(ctx.memory(), ptr, len))
  } catch {
    return undefined
  }
}

/** An iovec array: `[buf, len]` pairs. */
export function readIovecs(view: DataView, ptr: number, count: number): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i < count; i++) out.push([view.getUint32(ptr + i * 8, true), view.getUint32(ptr + i * 8 + 4, true)])
  return out
}

const DECODER = new TextDecoder('utf-8')
const PATH_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
export const ENCODER = new TextEncoder()
