/**
 * argv with UTF-8 byte counts (the shim counts UTF-16 units in `args_sizes_get`, which overflows
 * the guest's buffer for non-ASCII arguments), plus the working-directory hand-over described in
 * `cwd.ts`.
 */
import { wasi } from '@bjorn3/browser_wasi_shim'
import { ENCODER } from './context.js'
import type { SyscallContext } from './context.js'

/** args_sizes_get and args_get. `cwdPointer()` is the address of `__wasilibc_cwd`, if known. */
export function argsSyscalls(ctx: SyscallContext, args: readonly string[], cwd: string, cwdPointer: () => number | null) {
  const encoded = args.map((a) => ENCODER.encode(a))
  const argsBytes = encoded.reduce((n, a) => n + a.byteLength + 1, 0)
  const cwdBytes = ENCODER.encode(cwd)
  const withCwd = (): boolean => cwd !== '/' && cwdPointer() !== null
  return {
    args_sizes_get(argcPtr: number, bufSizePtr: number): number {
      const view = new DataView(ctx.memory())
      view.setUint32(argcPtr, encoded.length, true)
      view.setUint32(bufSizePtr, argsBytes + (withCwd() ? cwdBytes.byteLength + 1 : 0), true)
      return wasi.ERRNO_SUCCESS
    },
    args_get(argvPtr: number, bufPtr: number): number {
      const mem = new Uint8Array(ctx.memory())
      const view = new DataView(mem.buffer)
      let p = bufPtr
      encoded.forEach((a, i) => {
        view.setUint32(argvPtr + i * 4, p, true)
        mem.set(a, p)
        mem[p + a.byteLength] = 0
        p += a.byteLength + 1
      })
      const at = cwdPointer()
      if (cwd !== '/' && at !== null) {
        mem.set(cwdBytes, p)
        mem[p + cwdBytes.byteLength] = 0
        view.setUint32(at, p, true)
      }
      return wasi.ERRNO_SUCCESS
    },
  }
}
