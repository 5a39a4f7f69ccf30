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
}

/** A group of WASI preview1 imports. */
export type Imports = Record<string, (...args: never[]) => number | undefined | void>

/** Reads a UTF-8 string from guest memory. */
export function readString(ctx: SyscallContext, ptr: number, len: number): string {
  return DECODER.decode(new Uint8Array(ctx.memory(), ptr, len))
}

/** An iovec array: `[buf, len]` pairs. */
export function readIovecs(view: DataView, ptr: number, count: number): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i < count; i++) out.push([view.getUint32(ptr + i * 8, true), view.getUint32(ptr + i * 8 + 4, true)])
  return out
}

const DECODER = new TextDecoder('utf-8')
export const ENCODER = new TextEncoder()
