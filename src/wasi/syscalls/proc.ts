/**
 * Process and socket syscalls that the shim throws strings from: `proc_raise` ends the program
 * like a fatal signal (exit 128 + signal), the socket calls return ENOTSUP, and the calls the shim
 * implements without a return value return success.
 */
import { WASIProcExit, wasi } from '@bjorn3/browser_wasi_shim'
import type { SyscallContext } from './context.js'

/** proc_raise, sched_yield, random_get, sock_*. */
export function procSyscalls(ctx: SyscallContext) {
  return {
    proc_raise(sig: number): number {
      throw new WASIProcExit(128 + sig)
    },
    sched_yield(): number {
      return wasi.ERRNO_SUCCESS
    },
    random_get(ptr: number, len: number): number {
      const out = new Uint8Array(ctx.memory(), ptr, len)
      // getRandomValues refuses views of shared memory and more than 64 KiB at once.
      const chunk = new Uint8Array(Math.min(len, 65536))
      for (let i = 0; i < len; i += 65536) {
        const part = chunk.subarray(0, Math.min(65536, len - i))
        crypto.getRandomValues(part)
        out.set(part, i)
      }
      return wasi.ERRNO_SUCCESS
    },
    sock_accept: (): number => wasi.ERRNO_NOTSUP,
    sock_recv: (): number => wasi.ERRNO_NOTSUP,
    sock_send: (): number => wasi.ERRNO_NOTSUP,
    sock_shutdown: (): number => wasi.ERRNO_NOTSUP,
  }
}
